package dev.reranker.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The dynamic loss scale: halve and skip on overflow, double after N clean steps, a floor. */
class LossScalerTest {

  @Test
  void defaultsAreGradScalers() {
    LossScaler scaler = new LossScaler();
    assertThat(scaler.scale()).isEqualTo(65536f);
    for (int i = 0; i < 1999; i++) {
      assertThat(scaler.update(true)).isTrue();
    }
    assertThat(scaler.scale()).isEqualTo(65536f);
    assertThat(scaler.update(true)).isTrue();
    assertThat(scaler.scale()).isEqualTo(131072f);
  }

  @Test
  void growsAfterNCleanSteps() {
    LossScaler scaler = new LossScaler(8f, 3);
    assertThat(scaler.update(true)).isTrue();
    assertThat(scaler.update(true)).isTrue();
    assertThat(scaler.scale()).isEqualTo(8f);
    assertThat(scaler.update(true)).isTrue();
    assertThat(scaler.scale()).isEqualTo(16f);
    assertThat(scaler.skippedSteps()).isZero();
  }

  @Test
  void overflowHalvesSkipsAndRestartsTheCount() {
    LossScaler scaler = new LossScaler(8f, 3);
    scaler.update(true);
    scaler.update(true);
    assertThat(scaler.update(false)).isFalse();
    assertThat(scaler.scale()).isEqualTo(4f);
    assertThat(scaler.skippedSteps()).isEqualTo(1);
    // the two clean steps before the overflow no longer count
    scaler.update(true);
    scaler.update(true);
    assertThat(scaler.scale()).isEqualTo(4f);
    scaler.update(true);
    assertThat(scaler.scale()).isEqualTo(8f);
    assertThat(scaler.toString()).isEqualTo("LossScaler{scale=8.0, cleanSteps=0/3, skipped=1}");
  }

  @Test
  void overflowAtTheFloorIsDivergence() {
    LossScaler scaler = new LossScaler(2f, 10);
    assertThat(scaler.update(false)).isFalse();
    assertThat(scaler.scale()).isEqualTo(LossScaler.MIN_SCALE);
    assertThatThrownBy(() -> scaler.update(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "training diverged: gradients are not finite even at loss scale 1.0 (lower "
                + "the learning rate)");
  }

  @Test
  void neverGrowsToInfinity() {
    LossScaler scaler = new LossScaler(Float.MAX_VALUE, 1);
    scaler.update(true);
    assertThat(scaler.scale()).isEqualTo(Float.MAX_VALUE);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new LossScaler(1f, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialScale must be finite and above 1.0, but was 1.0");
    assertThatThrownBy(() -> new LossScaler(Float.POSITIVE_INFINITY, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialScale must be finite and above 1.0, but was Infinity");
    assertThatThrownBy(() -> new LossScaler(8f, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("growthInterval must be positive, but was 0");
  }
}
