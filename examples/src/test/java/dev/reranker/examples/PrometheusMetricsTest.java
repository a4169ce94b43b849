package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerStats;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition text for known stats, line by line. */
class PrometheusMetricsTest {
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
  void eachSummary_hasItsQuantiles_thenSumInSeconds_thenCount_thenAMaxGauge() {
    var stats =
        new RerankerStats(
            3, 30, 4, 30, 0, 0, 0, 0, 0, 32, latency(30, 45), latency(4, 1_500), latency(3, 250));

    String text = PrometheusMetrics.render(stats, Map.of(200, 3L));

    assertThat(text)
        .contains(
            "reranker_inference_seconds{quantile=\"0.99\"} 0.009\n"
                + "reranker_inference_seconds_sum 1.5\n"
                + "reranker_inference_seconds_count 4\n"
                + "# HELP reranker_inference_seconds_max ",
            "reranker_queue_wait_seconds_sum 0.045\nreranker_queue_wait_seconds_count 30\n",
            "reranker_request_seconds_sum 0.25\nreranker_request_seconds_count 3\n",
            "reranker_inference_seconds_max 0.012\n");
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

    String text = PrometheusMetrics.render(stats, Map.of());

    assertThat(text).contains("reranker_request_seconds_sum 0\nreranker_request_seconds_count 0\n");
  }
}
