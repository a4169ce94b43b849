package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics against values computed by hand. */
class BinaryMetricsTest {
  private static final boolean T = true;
  private static final boolean F = false;

  @Test
  void aucCountsTiesAsHalf() {
    // positives 0.4, 0.8, 0.9; negatives 0.1, 0.4, 0.8: of 9 pairs, 6 ordered right, 2 tied
    // (0.4/0.4, 0.8/0.8) and 1 wrong (0.4 < 0.8): (6 + 2 * 0.5) / 9 = 7/9
    double[] scores = {0.1, 0.4, 0.4, 0.8, 0.8, 0.9};
    boolean[] labels = {F, T, F, T, F, T};
    assertThat(BinaryMetrics.rocAuc(scores, labels)).isCloseTo(7.0 / 9, within(1e-12));
  }

  @Test
  void aucIsOrderAndMonotoneInvariant() {
    double[] scores = {0.9, 0.1, 0.8, 0.4, 0.4, 0.8};
    boolean[] labels = {T, F, F, T, F, T};
    double[] logits = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      logits[i] = Math.log(scores[i] / (1 - scores[i]));
    }
    assertThat(BinaryMetrics.rocAuc(logits, labels)).isCloseTo(7.0 / 9, within(1e-12));
  }

  @Test
  void aucOfExtremes() {
    assertThat(BinaryMetrics.rocAuc(new double[] {1, 2}, new boolean[] {F, T})).isEqualTo(1.0);
    assertThat(BinaryMetrics.rocAuc(new double[] {2, 1}, new boolean[] {F, T})).isEqualTo(0.0);
    assertThat(BinaryMetrics.rocAuc(new double[] {3, 3, 3}, new boolean[] {F, T, T}))
        .isEqualTo(0.5);
    assertThat(BinaryMetrics.rocAuc(new double[] {1, 2}, new boolean[] {T, T})).isNaN();
  }

  @Test
  void eceOverFifteenEqualWidthBins() {
    // bins: 0.05 -> 0, 0.5 and 0.52 -> 7, 0.95 and 1.0 -> 14 (1.0 joins the last bin)
    // (2/6)|0.05 - 0.5| + (2/6)|0.51 - 0.5| + (2/6)|0.975 - 1| = 0.15 + 0.00333 + 0.00833
    double[] p = {0.05, 0.05, 0.5, 0.52, 0.95, 1.0};
    boolean[] labels = {F, T, T, F, T, T};
    assertThat(BinaryMetrics.expectedCalibrationError(p, labels))
        .isCloseTo(0.15 + 0.01 / 3 + 0.025 / 3, within(1e-12));
    // one bin: |mean p - accuracy|
    assertThat(BinaryMetrics.expectedCalibrationError(p, labels, 1))
        .isCloseTo(Math.abs((0.05 + 0.05 + 0.5 + 0.52 + 0.95 + 1.0) / 6 - 4.0 / 6), within(1e-12));
    assertThatThrownBy(() -> BinaryMetrics.expectedCalibrationError(p, labels, 0))
        .hasMessage("bins must be positive, but was 0");
  }

  @Test
  void logLossAndAccuracy() {
    assertThat(BinaryMetrics.logLoss(new double[] {0.8, 0.3}, new boolean[] {T, F}))
        .isCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, within(1e-12));
    assertThat(BinaryMetrics.logLoss(new double[] {0.0}, new boolean[] {T}))
        .isCloseTo(-Math.log(BinaryMetrics.EPSILON), within(1e-9));
    assertThat(BinaryMetrics.accuracy(new double[] {0.5, 0.49, 0.2}, new boolean[] {T, T, F}))
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void hitsAtOneAndMrrWithPessimisticTies() {
    double[] scores = {0.9, 0.8, 0.1, 0.7, 0.7, 0.3, 0.2, 0.1, 0.5, 0.4, 0.6};
    boolean[] labels = {F, T, F, T, F, T, T, F, F, F, F};
    List<String> groups = List.of("a", "a", "a", "b", "b", "c", "c", "c", "d", "e", "e");
    BinaryMetrics.RankingMetrics m = BinaryMetrics.ranking(scores, labels, groups);
    // a: best upvote ranks 2; b: tie with a downvote ranks 2; c: ranks 1; d: alone, e: no upvote
    assertThat(m.groups()).isEqualTo(3);
    assertThat(m.hitsAt1()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(m.meanReciprocalRank()).isCloseTo((0.5 + 0.5 + 1) / 3, within(1e-12));
    assertThat(m.meanCandidates()).isCloseTo(8.0 / 3, within(1e-12));
  }

  @Test
  void reportWithoutGroups() {
    EvaluationReport r =
        EvaluationReport.of(new double[] {0.9, 0.2}, new boolean[] {T, F}, List.of("x", "y"));
    assertThat(r.auc()).isEqualTo(1.0);
    assertThat(r.groups()).isZero();
    assertThat(r.hitsAt1()).isNaN();
    assertThat(r.summary()).startsWith("AUC 1.0000  accuracy 1.0000").doesNotContain("hits@1");
  }

  @Test
  void rejectsArraysOfDifferentLengths() {
    assertThatThrownBy(() -> BinaryMetrics.rocAuc(new double[2], new boolean[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("arrays differ in length: 2 and 3");
  }
}
