package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexicalScorersTest {
  private static final List<String> CORPUS =
      List.of(
          "i love hiking in the mountains",
          "what is your favorite food",
          "i have two dogs",
          "the weather is nice today",
          "do you like music",
          "i work as a nurse");

  private static final Dialog DIALOG =
      Dialog.of(Turn.bot("hi"), Turn.user("do you have any pets?"))
          .withBotPersona(List.of("i have two dogs."));

  private static final List<String> CANDIDATES =
      List.of(
          "the weather is nice today",
          "yes, I have two dogs!",
          "i work as a nurse",
          "what is your favorite food");

  private static int best(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void tfIdf_ranksTheOverlappingReplyFirst_cosineInUnitRange() {
    double[] scores = TfIdfScorer.fit(CORPUS).score(DIALOG, CANDIDATES);
    assertThat(best(scores)).isEqualTo(1);
    for (double s : scores) {
      assertThat(s).isBetween(0.0, 1.0 + 1e-9);
    }
  }

  @Test
  void tfIdf_identicalTextScoresOne_noTermsScoresZero() {
    Dialog d = Dialog.of(Turn.user("i have two dogs"));
    double[] scores = TfIdfScorer.fit(CORPUS).score(d, List.of("I have two dogs", "?!"));
    assertThat(scores[0]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(scores[1]).isZero();
  }

  @Test
  void bm25_ranksTheOverlappingReplyFirst() {
    double[] scores = Bm25Scorer.fit(CORPUS).score(DIALOG, CANDIDATES);
    assertThat(best(scores)).isEqualTo(1);
    assertThat(scores[0]).isZero();
  }

  @Test
  void badFits_fail() {
    assertThatThrownBy(() -> TfIdfScorer.fit(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("documents must not be empty");
    assertThatThrownBy(() -> Bm25Scorer.fit(CORPUS, -1, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("k1 must not be negative, but was -1.0");
    assertThatThrownBy(() -> Bm25Scorer.fit(CORPUS, 1.2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("b must be in [0, 1], but was 2.0");
  }

  @Test
  void rankingEvaluation_acceptsTheBaselines() {
    List<SelectionExample> examples =
        List.of(
            new SelectionExample("a", DIALOG, "yes, I have two dogs!", List.of(), "t"),
            new SelectionExample(
                "b",
                Dialog.of(Turn.user("nice weather?")),
                "the weather is nice today",
                List.of(),
                "t"),
            new SelectionExample(
                "c", Dialog.of(Turn.user("your job?")), "i work as a nurse", List.of(), "t"));
    RankingEvaluation.RankingReport report =
        RankingEvaluation.ranking(Bm25Scorer.fit(CORPUS), examples, 3, 1);
    assertThat(report.examples()).isEqualTo(3);
    assertThat(report.hitsAt1()).isBetween(0.0, 1.0);
  }
}
