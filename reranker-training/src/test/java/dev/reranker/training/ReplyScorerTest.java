package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Dialog;
import dev.reranker.Reranker;
import dev.reranker.Turn;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyScorerTest {
  /** A reranker whose logit is the reply's length: longer replies score higher. */
  private static Reranker byLength() {
    return Reranker.builder()
        .scorer(
            batch -> {
              float[] logits = new float[batch.size()];
              for (int i = 0; i < logits.length; i++) {
                logits[i] = batch.get(i).candidate().text().length() / 10f;
              }
              return logits;
            })
        .build();
  }

  @Test
  void ofReranker_scoresEachCandidateInOrder_throughTheServingPath() {
    try (Reranker reranker = byLength()) {
      double[] scores =
          ReplyScorer.of(reranker).score(Dialog.of(Turn.user("hi")), List.of("bb", "a", "cccc"));

      assertThat(scores).hasSize(3);
      assertThat(scores[2]).isGreaterThan(scores[0]);
      assertThat(scores[0]).isGreaterThan(scores[1]);
      for (double s : scores) {
        assertThat(s).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void ofReranker_worksInTheRankingEvaluation() {
    List<SelectionExample> examples =
        List.of(
            new SelectionExample(
                "a", Dialog.of(Turn.user("q")), "a long true reply", List.of(), "t"),
            new SelectionExample("b", Dialog.of(Turn.user("q")), "x", List.of(), "t"),
            new SelectionExample("c", Dialog.of(Turn.user("q")), "y", List.of(), "t"));
    try (Reranker reranker = byLength()) {
      RankingEvaluation.RankingReport report =
          RankingEvaluation.ranking(
              ReplyScorer.of(reranker), examples.subList(0, 1), examples, 3, 1);
      assertThat(report.hitsAt1()).isEqualTo(1.0);
    }
  }

  @Test
  void ofReranker_failuresSurfaceUnwrapped() {
    Reranker reranker = byLength();
    reranker.close();
    ReplyScorer scorer = ReplyScorer.of(reranker);
    assertThatThrownBy(() -> scorer.score(Dialog.of(Turn.user("hi")), List.of("x")))
        .isInstanceOf(dev.reranker.RerankerException.class);
  }

  @Test
  void ofReranker_scoreAllEqualsEachDialogScoredAlone_andTheBatchesHoldSeveralDialogs() {
    List<Dialog> dialogs = List.of(Dialog.of(Turn.user("a")), Dialog.of(Turn.user("b")));
    List<List<String>> candidates = List.of(List.of("bb", "a"), List.of("c", "dddd", "ee"));
    try (Reranker reranker = byLength()) {
      ReplyScorer scorer = ReplyScorer.of(reranker);
      List<double[]> all = scorer.scoreAll(dialogs, candidates);
      assertThat(all).hasSize(2);
      for (int i = 0; i < 2; i++) {
        assertThat(all.get(i)).containsExactly(scorer.score(dialogs.get(i), candidates.get(i)));
      }
      assertThat(reranker.stats().scoredPairs()).isEqualTo(10);
    }
  }

  @Test
  void scoreAll_rejectsListsOfDifferentLengths() {
    ReplyScorer constant = (dialog, candidates) -> new double[candidates.size()];
    assertThatThrownBy(() -> constant.scoreAll(List.of(Dialog.of()), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("1 dialogs but 0 candidate lists");
  }
}
