package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerStats;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The /metrics text for known stats: reranker meters, HTTP answers by code, JVM and process. */
class ServerMetricsTest {
  private static LatencyStats latency(long count, long sumMillis) {
    return new LatencyStats(
        count,
        Duration.ofMillis(sumMillis),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(9),
        Duration.ofMillis(12));
  }

  @Test
  void eachLatency_hasCountAndSumInSeconds_thenPercentileAndMaxGauges() {
    var stats =
        new RerankerStats(
            3, 30, 4, 30, 0, 0, 0, 0, 0, 32, latency(30, 45), latency(4, 1_500), latency(3, 250));

    try (var metrics = new ServerMetrics(() -> stats)) {
      String text = metrics.scrape();

      assertThat(text)
          .contains(
              "# TYPE reranker_inference_seconds summary\n"
                  + "reranker_inference_seconds_count 4\n"
                  + "reranker_inference_seconds_sum 1.5\n",
              "reranker_queue_wait_seconds_count 30\nreranker_queue_wait_seconds_sum 0.045\n",
              "reranker_request_seconds_count 3\nreranker_request_seconds_sum 0.25\n",
              "reranker_inference_p50_seconds 0.002\n",
              "reranker_inference_p95_seconds 0.005\n",
              "reranker_inference_p99_seconds 0.009\n",
              "reranker_inference_max_seconds 0.012\n",
              "reranker_requests_total 3.0\n",
              "reranker_batch_size_mean 7.5\n");
    }
  }

  @Test
  void emptyLatencies_renderZeroSumAndCount() {
    var stats =
        new RerankerStats(
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            32,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY);

    try (var metrics = new ServerMetrics(() -> stats)) {
      assertThat(metrics.scrape())
          .contains(
              "reranker_request_seconds_count 0\nreranker_request_seconds_sum 0.0\n",
              "reranker_request_p99_seconds 0.0\n");
    }
  }

  @Test
  void httpAnswers_areCountedByCode_499Included() {
    var stats =
        new RerankerStats(
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            32,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY);

    try (var metrics = new ServerMetrics(() -> stats)) {
      metrics.count(200);
      metrics.count(200);
      metrics.count(RerankServer.CLIENT_CLOSED);

      assertThat(metrics.answered()).isEqualTo(3);
      assertThat(metrics.scrape())
          .contains(
              "# TYPE reranker_http_responses_total counter\n",
              "reranker_http_responses_total{code=\"200\"} 2.0\n",
              "reranker_http_responses_total{code=\"499\"} 1.0\n");
    }
  }

  @Test
  void jvmAndProcessMeters_areThere() {
    var stats =
        new RerankerStats(
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            32,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY);

    try (var metrics = new ServerMetrics(() -> stats)) {
      assertThat(metrics.scrape())
          .contains(
              "# TYPE jvm_memory_used_bytes gauge\n",
              "jvm_threads_live_threads ",
              "jvm_classes_loaded_classes ",
              "system_cpu_count ",
              "process_uptime_seconds ",
              "process_files_open_files ");
    }
  }

  @Test
  void everyLine_isPrometheusText_eachSampleUnderItsHelpAndType() {
    var stats =
        new RerankerStats(
            3, 30, 4, 30, 0, 0, 0, 0, 0, 32, latency(30, 45), latency(4, 1_500), latency(3, 250));

    try (var metrics = new ServerMetrics(() -> stats)) {
      metrics.count(200);
      String label = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\"";
      Pattern sample =
          Pattern.compile(
              "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{"
                  + label
                  + "(,"
                  + label
                  + ")*})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
      String lastHelp = null;
      for (String line : metrics.scrape().split("\n")) {
        if (line.startsWith("# HELP ")) {
          lastHelp = line.split(" ")[2];
        } else if (line.startsWith("# TYPE ")) {
          assertThat(line.split(" ")[2]).as("TYPE follows its HELP").isEqualTo(lastHelp);
        } else {
          assertThat(line).matches(sample).startsWith(lastHelp);
        }
      }
    }
  }
}
