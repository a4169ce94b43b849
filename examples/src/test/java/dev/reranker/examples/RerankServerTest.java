package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Candidate;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP service on the bundled model: concurrent batching, and every error status. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RerankServerTest {
  static final int CLIENTS = 32;
  static final int REQUESTS_PER_CLIENT = 7; // 224 requests in all

  static Reranker reranker;
  static RerankServer server;
  static HttpClient client;

  @BeforeAll
  static void start() throws IOException {
    reranker = SharedReranker.get();
    // A deadline far beyond the test's needs: this class checks answers, not 504s, and a busy
    // 2-core machine can take more than the default 10 s for 224 requests.
    server = RerankServer.builder(reranker).port(0).timeout(Duration.ofSeconds(100)).start();
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Short dialogs and replies: the test is about the service, so keep the model's work small. */
  static final List<List<String>> CONTEXTS =
      List.of(
          List.of("i feel lonely"),
          List.of("hi", "hey! how are you?", "tired. exam tomorrow"),
          List.of("my dog died"),
          List.of("i got the job!"),
          List.of("are you a bot?"),
          List.of("so bored"),
          List.of("hey", "hi! what's up?", "my boss yelled at me"),
          List.of("can't sleep again"));

  static final List<List<String>> CANDIDATES =
      List.of(
          List.of("I'm here with you.", "I like trains.", "i feel lonely"),
          List.of("Get some sleep, you studied hard.", "Pizza is great.", "hey! how are you?"),
          List.of("I'm so sorry about your dog.", "Congratulations!", "Hi {name}!"),
          List.of("Congratulations, that's amazing!", "I'm sorry for your loss."),
          List.of("Yes, I'm an AI companion.", "I love hiking.", "As an AI language model, no."),
          List.of("Want to play a game?", "My condolences.", "So bored"),
          List.of("That's not okay. Are you alright?", "Nice weather today."),
          List.of("Try a warm shower and no screens.", "Congrats on the promotion!"));

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // 10 s alone on 2 cores; room for a busy machine
  void concurrentRequests_areAllAnsweredAsADirectRank_andBatchTogether() throws Exception {
    List<Ranking> expected = new ArrayList<>();
    for (int i = 0; i < CONTEXTS.size(); i++) {
      expected.add(
          reranker.rank(
              Dialogs.fromContext(CONTEXTS.get(i), List.of()),
              CANDIDATES.get(i).stream().map(Candidate::of).toList()));
    }
    Map<String, Double> before = metrics();

    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<List<String>>> failures = new ArrayList<>();
    try {
      for (int t = 0; t < CLIENTS; t++) {
        int thread = t;
        failures.add(
            clients.submit(
                () -> {
                  List<String> wrong = new ArrayList<>();
                  for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                    int input = (thread * REQUESTS_PER_CLIENT + r) % CONTEXTS.size();
                    HttpResponse<String> response = post("/rerank", body(input));
                    String problem =
                        response.statusCode() != 200
                            ? "status " + response.statusCode() + ": " + response.body()
                            : mismatch(
                                expected.get(input), JsonParser.parseString(response.body()));
                    if (problem != null) {
                      wrong.add("input " + input + ": " + problem);
                    }
                  }
                  return wrong;
                }));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : failures) {
        all.addAll(f.get(50, TimeUnit.SECONDS));
      }
      assertThat(all).isEmpty();
    } finally {
      clients.shutdownNow();
    }

    Map<String, Double> after = metrics();
    double requests = after.get("reranker_requests_total") - before.get("reranker_requests_total");
    double batches = after.get("reranker_batches_total") - before.get("reranker_batches_total");
    assertThat(requests).isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
    assertThat(batches).as("batches held requests of several clients").isLessThan(requests / 2);
    assertThat(
            after.get("reranker_http_responses_total{code=\"200\"}")
                - before.getOrDefault("reranker_http_responses_total{code=\"200\"}", 0.0))
        .as("the 224 answers and the first /metrics")
        .isEqualTo(CLIENTS * REQUESTS_PER_CLIENT + 1);
  }

  /** Returns null when the answer has the direct ranking's order and scores, else what differs. */
  private static String mismatch(Ranking expected, JsonElement answer) {
    JsonObject o = answer.getAsJsonObject();
    JsonArray ranked = o.getAsJsonArray("ranked");
    if (ranked.size() != expected.ranked().size()
        || o.getAsJsonArray("dropped").size() != expected.dropped().size()) {
      return "sizes differ: " + answer;
    }
    for (int i = 0; i < ranked.size(); i++) {
      JsonObject c = ranked.get(i).getAsJsonObject();
      ScoredCandidate want = expected.ranked().get(i);
      // Batched with other requests, padding differs: scores agree to float noise, not bits.
      if (!c.get("text").getAsString().equals(want.text())
          || Math.abs(c.get("probability").getAsDouble() - want.probability()) > 1e-4) {
        return "rank " + i + " is " + c + ", expected " + want;
      }
    }
    String best = o.get("best").isJsonNull() ? null : o.get("best").getAsString();
    return java.util.Objects.equals(best, expected.best().map(ScoredCandidate::text).orElse(null))
        ? null
        : "best is " + best;
  }

  private static String body(int input) {
    JsonObject body = new JsonObject();
    JsonArray context = new JsonArray();
    CONTEXTS.get(input).forEach(context::add);
    JsonArray candidates = new JsonArray();
    CANDIDATES.get(input).forEach(candidates::add);
    body.add("context", context);
    body.add("candidates", candidates);
    return body.toString();
  }

  @Test
  void objectCandidates_keepTheirSource_andPersonaIsAccepted() throws Exception {
    HttpResponse<String> response =
        post(
            "/rerank",
            """
        {"context": ["hi", "hello! how was your day?", "long. exam tomorrow"],
         "persona": ["i love hearing about people's days."],
         "candidates": [{"text": "You'll do great, get some sleep.", "source": "retrieval"},
                        {"text": "Hi {name}", "source": "generative"},
                        "Tell me more."]}""");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    JsonObject o = JsonParser.parseString(response.body()).getAsJsonObject();
    List<String> sources = new ArrayList<>();
    o.getAsJsonArray("ranked")
        .forEach(c -> sources.add(c.getAsJsonObject().get("source").getAsString()));
    assertThat(sources).containsExactlyInAnyOrder("retrieval", "unspecified");
    JsonObject dropped = o.getAsJsonArray("dropped").get(0).getAsJsonObject();
    assertThat(dropped.get("source").getAsString()).isEqualTo("generative");
    assertThat(
            dropped
                .getAsJsonArray("verdicts")
                .get(0)
                .getAsJsonObject()
                .get("heuristic")
                .getAsString())
        .isEqualTo("placeholder");
  }

  static List<Arguments> badBodies() {
    String many = "[" + "\"x\",".repeat(256) + "\"x\"]";
    String hi = "{\"context\": [\"hi\"], ";
    return List.of(
        Arguments.of("{\"context\": [\"hi\"", 400, "malformed JSON"),
        Arguments.of("{context: [\"hi\"], candidates: [\"a\"]}", 400, "malformed JSON"),
        Arguments.of(hi + "\"candidates\": [\"a\"]} {}", 400, "malformed JSON"),
        Arguments.of("", 400, "the body is empty"),
        Arguments.of(
            hi + "\"candidates\": " + many + "}",
            413,
            "'candidates' has 257 items, over the limit of 256"),
        Arguments.of("[\"hi\"]", 422, "must be a JSON object"),
        Arguments.of("{\"candidates\": [\"a\"]}", 422, "missing field 'context'"),
        Arguments.of(
            "{\"context\": [], \"candidates\": [\"a\"]}", 422, "'context' must not be empty"),
        Arguments.of(
            "{\"context\": \"hi\", \"candidates\": [\"a\"]}", 422, "'context' must be an array"),
        Arguments.of(
            "{\"context\": [\"hi\", 3], \"candidates\": [\"a\"]}",
            422,
            "'context[1]' must be a string"),
        Arguments.of("{\"context\": [\"hi\"]}", 422, "missing field 'candidates'"),
        Arguments.of(hi + "\"candidates\": []}", 422, "'candidates' must not be empty"),
        Arguments.of(hi + "\"candidates\": [42]}", 422, "'candidates[0]' must be a string"),
        Arguments.of(
            hi + "\"candidates\": [{\"source\": \"x\"}]}",
            422,
            "missing field 'candidates[0].text'"),
        Arguments.of(
            hi + "\"candidates\": [{\"text\": \"a\", \"source\": \" \"}]}",
            422,
            "'candidates[0].source' must not be blank"),
        Arguments.of(
            hi + "\"persona\": {}, \"candidates\": [\"a\"]}", 422, "'persona' must be an array"));
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void badBodies_getTheirStatusAndAJsonError(String body, int status, String message)
      throws Exception {
    HttpResponse<String> response = post("/rerank", body);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(error(response)).contains(message);
  }

  @Test
  void bodyOverOneMebibyte_is413() throws Exception {
    String body = "{\"context\": [\"" + "a".repeat(1 << 20) + "\"], \"candidates\": [\"a\"]}";

    HttpResponse<String> response = post("/rerank", body);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(error(response)).contains("exceeds the limit of 1048576 bytes");
  }

  @Test
  void wrongMethod_is405WithAllow_unknownPath_is404() throws Exception {
    HttpResponse<String> get = send(HttpRequest.newBuilder(uri("/rerank")).GET());
    HttpResponse<String> post = post("/health", "{}");
    HttpResponse<String> nowhere = send(HttpRequest.newBuilder(uri("/rerank/more")).GET());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    assertThat(error(get)).contains("method GET not allowed on /rerank");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD"); // was GET: HEAD is new
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(error(nowhere)).contains("no such path '/rerank/more'");
  }

  @Test
  void health_isOk() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/health")).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void metrics_areInPrometheusTextFormat() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/metrics")).GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    String text = response.body();
    assertThat(text)
        .contains(
            "# TYPE reranker_requests_total counter\n",
            "# TYPE reranker_batches_total counter\n",
            "# TYPE reranker_queue_depth gauge\n",
            "# TYPE reranker_batch_size_mean gauge\n",
            "# TYPE reranker_request_seconds summary\n",
            "reranker_request_seconds_count ",
            "reranker_request_p99_seconds ",
            "reranker_inference_seconds_sum ",
            "reranker_inference_seconds_count ",
            "# TYPE jvm_memory_used_bytes gauge\n",
            "process_uptime_seconds ");
    String label = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"";
    Pattern sample =
        Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{"
                + label
                + "(,"
                + label
                + ")*})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
    String lastHelp = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        lastHelp = line.split(" ")[2];
      } else if (line.startsWith("# TYPE ")) {
        assertThat(line.split(" ")[2]).as("TYPE follows its HELP").isEqualTo(lastHelp);
      } else {
        assertThat(line).matches(sample);
        assertThat(line).startsWith(lastHelp);
      }
    }
    assertThat(metrics())
        .allSatisfy(
            (name, value) -> {
              if (name.endsWith("_total")) {
                assertThat(value).isNotNegative();
              }
            });
  }

  @Test
  void serveCommand_printsItsPort_servesAndStopsWhenInterrupted() throws Exception {
    Captured run = new Captured(SharedReranker.factory());
    int[] code = {-1};
    Thread serving = new Thread(() -> code[0] = run.run("serve", "--port", "0"));
    serving.start();
    Matcher listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)\n").matcher("");
    for (int i = 0; i < 200 && !listening.reset(run.out()).find(); i++) {
      Thread.sleep(25);
    }
    assertThat(listening.reset(run.out()).find()).as("stdout: %s", run.out()).isTrue();
    URI health = URI.create("http://127.0.0.1:" + listening.group(1) + "/health");

    HttpResponse<String> response =
        client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
    serving.interrupt();
    serving.join(10_000);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(serving.isAlive()).isFalse();
    assertThat(code[0]).isZero();
    assertThat(run.out()).isEqualTo("listening on http://127.0.0.1:" + listening.group(1) + "\n");
  }

  // --- helpers

  static Map<String, Double> metrics() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/metrics")).GET());
    Map<String, Double> values = new java.util.HashMap<>();
    for (String line : response.body().split("\n")) {
      if (!line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return values;
  }

  static String error(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    JsonObject o = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(o.keySet()).containsExactly("error", "message");
    assertThat(o.get("error").getAsString()).matches("[a-z_]+"); // a stable code
    return o.get("message").getAsString();
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
