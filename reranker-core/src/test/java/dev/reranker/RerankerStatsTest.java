package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** plus and minus of stats snapshots, and the checks of LatencyStats. */
class RerankerStatsTest {
  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static LatencyStats latency(
      long count, long sum, long p50, long p95, long p99, long max) {
    return new LatencyStats(count, ms(sum), ms(p50), ms(p95), ms(p99), ms(max));
  }

  private static final RerankerStats EARLY =
      new RerankerStats(
          10,
          100,
          5,
          90,
          3,
          1,
          2,
          3,
          4,
          32,
          latency(90, 900, 8, 9, 10, 11),
          latency(5, 50, 9, 10, 11, 12),
          latency(10, 200, 18, 19, 20, 21));

  private static final RerankerStats LATE =
      new RerankerStats(
          15,
          160,
          8,
          150,
          7,
          2,
          4,
          6,
          8,
          32,
          latency(150, 1_400, 7, 9, 12, 30),
          latency(8, 95, 9, 12, 13, 14),
          latency(15, 330, 18, 22, 25, 40));

  @Test
  void minus_givesTheIntervalsCounters_andKeepsGaugesOfThisSnapshot() {
    RerankerStats interval = LATE.minus(EARLY);

    assertThat(interval)
        .isEqualTo(
            new RerankerStats(
                5,
                60,
                3,
                60,
                7,
                1,
                2,
                3,
                4,
                32,
                latency(60, 500, 7, 9, 12, 30),
                latency(3, 45, 9, 12, 13, 14),
                latency(5, 130, 18, 22, 25, 40)));
    assertThat(interval.meanBatchSize()).isEqualTo(20.0);
  }

  @Test
  void minus_neverGoesBelowZero_andAnIntervalWithoutValuesHasEmptyLatencies() {
    RerankerStats backwards = EARLY.minus(LATE);

    assertThat(backwards.requests()).isZero();
    assertThat(backwards.failed()).isZero();
    assertThat(backwards.queueDepth()).isEqualTo(3);
    assertThat(backwards.inference()).isEqualTo(LatencyStats.EMPTY);
    assertThat(LATE.minus(LATE).endToEnd()).isEqualTo(LatencyStats.EMPTY);
    assertThat(LATE.minus(LATE).requests()).isZero();
  }

  @Test
  void plus_addsCountersAndDepth_keepsTheLargerBatchSize_andBoundsPercentiles() {
    RerankerStats other =
        new RerankerStats(
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            64,
            LatencyStats.EMPTY,
            latency(2, 40, 30, 31, 32, 33),
            latency(1, 5, 5, 5, 5, 5));

    RerankerStats sum = EARLY.plus(other);

    assertThat(sum)
        .isEqualTo(
            new RerankerStats(
                11,
                102,
                8,
                94,
                8,
                7,
                9,
                11,
                13,
                64,
                latency(90, 900, 8, 9, 10, 11),
                latency(7, 90, 30, 31, 32, 33),
                latency(11, 205, 18, 19, 20, 21)));
    assertThat(other.plus(EARLY)).isEqualTo(sum);
  }

  @Test
  void plusThenMinus_givesBackTheCounters() {
    RerankerStats back = EARLY.plus(LATE).minus(LATE);

    assertThat(back.requests()).isEqualTo(EARLY.requests());
    assertThat(back.scoredPairs()).isEqualTo(EARLY.scoredPairs());
    assertThat(back.inference().count()).isEqualTo(EARLY.inference().count());
    assertThat(back.inference().sum()).isEqualTo(EARLY.inference().sum());
  }

  @Test
  void plus_saturatesInsteadOfOverflowing() {
    RerankerStats huge =
        new RerankerStats(
            Long.MAX_VALUE,
            0,
            0,
            0,
            Integer.MAX_VALUE,
            0,
            0,
            0,
            0,
            1,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY,
            LatencyStats.EMPTY);

    RerankerStats sum = huge.plus(EARLY);

    assertThat(sum.requests()).isEqualTo(Long.MAX_VALUE);
    assertThat(sum.queueDepth()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void plusAndMinus_rejectNull() {
    assertThatThrownBy(() -> EARLY.plus(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("other");
    assertThatThrownBy(() -> EARLY.minus(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("other");
    assertThatThrownBy(() -> LatencyStats.EMPTY.plus(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void latencyStats_checksItsParts() {
    assertThatThrownBy(() -> new LatencyStats(-1, ms(0), ms(0), ms(0), ms(0), ms(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("count must not be negative, but was -1");
    assertThatThrownBy(() -> new LatencyStats(0, null, ms(0), ms(0), ms(0), ms(0)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sum");
  }
}
