package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.Calibration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Calibration fits recover known parameters from synthetic logits. */
class CalibrationFitterTest {
  private static final int N = 20_000;

  /** Logits N(0, 3^2); labels drawn with P(up) = sigmoid(a * logit + b). */
  private static boolean[] labels(double[] logits, double a, double b, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    boolean[] labels = new boolean[logits.length];
    for (int i = 0; i < logits.length; i++) {
      labels[i] = r.nextDouble() < 1 / (1 + Math.exp(-(a * logits[i] + b)));
    }
    return labels;
  }

  private static double[] logits(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] z = new double[N];
    for (int i = 0; i < N; i++) {
      z[i] =
          3 * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
    return z;
  }

  @Test
  void temperatureRecoversAKnownTemperature() {
    double[] z = logits(1);
    boolean[] y = labels(z, 1 / 2.5, 0, 2); // an overconfident model: T = 2.5
    Calibration c = CalibrationFitter.temperature(z, y);
    assertThat(1 / c.scale()).isCloseTo(2.5f, within(0.1f));
    assertThat(c.bias()).isZero();
    assertThat(CalibrationFitter.nll(z, y, c.scale(), 0))
        .isLessThan(CalibrationFitter.nll(z, y, 1, 0));
  }

  @Test
  void temperatureBelowOneForAnUnderconfidentModel() {
    double[] z = logits(3);
    boolean[] y = labels(z, 2, 0, 4);
    assertThat(1 / CalibrationFitter.temperature(z, y).scale()).isCloseTo(0.5f, within(0.03f));
  }

  @Test
  void plattRecoversScaleAndBias() {
    double[] z = logits(5);
    boolean[] y = labels(z, 0.5, -1, 6);
    Calibration c = CalibrationFitter.platt(z, y);
    assertThat(c.scale()).isCloseTo(0.5f, within(0.03f));
    assertThat(c.bias()).isCloseTo(-1f, within(0.06f));
  }

  @Test
  void staysFiniteOnSeparableOrOneClassData() {
    double[] z = {-2, -1, 1, 2};
    Calibration separable = CalibrationFitter.platt(z, new boolean[] {false, false, true, true});
    assertThat(separable.scale()).isBetween(1f, (float) CalibrationFitter.MAX_SCALE);
    Calibration oneClass = CalibrationFitter.platt(z, new boolean[] {true, true, true, true});
    assertThat(Float.isFinite(oneClass.bias())).isTrue();
    // reversed logits: the scale stays positive, so the ranking is never flipped
    Calibration reversed = CalibrationFitter.platt(z, new boolean[] {true, true, false, false});
    assertThat(reversed.scale()).isPositive();
  }

  @Test
  void noneIsTheIdentity() {
    assertThat(
            CalibrationFitter.fit(CalibrationMethod.NONE, new double[] {1}, new boolean[] {true}))
        .isEqualTo(Calibration.SIGMOID);
  }
}
