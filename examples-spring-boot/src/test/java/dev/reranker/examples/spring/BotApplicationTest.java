package dev.reranker.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The bot endpoint on a random port, with the real bundled model, its health and its meters. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.main.banner-mode=off")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BotApplicationTest {
  private static final String EXAM_REQUEST =
      """
      {"history": [{"speaker": "user", "text": "Just anxious and tired"},
                   {"speaker": "bot", "text": "Still worried about tomorrow?"}],
       "message": "Yes, I have an exam",
       "candidates": [
         {"text": "I like pizza.", "source": "retrieval"},
         {"text": "Exams are stressful. Try to get some sleep tonight.", "source": "generative"},
         {"text": "As an AI language model, I cannot feel stress.", "source": "generative"},
         {"text": "   ", "source": "retrieval"}]}
      """;

  private final HttpClient client = HttpClient.newHttpClient();

  @LocalServerPort private int port;

  @Test
  void replies_withTheBestCandidate_andSaysWhyOthersWereDropped() throws Exception {
    HttpResponse<String> answer = post("/reply", EXAM_REQUEST);

    assertThat(answer.statusCode()).isEqualTo(200);
    String json = answer.body();
    assertThat(JsonPath.<String>read(json, "$.reply"))
        .isEqualTo("Exams are stressful. Try to get some sleep tonight.");
    assertThat(JsonPath.<String>read(json, "$.source")).isEqualTo("generative");
    assertThat(JsonPath.<Double>read(json, "$.probability")).isBetween(0.0, 1.0);
    List<Map<String, String>> dropped = JsonPath.read(json, "$.dropped");
    assertThat(dropped)
        .extracting(d -> d.get("heuristic"))
        .containsExactlyInAnyOrder("blocklist", "blank");
  }

  @Test
  void whenEveryCandidateIsDropped_repliesWithTheFallback() throws Exception {
    HttpResponse<String> answer =
        post(
            "/reply",
            """
            {"message": "Are you a robot?",
             "candidates": [{"text": "As a large language model I have no body."}]}
            """);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<String>read(answer.body(), "$.reply")).isEqualTo(BotApplication.FALLBACK);
    assertThat(JsonPath.<Object>read(answer.body(), "$.probability")).isNull();
  }

  @Test
  void aRequestWithoutCandidates_isABadRequest() throws Exception {
    HttpResponse<String> answer = post("/reply", "{\"message\": \"hi\", \"candidates\": []}");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(JsonPath.<String>read(answer.body(), "$.error")).isEqualTo("bad_request");
    assertThat(JsonPath.<String>read(answer.body(), "$.message"))
        .isEqualTo("candidates must not be empty");
  }

  @Test
  void healthReadinessAndMetrics_showTheReranker() throws Exception {
    var unused = post("/reply", EXAM_REQUEST);

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<String>read(health.body(), "$.components.reranker.status"))
        .isEqualTo("UP");
    assertThat(JsonPath.<String>read(health.body(), "$.components.reranker.details.model"))
        .contains("RerankerModel.bundled()");
    HttpResponse<String> readiness = get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<Map<String, Object>>read(readiness.body(), "$.components"))
        .containsKeys("readinessState", "reranker");

    String prometheus = get("/actuator/prometheus").body();
    assertThat(prometheus)
        .containsPattern("(?m)^reranker_requests_total [1-9]")
        .contains("reranker_request_seconds_count", "reranker_queue_depth");
  }

  private HttpResponse<String> post(String path, String json)
      throws IOException, InterruptedException {
    return client.send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60));
  }
}
