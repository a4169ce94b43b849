package dev.reranker;

import java.time.Duration;

/**
 * Percentiles of one latency, over everything recorded since the reranker was built.
 *
 * @param count number of recorded values
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param max largest value
 */
public record LatencyStats(long count, Duration p50, Duration p95, Duration p99, Duration max) {
  /** No values recorded. */
  public static final LatencyStats EMPTY =
      new LatencyStats(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}
