package dev.reranker.internal.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The recorder's latency sums: exact, cumulative across snapshots, negative values as zero. */
class QueueStatsRecorderTest {
  @Test
  void latencySum_isTheExactTotal_acrossSnapshots() {
    var recorder = new QueueStatsRecorder();
    recorder.batchScored(4, 1_000_001);
    recorder.batchScored(2, 2_000_003);
    RerankerStats first = recorder.snapshot(0, 8);
    recorder.batchScored(1, 7);
    recorder.batchScored(1, -50); // a fake ticker ran backwards: recorded as zero

    RerankerStats second = recorder.snapshot(0, 8);

    assertThat(first.inference().count()).isEqualTo(2);
    assertThat(first.inference().sum()).isEqualTo(Duration.ofNanos(3_000_004));
    assertThat(second.inference().count()).isEqualTo(4);
    assertThat(second.inference().sum()).isEqualTo(Duration.ofNanos(3_000_011));
    assertThat(second.minus(first).inference().sum()).isEqualTo(Duration.ofNanos(7));
    assertThat(second.queueWait()).isEqualTo(LatencyStats.EMPTY);
  }

  @Test
  void eachLatency_sumsOnlyItsOwnValues() {
    var recorder = new QueueStatsRecorder();
    recorder.queueWait(10);
    recorder.queueWait(20);
    recorder.succeeded(300);

    RerankerStats stats = recorder.snapshot(0, 8);

    assertThat(stats.queueWait().sum()).isEqualTo(Duration.ofNanos(30));
    assertThat(stats.endToEnd().sum()).isEqualTo(Duration.ofNanos(300));
    assertThat(stats.inference().sum()).isEqualTo(Duration.ZERO);
  }
}
