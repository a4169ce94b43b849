package dev.reranker.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Reranker;
import dev.reranker.Scorer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transport on Jetty, with a fake scorer: silent and partial clients, body limits, protocol
 * errors as JSON, disconnects that cancel, graceful drain, long dialogs and lone surrogates. Raw
 * sockets on 127.0.0.1 send what a well-behaved client would not.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RerankServerTransportTest {
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final List<Socket> sockets = new ArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  final AtomicLong scored = new AtomicLong();

  /** Scores each pair by its text length, {@code millis} per batch. */
  Scorer slow(long millis) {
    return batch -> {
      Thread.sleep(millis);
      scored.addAndGet(batch.size());
      float[] scores = new float[batch.size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = batch.get(i).candidate().text().length();
      }
      return scores;
    };
  }

  Reranker reranker(Scorer scorer, int batchSize) {
    Reranker r =
        Reranker.builder().scorer(scorer).batchSize(batchSize).maxBatchDelay(Duration.ZERO).build();
    closeables.add(r);
    return r;
  }

  RerankServer server(RerankServer.Builder builder) throws IOException {
    RerankServer s = builder.port(0).start();
    closeables.add(0, s); // closed before its reranker
    return s;
  }

  @AfterEach
  void close() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void silentAndPartialClients_doNotBlockHealth() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));
    String post = "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < 32; i++) {
      Socket s = connect(server);
      switch (i % 4) {
        case 0 -> {} // connects and says nothing
        case 1 -> send(s, "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Le"); // part of the headers
        case 2 -> send(s, post + "Content-Length: 100\r\n\r\n{\"context\": "); // part of a body
        default -> send(s, post + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"con"); // of a chunk
      }
    }

    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(uri(server, "/health")).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void hugeContentLength_is413_beforeAByteOfTheBody() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));

    String response =
        exchange(
            server,
            "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1073741824\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 413 ");
    assertThat(errorCode(response)).isEqualTo("body_too_large");
  }

  @Test
  void bodyOverTheLimit_sentWhole_getsIts413NotAReset() throws Exception {
    RerankServer server =
        server(
            RerankServer.builder(reranker(slow(0), 8))
                .limits(new RerankServer.Limits(1_000, 256, 64, 16_000)));
    String huge = "{\"context\": [\"" + "a".repeat(3_000) + "\"], \"candidates\": [\"a\"]}";
    String head = "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";

    // Declared over the limit, and chunked past it: the server reads the rest and drops it, so the
    // client that is still writing hears the 413 (a close at once would reset the connection).
    String declared =
        exchange(server, head + "Content-Length: " + huge.length() + "\r\n\r\n" + huge);
    String chunked =
        exchange(
            server,
            head
                + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(huge.length())
                + "\r\n"
                + huge
                + "\r\n0\r\n\r\n");

    for (String response : List.of(declared, chunked)) {
      assertThat(response).startsWith("HTTP/1.1 413 ");
      assertThat(errorCode(response)).isEqualTo("body_too_large");
      assertThat(response).containsIgnoringCase("Connection: close");
    }
    // Over 4 x the limit, it is refused unread.
    assertThat(exchange(server, head + "Content-Length: 4001\r\n\r\n")).startsWith("HTTP/1.1 413 ");
  }

  @Test
  void openConnections_areAGaugeInMetrics() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)).maxConnections(50));
    List<Socket> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(connect(server));
      send(open.get(i), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"); // kept alive afterwards
      assertThat(readAll(open.get(i))).startsWith("HTTP/1.1 200 ");
    }

    assertThat(gauge(server, "reranker_http_connections_open")).isGreaterThanOrEqualTo(4.0);
    assertThat(gauge(server, "reranker_http_connections_max")).isEqualTo(50.0);
    for (Socket s : open) {
      s.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    double now;
    while ((now = gauge(server, "reranker_http_connections_open")) > 1.0
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(now).as("only the scraping connection is left").isEqualTo(1.0);
  }

  /** The value of a metric without labels in {@code /metrics}. */
  double gauge(RerankServer server, String name) throws Exception {
    for (String line : get(server, "/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " is not in /metrics");
  }

  @Test
  void stalledBody_is408AfterTheIdleTimeout_andOthersAreServedMeanwhile() throws Exception {
    RerankServer server =
        server(RerankServer.builder(reranker(slow(0), 8)).idleTimeout(Duration.ofMillis(500)));
    Socket s = connect(server);
    send(s, "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"context\"");

    assertThat(get(server, "/health").statusCode()).isEqualTo(200);
    String response = readAll(s);

    assertThat(response).startsWith("HTTP/1.1 408 ");
    assertThat(errorCode(response)).isEqualTo("request_timeout");
  }

  @Test
  void bodyShorterThanItsLength_thenHalfClose_is400NotA500() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));
    Socket s = connect(server);
    send(s, "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"context\"");
    s.shutdownOutput();

    String response = readAll(s);

    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(errorCode(response)).isEqualTo("bad_request");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bad Content-Length|POST /rerank HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1x\\r\\n\\r\\n"
            + "|400",
        "two lengths|POST /rerank HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 2\\r\\n"
            + "Transfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
        "bad chunk|POST /rerank HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n"
            + "zz\\r\\n{}\\r\\n0\\r\\n\\r\\n|400",
        "CONNECT|CONNECT example.com:443 HTTP/1.1\\r\\nHost: example.com:443\\r\\n\\r\\n|",
        "garbage|HELLO\\r\\n\\r\\n|400",
      })
  void protocolErrors_areJsonErrors_andCounted(String name, String request, Integer status)
      throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));

    String response = exchange(server, request.replace("\\r\\n", "\r\n"));

    int code = Integer.parseInt(response.substring(9, 12));
    if (status != null) {
      assertThat(code).as(response).isEqualTo(status);
    } else {
      assertThat(code).as(response).isBetween(400, 499);
    }
    assertThat(response).containsIgnoringCase("Content-Type: application/json");
    assertThat(errorCode(response)).isNotBlank();
    assertThat(body(response)).doesNotContain("org.eclipse", "Exception", "<html");
    assertThat(get(server, "/metrics").body())
        .contains("reranker_http_responses_total{code=\"" + code + "\"} 1.0\n");
  }

  @Test
  void head_worksWhereGetDoes_withNoBody() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));

    for (String path : List.of("/health", "/metrics")) {
      HttpResponse<String> head =
          client.send(
              HttpRequest.newBuilder(uri(server, path))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
    }
  }

  @Test
  void nonJsonContentType_is415() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri(server, "/rerank"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(json(response.body()).get("error").getAsString())
        .isEqualTo("unsupported_media_type");
  }

  @Test
  void invalidUtf8_is400() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri(server, "/rerank"))
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).get("error").getAsString()).isEqualTo("invalid_utf8");
  }

  @Test
  void loneSurrogate_isKeptAndEchoedBackEscaped() throws Exception {
    RerankServer server = server(RerankServer.builder(reranker(slow(0), 8)));

    HttpResponse<String> response =
        post(
            server, "{\"context\": [\"hi\"], \"candidates\": [\"a\\ud800b\", \"\\ud83d\\ude00\"]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"a\\ud800b\"").doesNotContain("?");
    List<String> texts = new ArrayList<>();
    json(response.body())
        .getAsJsonArray("ranked")
        .forEach(c -> texts.add(c.getAsJsonObject().get("text").getAsString()));
    assertThat(texts).containsExactlyInAnyOrder("a\ud800b", "\ud83d\ude00");
  }

  @Test
  void longDialog_keepsTheNewestTurnsAndFirstFacts_andSaysWhatItDropped() throws Exception {
    List<Scorer.Pair> seen = new ArrayList<>();
    Scorer recording =
        batch -> {
          synchronized (seen) {
            seen.addAll(batch);
          }
          return new float[batch.size()];
        };
    RerankServer server = server(RerankServer.builder(reranker(recording, 8)));
    JsonObject body = new JsonObject();
    com.google.gson.JsonArray context = new com.google.gson.JsonArray();
    for (int i = 0; i < 100; i++) {
      context.add("turn " + i);
    }
    com.google.gson.JsonArray persona = new com.google.gson.JsonArray();
    for (int i = 0; i < 70; i++) {
      persona.add("fact " + i);
    }
    body.add("context", context);
    body.add("persona", persona);
    com.google.gson.JsonArray candidates = new com.google.gson.JsonArray();
    candidates.add("ok");
    body.add("candidates", candidates);

    HttpResponse<String> response = post(server, body.toString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject truncated = json(response.body()).getAsJsonObject("truncated");
    assertThat(truncated.get("turns").getAsInt()).isEqualTo(36);
    assertThat(truncated.get("persona").getAsInt()).isEqualTo(6);
    dev.reranker.Dialog dialog = seen.get(0).dialog();
    assertThat(dialog.turns()).hasSize(64);
    assertThat(dialog.turns().get(0).text()).isEqualTo("turn 36");
    assertThat(dialog.turns().get(63).text()).isEqualTo("turn 99");
    assertThat(dialog.turns().get(63).speaker()).isEqualTo(dev.reranker.Turn.Speaker.USER);
    assertThat(dialog.botPersona()).hasSize(64).startsWith("fact 0").endsWith("fact 63");
  }

  @Test
  void clientThatHangsUp_cancelsItsQueuedPairs() throws Exception {
    Reranker reranker = reranker(slow(100), 4);
    RerankServer server = server(RerankServer.builder(reranker));
    StringBuilder candidates = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      candidates.append(i == 0 ? "" : ", ").append("\"reply ").append(i).append('"');
    }
    String body = "{\"context\": [\"hi\"], \"candidates\": [" + candidates + "]}";
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Socket s = connect(server);
      send(
          s,
          "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
              + body.getBytes(UTF_8).length
              + "\r\n\r\n"
              + body);
      clients.add(s);
    }
    while (reranker.stats().requests() < 5) {
      Thread.sleep(10);
    }
    for (Socket s : clients) {
      s.close(); // 100 pairs queued, 4 scored per 100 ms: most are still waiting
    }
    while (reranker.stats().cancelled() < 5 && reranker.stats().queueDepth() > 0) {
      Thread.sleep(10);
    }

    assertThat(reranker.stats().cancelled()).isEqualTo(5);
    assertThat(scored.get()).isLessThan(100);
    assertThat(get(server, "/metrics").body())
        .contains(
            "reranker_cancelled_total 5.0\n", "reranker_http_responses_total{code=\"499\"} 5.0\n");
  }

  @Test
  void close_answersEveryAcceptedRequest_resultOr503() throws Exception {
    Reranker reranker = reranker(slow(100), 2);
    RerankServer server =
        server(RerankServer.builder(reranker).drainTimeout(Duration.ofMillis(500)));
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // 10 batches of 100 ms: half done by the drain timeout
      inFlight.add(postAsync(server, "{\"context\": [\"hi\"], \"candidates\": [\"r" + i + "\"]}"));
    }
    while (reranker.stats().requests() < 20) {
      Thread.sleep(10);
    }

    long start = System.nanoTime();
    server.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    int ok = 0;
    int unavailable = 0;
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get(5, TimeUnit.SECONDS); // an answer, never a cut connection
      if (r.statusCode() == 200) {
        ok++;
      } else {
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r.body()).get("error").getAsString()).isEqualTo("shutting_down");
        unavailable++;
      }
    }
    assertThat(ok).isPositive();
    assertThat(unavailable).isPositive();
  }

  @Test
  void close_withTimeToDrain_answersEveryRequestWithItsResult() throws Exception {
    Reranker reranker = reranker(slow(50), 4);
    RerankServer server =
        server(RerankServer.builder(reranker).drainTimeout(Duration.ofSeconds(10)));
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      inFlight.add(postAsync(server, "{\"context\": [\"hi\"], \"candidates\": [\"r" + i + "\"]}"));
    }
    while (reranker.stats().requests() < 12) {
      Thread.sleep(10);
    }

    server.close();

    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      assertThat(f.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void builder_rejectsBadTransportOptions() {
    RerankServer.Builder b = RerankServer.builder(reranker(slow(0), 8));

    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> b.idleTimeout(Duration.ZERO))
        .withMessage("idleTimeout must be positive, but was PT0S");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> b.maxConnections(0))
        .withMessage("maxConnections must be positive, but was 0");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> b.drainTimeout(Duration.ofMillis(-1)))
        .withMessage("drainTimeout must not be negative, but was PT-0.001S");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> b.threads(4))
        .withMessage("threads must be at least 8, but was 4");
  }

  // --- helpers

  static URI uri(RerankServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<String> get(RerankServer server, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(RerankServer server, String body) throws Exception {
    return postAsync(server, body).get(10, TimeUnit.SECONDS);
  }

  CompletableFuture<HttpResponse<String>> postAsync(RerankServer server, String body) {
    return client.sendAsync(
        HttpRequest.newBuilder(uri(server, "/rerank"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  Socket connect(RerankServer server) throws IOException {
    Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), server.port());
    s.setSoTimeout(5_000);
    sockets.add(s);
    return s;
  }

  static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(UTF_8));
    s.getOutputStream().flush();
  }

  /** Sends a raw request and reads the answer until the server closes or 5 s pass. */
  String exchange(RerankServer server, String request) throws IOException {
    Socket s = connect(server);
    send(s, request);
    return readAll(s);
  }

  static String readAll(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    InputStream in = s.getInputStream();
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        String so = out.toString(UTF_8);
        int end = so.indexOf("\r\n\r\n");
        int length = contentLength(so);
        if (end >= 0 && length >= 0 && out.size() >= end + 4 + length) {
          break; // a whole answer: do not wait for a keep-alive connection to close
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // what arrived is the answer
    }
    return out.toString(UTF_8);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).strip());
      }
      if (line.isEmpty()) {
        break;
      }
    }
    return -1;
  }

  static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  static String errorCode(String response) {
    JsonObject o = json(body(response));
    assertThat(o.keySet()).containsExactly("error", "message");
    return o.get("error").getAsString();
  }

  static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }
}
