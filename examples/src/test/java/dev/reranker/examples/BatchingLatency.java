package dev.reranker.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.reranker.Reranker;
import dev.reranker.RerankerStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the latency trade-off of {@code maxBatchDelay} for the README: the HTTP service on the
 * bundled model under 32 closed-loop clients ({@code -Dclients=N} for another count; each sends its
 * next request when the last is answered), for each delay given in ms (default 0 and 5). Not a
 * test: run it by hand,
 *
 * <pre>
 * mvn -q -B -o -pl examples test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp examples/target/classes:examples/target/test-classes:$(cat examples/cp.txt) \
 *     dev.reranker.examples.BatchingLatency 0 5
 * </pre>
 */
public final class BatchingLatency {
  static final int CLIENTS = Integer.getInteger("clients", 32);
  static final int WARMUP_PER_CLIENT = 3;
  static final int REQUESTS_PER_CLIENT = 15;

  private BatchingLatency() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("offline", "true");
    List<Integer> delays = new ArrayList<>();
    for (String a : args.length == 0 ? new String[] {"0", "5"} : args) {
      delays.add(Integer.parseInt(a));
    }
    System.out.printf(
        Locale.ROOT,
        "%d cores, %d clients x %d requests, %s%n",
        Runtime.getRuntime().availableProcessors(),
        CLIENTS,
        REQUESTS_PER_CLIENT,
        System.getProperty("java.vm.name") + " " + Runtime.version());
    for (int delay : delays) {
      run(delay);
    }
  }

  static void run(int delayMs) throws Exception {
    try (Reranker reranker =
            CompanionSetup.builder(null).maxBatchDelay(Duration.ofMillis(delayMs)).build();
        RerankServer server = RerankServer.builder(reranker).port(0).start()) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/rerank");
      List<String> bodies = bodies();
      load(client, uri, bodies, WARMUP_PER_CLIENT); // first batches of each shape are slow
      RerankerStats before = reranker.stats();
      long start = System.nanoTime();
      List<Long> latencies = load(client, uri, bodies, REQUESTS_PER_CLIENT);
      double seconds = (System.nanoTime() - start) / 1e9;
      RerankerStats after = reranker.stats();
      Collections.sort(latencies);
      long requests = after.requests() - before.requests();
      long batches = after.batches() - before.batches();
      long pairs = after.scoredPairs() - before.scoredPairs();
      System.out.printf(
          Locale.ROOT,
          "maxBatchDelay %d ms: p50 %.0f ms, p99 %.0f ms (client side); %.1f requests/s; "
              + "%d requests, %d pairs in %d batches: %.2f requests and %.1f pairs per batch%n",
          delayMs,
          percentile(latencies, 0.50),
          percentile(latencies, 0.99),
          requests / seconds,
          requests,
          pairs,
          batches,
          (double) requests / batches,
          (double) pairs / batches);
    }
  }

  static List<Long> load(HttpClient client, URI uri, List<String> bodies, int perClient)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int first = c;
        futures.add(
            pool.submit(
                () -> {
                  List<Long> mine = new ArrayList<>();
                  for (int r = 0; r < perClient; r++) {
                    HttpRequest request =
                        HttpRequest.newBuilder(uri)
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    bodies.get((first + r) % bodies.size())))
                            .build();
                    long t = System.nanoTime();
                    HttpResponse<String> response =
                        client.send(request, HttpResponse.BodyHandlers.ofString());
                    mine.add(System.nanoTime() - t);
                    if (response.statusCode() != 200) {
                      throw new IllegalStateException(
                          response.statusCode() + " " + response.body());
                    }
                  }
                  return mine;
                }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : futures) {
        all.addAll(f.get());
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The server test's short dialogs, each with its three or so candidates. */
  static List<String> bodies() {
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < RerankServerTest.CONTEXTS.size(); i++) {
      JsonObject body = new JsonObject();
      JsonArray context = new JsonArray();
      RerankServerTest.CONTEXTS.get(i).forEach(context::add);
      JsonArray candidates = new JsonArray();
      RerankServerTest.CANDIDATES.get(i).forEach(candidates::add);
      body.add("context", context);
      body.add("candidates", candidates);
      bodies.add(body.toString());
    }
    return bodies;
  }

  static double percentile(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1e6;
  }
}
