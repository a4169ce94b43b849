package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.reranker.Reranker;
import dev.reranker.Scorer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 503, 504 and 500 with a fake scorer instead of the model, so that the failures are exact: a
 * scorer that blocks until released fills the queue or misses deadlines on cue.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RerankServerFailuresTest {
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);

  final Scorer blocking =
      batch -> {
        entered.countDown();
        release.await();
        return new float[batch.size()];
      };

  @Test
  void fullQueue_is503() throws Exception {
    try (Reranker reranker =
            Reranker.builder()
                .scorer(blocking)
                .maxQueuedPairs(2)
                .maxBatchDelay(Duration.ZERO)
                .build();
        RerankServer server = RerankServer.builder(reranker).port(0).start()) {
      CompletableFuture<HttpResponse<String>> running = postAsync(server, "[\"a\"]");
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // the worker holds "a"
      CompletableFuture<HttpResponse<String>> waiting = postAsync(server, "[\"b\", \"c\"]");
      while (reranker.stats().queueDepth() < 2) {
        Thread.sleep(5); // "b" and "c" fill the queue
      }

      HttpResponse<String> rejected = postAsync(server, "[\"d\"]").join();
      release.countDown();

      assertThat(rejected.statusCode()).isEqualTo(503);
      assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(error(rejected)).startsWith("overloaded: queue full");
      assertThat(code(rejected)).isEqualTo("overloaded");
      assertThat(running.join().statusCode()).isEqualTo(200);
      assertThat(waiting.join().statusCode()).isEqualTo(200);
    }
  }

  @Test
  void requestThatCouldNotFinishInTime_is503AtOnce_withTheQueuesRetryAfter() throws Exception {
    // 25 ms per item: 4-item batches at 160 items/s. With the worker stuck, about 1 s / 25 ms =
    // 40 items can wait and still finish inside the 1 s timeout; the request after them cannot.
    Scorer timed =
        batch -> {
          if (batch.stream().anyMatch(p -> p.candidate().text().equals("stuck"))) {
            entered.countDown();
            release.await();
          }
          Thread.sleep(25L * batch.size());
          return new float[batch.size()];
        };
    try (Reranker reranker =
            Reranker.builder().scorer(timed).batchSize(4).maxBatchDelay(Duration.ZERO).build();
        RerankServer server =
            RerankServer.builder(reranker).port(0).timeout(Duration.ofSeconds(1)).start()) {
      for (int i = 0; i < 3; i++) { // three full batches measure the rate
        assertThat(postAsync(server, "[\"a\", \"b\", \"c\", \"d\"]").join().statusCode())
            .isEqualTo(200);
      }
      CompletableFuture<HttpResponse<String>> stuck = postAsync(server, "[\"stuck\"]");
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
      HttpResponse<String> rejected = null;
      long start = System.nanoTime();
      for (int i = 0; i < 30 && rejected == null; i++) {
        CompletableFuture<HttpResponse<String>> f =
            postAsync(server, "[\"a\", \"b\", \"c\", \"d\"]");
        while (!f.isDone() && reranker.stats().queueDepth() < 4 * (admitted.size() + 1)) {
          Thread.sleep(2);
        }
        if (f.isDone() && f.join().statusCode() == 503) {
          rejected = f.join();
        } else {
          admitted.add(f);
        }
      }
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      release.countDown();

      assertThat(rejected).isNotNull();
      assertThat(waitedMillis).isLessThan(1000); // rejected at once, not after the timeout
      assertThat(code(rejected)).isEqualTo("overloaded");
      assertThat(error(rejected)).contains("would finish in about").contains("after its deadline");
      // 40 items ahead at 25 ms: a backlog of about 1 s, rounded up to whole seconds.
      assertThat(rejected.headers().firstValue("Retry-After"))
          .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 2));
      assertThat(admitted.size()).isBetween(8, 10);
      assertThat(stuck.join().statusCode()).isIn(200, 504);
      assertThat(reranker.stats().rejected()).isEqualTo(1);
    }
  }

  @Test
  void missedDeadline_is504() throws Exception {
    try (Reranker reranker = Reranker.builder().scorer(blocking).build();
        RerankServer server =
            RerankServer.builder(reranker).port(0).timeout(Duration.ofMillis(200)).start()) {
      HttpResponse<String> response = postAsync(server, "[\"a\"]").join();
      release.countDown();

      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(error(response)).startsWith("timed out after 200 ms");
      assertThat(code(response)).isEqualTo("timeout");
    }
  }

  @Test
  void modelFault_is500_andTheServerKeepsServing() throws Exception {
    Scorer failsOnce =
        new Scorer() {
          boolean failed;

          @Override
          public float[] score(java.util.List<Pair> batch) {
            if (!failed) {
              failed = true;
              throw new IllegalStateException("GPU on fire");
            }
            return new float[batch.size()];
          }
        };
    try (Reranker reranker = Reranker.builder().scorer(failsOnce).build();
        RerankServer server = RerankServer.builder(reranker).port(0).start()) {
      HttpResponse<String> failed = postAsync(server, "[\"a\"]").join();
      HttpResponse<String> next = postAsync(server, "[\"a\"]").join();

      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(error(failed)).isEqualTo("reranking failed; see the server log");
      assertThat(code(failed)).isEqualTo("internal");
      assertThat(next.statusCode()).isEqualTo(200);
    }
  }

  private CompletableFuture<HttpResponse<String>> postAsync(
      RerankServer server, String candidates) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/rerank"))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"context\": [\"hi\"], \"candidates\": " + candidates + "}"))
            .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String code(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString();
  }

  private static String error(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().get("message").getAsString();
  }
}
