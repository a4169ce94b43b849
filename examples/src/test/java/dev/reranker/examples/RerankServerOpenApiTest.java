package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.reranker.Heuristic;
import dev.reranker.Reranker;
import dev.reranker.heuristics.Blocklist;
import dev.reranker.heuristics.Heuristics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /openapi.json} against the server's real answers: every answer below, successes and
 * errors of every route, validates against the schema the document gives for its path, method and
 * status (OpenAPI 3.0 schemas checked as JSON Schema draft 4, {@code nullable} as a null type, with
 * networknt's validator). Also {@code POST /v1/rerank}'s behaviour: Cohere's and TEI's request
 * fields, {@code top_n}, {@code return_documents}, indices of equal documents, dropped ones.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RerankServerOpenApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Reranker reranker;
  static RerankServer server;
  static HttpClient client;
  static JsonNode document;
  static final List<String> checked = new ArrayList<>();

  /** Drops any candidate that says "drop me", so the answers show dropped ones too. */
  static final Heuristic DROP_ME =
      Heuristics.blocklist(Blocklist.builder().phrase("drop me").build());

  @BeforeAll
  static void start() throws Exception {
    // Longer replies score higher: answers are known without a model.
    reranker =
        Reranker.builder()
            .scorer(
                batch -> {
                  float[] scores = new float[batch.size()];
                  for (int i = 0; i < scores.length; i++) {
                    scores[i] = batch.get(i).candidate().text().length() / 10f - 2;
                  }
                  return scores;
                })
            .heuristics(DROP_ME)
            .build();
    server = RerankServer.builder(reranker).port(0).start();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> openapi = get("/openapi.json");
    assertThat(openapi.statusCode()).isEqualTo(200);
    document = JSON.readTree(openapi.body());
  }

  @AfterAll
  static void stop() {
    server.close();
    reranker.close();
    // Every route of the document was exercised by some test.
    assertThat(checked)
        .contains(
            "POST /rerank 200",
            "POST /v1/rerank 200",
            "GET /health 200",
            "GET /ready 200",
            "POST /rerank 422",
            "POST /v1/rerank 422");
  }

  static HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body, String type) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Validates an answer against the document's schema for it, and returns its JSON. */
  static JsonNode conforms(String method, String path, HttpResponse<String> response)
      throws Exception {
    JsonNode responses =
        document.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
    assertThat(responses.isMissingNode()).as(method + " " + path + " is documented").isFalse();
    String status = Integer.toString(response.statusCode());
    JsonNode answer = responses.path("responses").path(status);
    if (answer.isMissingNode()) {
      answer = responses.path("responses").path("default");
    }
    assertThat(answer.isMissingNode()).as(method + " " + path + " " + status).isFalse();
    if (answer.has("$ref")) {
      answer = resolve(answer.get("$ref").asText());
    }
    JsonNode schema = answer.path("content").path("application/json").path("schema");
    assertThat(schema.isMissingNode()).as("JSON schema of " + path + " " + status).isFalse();
    ObjectNode root = (ObjectNode) draft4(schema.deepCopy());
    root.set("components", draft4(document.get("components").deepCopy()));
    JsonSchema validator =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
    JsonNode body = JSON.readTree(response.body());
    Set<ValidationMessage> errors = validator.validate(body);
    assertThat(errors).as(method + " " + path + " " + status + ": " + response.body()).isEmpty();
    checked.add(method + " " + path + " " + status);
    return body;
  }

  static JsonNode resolve(String ref) {
    JsonNode node = document;
    for (String part : ref.substring(2).split("/")) {
      node = node.path(part);
    }
    return node;
  }

  /** OpenAPI 3.0's {@code nullable: true} is draft 4's type array with "null". */
  static JsonNode draft4(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.path("nullable").asBoolean(false) && o.has("type")) {
        ArrayNode types = JsonNodeFactory.instance.arrayNode();
        types.add(o.get("type").asText()).add("null");
        o.set("type", types);
      }
      o.remove("nullable");
      for (Map.Entry<String, JsonNode> property : o.properties()) {
        draft4(property.getValue());
      }
    } else if (node instanceof ArrayNode a) {
      a.forEach(RerankServerOpenApiTest::draft4);
    }
    return node;
  }

  @Test
  void rerankAnswersConform() throws Exception {
    JsonNode body =
        conforms(
            "POST",
            "/rerank",
            post(
                "/rerank",
                "{\"context\": [\"hi\", \"hello\", \"how are you?\"], \"persona\": [\"I sing.\"],"
                    + " \"candidates\": [\"fine, thanks, and you?\", {\"text\": \"ok\", \"source\":"
                    + " \"retrieval\"}, \"please drop me\"]}",
                "application/json"));
    assertThat(body.get("best").asText()).isEqualTo("fine, thanks, and you?");
    assertThat(body.get("dropped").get(0).get("score").isNull()).isTrue();
  }

  @Test
  void v1RerankTakesCohereFields_topN_returnDocuments() throws Exception {
    JsonNode body =
        conforms(
            "POST",
            "/v1/rerank",
            post(
                "/v1/rerank",
                "{\"model\": \"any\", \"query\": \"how are you?\", \"documents\": [\"ok\","
                    + " \"fine, thanks, and you?\", {\"text\": \"good\"}, \"please drop me\"],"
                    + " \"top_n\": 2, \"return_documents\": true}",
                "application/json"));
    JsonNode results = body.get("results");
    assertThat(results).hasSize(2);
    assertThat(results.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(results.get(0).get("document").get("text").asText())
        .isEqualTo("fine, thanks, and you?");
    assertThat(results.get(1).get("index").asInt()).isEqualTo(2); // "good" beats "ok"
    assertThat(results.get(0).get("relevance_score").asDouble())
        .isGreaterThan(results.get(1).get("relevance_score").asDouble());
    assertThat(body.get("meta").get("dropped").get(0).asInt()).isEqualTo(3);
  }

  @Test
  void v1RerankTakesADialogOrTeisTexts_andEqualDocumentsKeepTheirOwnIndices() throws Exception {
    JsonNode body =
        conforms(
            "POST",
            "/v1/rerank",
            post(
                "/v1/rerank",
                "{\"context\": [\"hi\", \"hello\", \"how are you?\"], \"texts\": [\"same\", \"a"
                    + " longer reply\", \"same\"]}",
                "application/json"));
    JsonNode results = body.get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("index").asInt()).isEqualTo(1);
    assertThat(List.of(results.get(1).get("index").asInt(), results.get(2).get("index").asInt()))
        .containsExactlyInAnyOrder(0, 2);
    assertThat(results.get(0).has("document")).isFalse(); // return_documents defaults to false
    assertThat(body.get("meta").get("truncated").get("turns").asInt()).isZero();
  }

  @Test
  void errorsConform() throws Exception {
    JsonNode both =
        conforms(
            "POST",
            "/v1/rerank",
            post(
                "/v1/rerank",
                "{\"query\": \"q\", \"context\": [\"q\"], \"documents\": [\"a\"]}",
                "application/json"));
    assertThat(both.get("error").asText()).isEqualTo("invalid_request");
    assertThat(both.get("message").asText()).contains("exactly one");
    JsonNode topN =
        conforms(
            "POST",
            "/v1/rerank",
            post(
                "/v1/rerank",
                "{\"query\": \"q\", \"documents\": [\"a\"], \"top_n\": 0}",
                "application/json"));
    assertThat(topN.get("message").asText()).contains("'top_n' must be a positive integer");
    JsonNode noDocuments =
        conforms(
            "POST", "/v1/rerank", post("/v1/rerank", "{\"query\": \"q\"}", "application/json"));
    assertThat(noDocuments.get("message").asText()).isEqualTo("missing field 'documents'");
    conforms("POST", "/rerank", post("/rerank", "{\"context\": []}", "application/json"));
    conforms("POST", "/rerank", post("/rerank", "{not json", "application/json"));
    conforms("POST", "/v1/rerank", post("/v1/rerank", "{}", "text/plain"));
    JsonNode wrongMethod = conforms("GET", "/health", post("/health", "", "application/json"));
    assertThat(wrongMethod.get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void healthAndReadyConform() throws Exception {
    assertThat(conforms("GET", "/health", get("/health")).get("status").asText()).isEqualTo("ok");
    assertThat(conforms("GET", "/ready", get("/ready")).get("status").asText()).isEqualTo("ready");
  }

  @Test
  void readyWaitsForTheWarmUp_healthDoesNot() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (Reranker slow =
            Reranker.builder()
                .scorer(
                    batch -> {
                      release.await();
                      return new float[batch.size()];
                    })
                .build();
        RerankServer warming =
            RerankServer.builder(slow)
                .port(0)
                .warmUp(true)
                .timeout(Duration.ofSeconds(30))
                .start()) {
      URI ready = URI.create("http://127.0.0.1:" + warming.port() + "/ready");
      URI health = URI.create("http://127.0.0.1:" + warming.port() + "/health");
      HttpResponse<String> before =
          client.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(before.body()).get("status").asText()).isEqualTo("warming_up");
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int status = 503;
      while (status != 200 && System.nanoTime() < deadline) {
        status =
            client
                .send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
        Thread.sleep(10);
      }
      assertThat(status).isEqualTo(200);
    }
  }
}
