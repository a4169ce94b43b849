package dev.reranker.internal.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one Duration-to-nanoseconds conversion: exact below a long's range, saturated above. */
class SaturatedNanosTest {
  @Test
  void exactWhileItFits_saturatedBeyond() {
    assertThat(BatchingQueue.saturatedNanos(Duration.ZERO)).isZero();
    assertThat(BatchingQueue.saturatedNanos(Duration.ofMillis(5))).isEqualTo(5_000_000);
    assertThat(BatchingQueue.saturatedNanos(Duration.ofNanos(Long.MAX_VALUE - 1)))
        .isEqualTo(Long.MAX_VALUE - 1);
    assertThat(BatchingQueue.saturatedNanos(Duration.ofNanos(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(BatchingQueue.saturatedNanos(Duration.ofDays(365 * 300))).isEqualTo(Long.MAX_VALUE);
    assertThat(BatchingQueue.saturatedNanos(Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
  }
}
