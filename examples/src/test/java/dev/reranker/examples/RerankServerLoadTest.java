package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Reranker;
import dev.reranker.Scorer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The overload case, bounded and on loopback: 1,000 concurrent requests of 20 candidates
 * each against a scorer that takes 1 ms per pair (about 1,000 pairs/s, so 20,000 pairs would need
 * 20 s against a 2 s timeout). Before time-aware admission, the queue let in 10,000 pairs and a
 * quarter of the requests waited 10 s for a 504. Now every request is answered, those that could
 * not finish in time at once with 503 {@code overloaded} and a {@code Retry-After}, and almost none
 * waits for a 504.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RerankServerLoadTest {
  static final int REQUESTS = 1_000;
  static final String TWENTY;

  static {
    List<String> candidates = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      candidates.add("\"reply " + i + "\"");
    }
    TWENTY = "[" + String.join(", ", candidates) + "]";
  }

  @Test
  void thousandConcurrentRequests_areAllAnswered_andOverloadIsA503AtOnce() throws Exception {
    Scorer oneMsPerPair =
        batch -> {
          Thread.sleep(batch.size());
          return new float[batch.size()];
        };
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    try (Reranker reranker =
            Reranker.builder()
                .scorer(oneMsPerPair)
                .batchSize(32)
                .maxBatchDelay(Duration.ZERO)
                .build();
        RerankServer server =
            RerankServer.builder(reranker).port(0).timeout(Duration.ofSeconds(2)).start()) {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/rerank");
      // A server that has been serving knows its rate: a few full batches first.
      for (int i = 0; i < 5; i++) {
        assertThat(post(client, uri).join().statusCode()).isEqualTo(200);
      }
      long start = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>(REQUESTS);
      for (int i = 0; i < REQUESTS; i++) {
        all.add(post(client, uri));
      }
      Map<Integer, Integer> byStatus = new TreeMap<>();
      int withRetryAfter = 0;
      for (CompletableFuture<HttpResponse<String>> f : all) {
        HttpResponse<String> r = f.get(60, TimeUnit.SECONDS); // nothing hangs
        byStatus.merge(r.statusCode(), 1, Integer::sum);
        if (r.statusCode() == 503) {
          assertThat(r.body()).contains("\"error\":\"overloaded\"");
          withRetryAfter += r.headers().firstValue("Retry-After").isPresent() ? 1 : 0;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "1,000 x 20 candidates at about 1,000 pairs/s, 2 s timeout: %s in %.1f s%n",
          byStatus, seconds);

      assertThat(byStatus.keySet()).isSubsetOf(200, 503, 504);
      assertThat(byStatus.getOrDefault(200, 0)).isGreaterThanOrEqualTo(20);
      assertThat(byStatus.getOrDefault(503, 0)).isGreaterThanOrEqualTo(REQUESTS / 2);
      assertThat(withRetryAfter).isEqualTo(byStatus.getOrDefault(503, 0));
      // Admitted means it fit the estimate (with a tenth of slack): few miss their deadline anyway.
      assertThat(byStatus.getOrDefault(504, 0)).isLessThanOrEqualTo(REQUESTS / 20);
      assertThat(reranker.stats().rejected()).isEqualTo((long) byStatus.getOrDefault(503, 0));
      assertThat(reranker.stats().queueDepth()).isZero();
    }
  }

  private static CompletableFuture<HttpResponse<String>> post(HttpClient client, URI uri) {
    return client.sendAsync(
        HttpRequest.newBuilder(uri)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"context\": [\"hi\"], \"candidates\": " + TWENTY + "}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
