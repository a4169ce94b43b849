package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingEvaluationTest {
  /** 40 dialogs of 3 examples; each reply names its dialog and turn. */
  private static List<SelectionExample> examples() {
    List<SelectionExample> out = new ArrayList<>();
    for (int d = 0; d < 40; d++) {
      for (int i = 0; i < 3; i++) {
        out.add(
            new SelectionExample(
                "d" + d,
                Dialog.of(Turn.user("q " + d + " " + i)),
                "r" + d + "_" + i,
                List.of(),
                "t"));
      }
    }
    return out;
  }

  /** Knows every example's true reply and scores it 1, everything else 0. */
  private static ReplyScorer oracle(List<SelectionExample> examples) {
    Map<Dialog, String> truth = new HashMap<>();
    examples.forEach(e -> truth.put(e.dialog(), e.reply()));
    return (dialog, candidates) ->
        candidates.stream().mapToDouble(c -> c.equals(truth.get(dialog)) ? 1 : 0).toArray();
  }

  @Test
  void perfectScorer_getsOne() {
    List<SelectionExample> examples = examples();
    RankingEvaluation.RankingReport report =
        RankingEvaluation.ranking(oracle(examples), examples, 20, 42);

    assertThat(report.examples()).isEqualTo(120);
    assertThat(report.candidates()).isEqualTo(20);
    assertThat(report.hitsAt1()).isEqualTo(1.0);
    assertThat(report.meanReciprocalRank()).isEqualTo(1.0);
  }

  @Test
  void constantScorer_tiesCountAgainstTheTrueReply() {
    RankingEvaluation.RankingReport report =
        RankingEvaluation.ranking((d, c) -> new double[c.size()], examples(), 20, 42);

    assertThat(report.hitsAt1()).isEqualTo(0.0);
    assertThat(report.meanReciprocalRank()).isCloseTo(1.0 / 20, within(1e-12));
  }

  @Test
  void rankOfFirst_countsDistractorsScoringAtLeastAsHigh() {
    assertThat(RankingEvaluation.rankOfFirst(new double[] {0.5, 0.1, 0.9, 0.5})).isEqualTo(3);
    assertThat(RankingEvaluation.rankOfFirst(new double[] {0.5, 0.1})).isEqualTo(1);
    assertThat(RankingEvaluation.rankOfFirst(new double[] {0.5, Double.NaN})).isEqualTo(2);
  }

  @Test
  void distractors_neverFromTheSameDialog_distinct_deterministic() {
    List<SelectionExample> examples = examples();
    List<List<String>> lists = RankingEvaluation.candidateLists(examples, examples, 20, 7);

    for (int i = 0; i < examples.size(); i++) {
      SelectionExample e = examples.get(i);
      List<String> list = lists.get(i);
      assertThat(list).hasSize(20).doesNotHaveDuplicates();
      assertThat(list.get(0)).isEqualTo(e.reply());
      String ownDialog = e.dialogId().substring(1) + "_";
      assertThat(list.subList(1, 20)).noneMatch(r -> r.startsWith("r" + ownDialog));
    }
    assertThat(RankingEvaluation.candidateLists(examples, examples, 20, 7)).isEqualTo(lists);
    assertThat(RankingEvaluation.candidateLists(examples, examples, 20, 8)).isNotEqualTo(lists);
  }

  @Test
  void distractors_neverEqualTheTrueReply() {
    List<SelectionExample> pool = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      pool.add(
          new SelectionExample("d" + d, Dialog.of(Turn.user("q")), "you too!", List.of(), "t"));
      pool.add(new SelectionExample("d" + d, Dialog.of(Turn.user("q")), "x" + d, List.of(), "t"));
    }
    List<List<String>> lists = RankingEvaluation.candidateLists(pool.subList(0, 1), pool, 5, 3);
    assertThat(lists.get(0)).hasSize(5).containsOnlyOnce("you too!");
  }

  @Test
  void tooSmallPool_orTooFewCandidates_fail() {
    List<SelectionExample> two = examples().subList(0, 6);
    assertThatThrownBy(() -> RankingEvaluation.candidateLists(two, two, 20, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the pool has only 3 distinct replies outside dialog d0");
    assertThatThrownBy(() -> RankingEvaluation.ranking((d, c) -> new double[0], two, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("candidates must be at least 2, but was 1");
  }

  @Test
  void scorerWithWrongCount_fails() {
    assertThatThrownBy(() -> RankingEvaluation.ranking((d, c) -> new double[1], examples(), 5, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("scorer returned 1 scores for 5 candidates");
  }

  @Test
  void pairwise_countsWinsAndHalfTies_scoresEachContextOnce() {
    Dialog dialog = Dialog.of(Turn.user("hello"));
    List<SelectionExample> examples =
        List.of(
            new SelectionExample("c", dialog, "good", List.of("bad", "same"), "t"),
            new SelectionExample("c", dialog, "fine", List.of("bad", "same"), "t"));
    Map<String, Double> scores = Map.of("good", 3.0, "fine", 1.0, "bad", 2.0, "same", 1.0);
    int[] calls = {0};
    ReplyScorer scorer =
        (d, c) -> {
          calls[0]++;
          return c.stream().mapToDouble(scores::get).toArray();
        };

    RankingEvaluation.PairwiseReport report = RankingEvaluation.pairwise(scorer, examples);

    assertThat(report.pairs()).isEqualTo(4);
    // good > bad, good > same, fine < bad, fine = same
    assertThat(report.accuracy()).isEqualTo(2.5 / 4);
    assertThat(calls[0]).isEqualTo(1);
    assertThat(RankingEvaluation.pairwise(scorer, List.of()).accuracy()).isNaN();
  }

  @Test
  void sample_isSeededKeepsOrderAndCaps() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add(i);
    }
    List<Integer> s = RankingEvaluation.sample(items, 10, 5);
    assertThat(s).hasSize(10).isSorted().isEqualTo(RankingEvaluation.sample(items, 10, 5));
    assertThat(RankingEvaluation.sample(items, 200, 5)).isEqualTo(items);
    assertThatThrownBy(() -> RankingEvaluation.sample(items, -1, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must not be negative, but was -1");
  }

  @Test
  void reactionAuc_scoresEachRatedReply_leavesUnratedOut() {
    Dialog dialog = Dialog.of(Turn.user("hi"));
    List<ReactionRecord> records =
        List.of(
            ReactionRecord.of("a", dialog, "great long reply", Reaction.UPVOTE),
            ReactionRecord.of("b", dialog, "meh", Reaction.DOWNVOTE),
            ReactionRecord.of("c", dialog, "fine reply", Reaction.UPVOTE),
            ReactionRecord.of("d", dialog, "x", Reaction.NONE));
    List<String> seen = new ArrayList<>();
    ReplyScorer byLength =
        (d, c) -> {
          seen.addAll(c);
          return c.stream().mapToDouble(String::length).toArray();
        };

    assertThat(RankingEvaluation.reactionAuc(byLength, records)).isEqualTo(1.0);
    assertThat(seen).containsExactly("great long reply", "meh", "fine reply");
  }
}
