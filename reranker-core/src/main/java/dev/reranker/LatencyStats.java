package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Count, total and percentiles of one latency, over everything recorded since the reranker was
 * built. Immutable; {@link #plus} and {@link #minus} combine snapshots as {@link
 * RerankerStats#plus} and {@link RerankerStats#minus} do.
 *
 * @param count number of recorded values
 * @param sum total of the recorded values (Prometheus's {@code _sum})
 * @param p50 median
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param max largest value
 */
public record LatencyStats(
    long count, Duration sum, Duration p50, Duration p95, Duration p99, Duration max) {
  /** No values recorded. */
  public static final LatencyStats EMPTY =
      new LatencyStats(
          0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /**
   * Checks the snapshot.
   *
   * @throws NullPointerException if a duration is null
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public LatencyStats {
    checkArgument(count >= 0, "count must not be negative, but was %s", count);
    requireNonNull(sum, "sum");
    requireNonNull(p50, "p50");
    requireNonNull(p95, "p95");
    requireNonNull(p99, "p99");
    requireNonNull(max, "max");
  }

  /**
   * Returns the latencies of both snapshots together, e.g. of two rerankers. Count and sum add and
   * the max is exact; percentiles cannot be merged without the values, so each is the larger of the
   * two, an upper bound of the merged one (exact when one side is empty).
   *
   * @throws NullPointerException if {@code other} is null
   */
  public LatencyStats plus(LatencyStats other) {
    requireNonNull(other, "other");
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    return new LatencyStats(
        saturatedAdd(count, other.count),
        sum.plus(other.sum),
        larger(p50, other.p50),
        larger(p95, other.p95),
        larger(p99, other.p99),
        larger(max, other.max));
  }

  /**
   * Returns the latencies recorded between an earlier snapshot {@code other} and this one: count
   * and sum subtract (never below zero, as Caffeine's {@code CacheStats.minus}). Percentiles and
   * max cannot be subtracted, so they stay this snapshot's, over everything recorded; an interval
   * with no values is {@link #EMPTY}.
   *
   * @throws NullPointerException if {@code other} is null
   */
  public LatencyStats minus(LatencyStats other) {
    requireNonNull(other, "other");
    long intervalCount = Math.max(0, count - other.count);
    if (intervalCount == 0) {
      return EMPTY;
    }
    Duration intervalSum = sum.minus(other.sum);
    return new LatencyStats(
        intervalCount, intervalSum.isNegative() ? Duration.ZERO : intervalSum, p50, p95, p99, max);
  }

  private static Duration larger(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static long saturatedAdd(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
  }
}
