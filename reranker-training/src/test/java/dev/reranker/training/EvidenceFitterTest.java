package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.Calibration;
import dev.reranker.model.EvidenceBlend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The listwise fit of an evidence blend, on synthetic groups whose answer is known. */
class EvidenceFitterTest {

  /**
   * Groups of 20 where the true reply (candidate 0) has a noisy cross-encoder logit and a last-turn
   * similarity that also tells it apart: the blend must weigh both positively and rank better than
   * the logit alone; the persona similarity is noise.
   */
  private static List<float[][]> groups(int n, long seed, boolean lastTurnHelps) {
    SplittableRandom random = new SplittableRandom(seed);
    List<float[][]> groups = new ArrayList<>();
    for (int g = 0; g < n; g++) {
      float[][] group = new float[20][];
      for (int j = 0; j < 20; j++) {
        boolean truth = j == 0;
        float logit = (float) (random.nextGaussian() * 2 + (truth ? 1.5 : 0));
        float last =
            (float) (0.3 + random.nextGaussian() * 0.1 + (truth && lastTurnHelps ? 0.15 : 0));
        float persona = g % 2 == 0 ? Float.NaN : (float) (0.2 + random.nextGaussian() * 0.1);
        group[j] = new float[] {logit, last, persona};
      }
      groups.add(group);
    }
    return groups;
  }

  @Test
  void weighsEvidenceThatSeparatesTheTrueReplyAndIgnoresNoise() {
    List<float[][]> train = groups(400, 1, true);
    List<float[][]> test = groups(400, 2, true);
    EvidenceBlend blend = EvidenceFitter.fit(train);
    assertThat(blend.crossEncoder()).isPositive();
    assertThat(blend.lastTurn()).isGreaterThan(1f);
    assertThat(Math.abs(blend.persona())).isLessThan(0.5f * blend.lastTurn());
    assertThat(blend.lastTurnCenter()).isCloseTo(0.3f, within(0.02f));
    assertThat(blend.personaCenter()).isCloseTo(0.2f, within(0.02f));
    assertThat(blend.calibration()).isEqualTo(Calibration.SIGMOID);
    assertThat(EvidenceFitter.hitsAt1(test, blend))
        .isGreaterThan(EvidenceFitter.hitsAt1(test, null) + 0.1);
  }

  @Test
  void isDeterministic() {
    List<float[][]> train = groups(100, 3, true);
    assertThat(EvidenceFitter.fit(train)).isEqualTo(EvidenceFitter.fit(train));
  }

  @Test
  void scoresAreTheBlendsInGroupOrder() {
    List<float[][]> g = groups(3, 4, true);
    EvidenceBlend blend = new EvidenceBlend(2f, 1f, 0.3f, 1f, 0.2f, Calibration.SIGMOID);
    double[] s = EvidenceFitter.scores(blend, g);
    assertThat(s).hasSize(60);
    assertThat(s[21]).isEqualTo(blend.score(g.get(1)[1][0], g.get(1)[1][1], g.get(1)[1][2]));
  }

  @Test
  void hitsAt1CountsOnlyAStrictWin() {
    float[][] tie = {{1f, 0f, 0f}, {1f, 0f, 0f}};
    float[][] win = {{2f, 0f, 0f}, {1f, 0f, 0f}};
    assertThat(EvidenceFitter.hitsAt1(List.of(tie, win), null)).isEqualTo(0.5);
  }

  @Test
  void refusesGroupsWithNothingToRankAndABlendThatDropsTheCrossEncoder() {
    List<float[][]> single = new ArrayList<>();
    single.add(new float[][] {{1f, 0f, 0f}});
    assertThatThrownBy(() -> EvidenceFitter.fit(single))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no group has two candidates to rank");
    List<float[][]> inverted = groups(200, 5, true);
    for (float[][] group : inverted) {
      for (float[] x : group) {
        x[0] = -x[0]; // the true reply now has the lowest logits
      }
    }
    assertThatThrownBy(() -> EvidenceFitter.fit(inverted))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the fit gives the cross-encoder's logit weight -");
  }
}
