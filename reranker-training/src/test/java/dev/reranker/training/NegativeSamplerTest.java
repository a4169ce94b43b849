package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which negatives each selection example gets: own first, other dialogs only, guarded, seeded. */
class NegativeSamplerTest {

  /** {@code dialogs} dialogs of {@code turns} examples each: one reply per turn, all distinct. */
  static List<SelectionExample> examples(int dialogs, int turns) {
    List<SelectionExample> out = new ArrayList<>();
    for (int d = 0; d < dialogs; d++) {
      for (int t = 0; t < turns; t++) {
        out.add(
            new SelectionExample(
                "d" + d,
                Dialog.of(Turn.user("hello number " + d + " turn " + t)),
                "reply " + d + " " + t + " word" + (d * 31 + t),
                List.of(),
                "test"));
      }
    }
    return out;
  }

  private static NegativeSampler sampler(List<SelectionExample> examples, int k, double hard) {
    return new NegativeSampler(examples, k, hard, 8, 1.0, 42, "negatives");
  }

  @Test
  void negatives_neverComeFromTheSameDialog() {
    List<SelectionExample> examples = examples(20, 3);
    Map<String, String> dialogOfReply = new HashMap<>();
    examples.forEach(e -> dialogOfReply.put(e.reply(), e.dialogId()));
    NegativeSampler sampler = sampler(examples, 7, 0);
    for (int round = 1; round <= 3; round++) {
      for (int i = 0; i < examples.size(); i++) {
        List<String> negatives = sampler.negatives(i, round, List.of());
        assertThat(negatives).hasSize(7).doesNotHaveDuplicates();
        for (String n : negatives) {
          assertThat(dialogOfReply.get(n)).isNotEqualTo(examples.get(i).dialogId());
        }
      }
    }
  }

  @Test
  void negatives_comeFromTheExamplesOwnCorpus_andFromOthersOnlyWhenItRunsShort() {
    // Another corpus's style would give a negative away: draw within the source first.
    List<SelectionExample> examples = new ArrayList<>();
    Map<String, String> sourceOfReply = new HashMap<>();
    for (String source : List.of("persona", "daily", "topical")) {
      for (int d = 0; d < 12; d++) {
        String reply = source + " reply " + d + " word" + (source.hashCode() % 97 + d);
        examples.add(
            new SelectionExample(
                source + d,
                Dialog.of(Turn.user(source + " hello " + d)),
                reply,
                List.of(),
                source));
        sourceOfReply.put(reply, source);
      }
    }
    // A corpus of two dialogs cannot give 7 negatives of its own.
    for (int d = 0; d < 2; d++) {
      String reply = "tiny reply " + d;
      examples.add(
          new SelectionExample("tiny" + d, Dialog.of(Turn.user("tiny")), reply, List.of(), "tiny"));
      sourceOfReply.put(reply, "tiny");
    }
    NegativeSampler sampler = sampler(examples, 7, 0);
    for (int i = 0; i < examples.size(); i++) {
      List<String> negatives = sampler.negatives(i, 1, List.of());
      assertThat(negatives).hasSize(7).doesNotHaveDuplicates();
      String source = examples.get(i).source();
      if (source.equals("tiny")) {
        assertThat(negatives).filteredOn(n -> sourceOfReply.get(n).equals("tiny")).hasSize(1);
      } else {
        assertThat(negatives).allMatch(n -> sourceOfReply.get(n).equals(source));
      }
    }
  }

  @Test
  void negatives_startWithTheExamplesOwn() {
    List<SelectionExample> examples = new ArrayList<>(examples(10, 1));
    SelectionExample first = examples.get(0);
    examples.set(
        0,
        new SelectionExample(
            first.dialogId(), first.dialog(), first.reply(), List.of("own a", "own b"), "test"));
    List<String> negatives = sampler(examples, 4, 0).negatives(0, 1, List.of());
    assertThat(negatives).hasSize(4).startsWith("own a", "own b");
  }

  @Test
  void negatives_skipNearDuplicatesOfTheTrueReply() {
    List<SelectionExample> examples = new ArrayList<>();
    examples.add(ex("a", "I love my big dog so much"));
    examples.add(ex("b", "i LOVE my big dog, so much!")); // identical after normalisation
    examples.add(ex("c", "I love my big dog so much too")); // Jaccard 7/8
    examples.add(ex("d", "the weather is nice today"));
    examples.add(ex("e", "do you play the piano"));
    NegativeSampler sampler = sampler(examples, 2, 0);
    for (int round = 0; round < 20; round++) {
      assertThat(sampler.negatives(0, round, List.of()))
          .containsExactlyInAnyOrder("the weather is nice today", "do you play the piano");
    }
    assertThat(NegativeSampler.nearDuplicate("I love my big dog", "i love my big dog!")).isTrue();
    assertThat(NegativeSampler.nearDuplicate("I love my dog", "I love my cat")).isFalse();
  }

  @Test
  void negatives_areDeterministicFromTheSeedAndVaryByRound() {
    List<SelectionExample> examples = examples(30, 2);
    NegativeSampler a = sampler(examples, 5, 0);
    NegativeSampler b = sampler(examples, 5, 0);
    NegativeSampler other = new NegativeSampler(examples, 5, 0, 8, 1.0, 7, "negatives");
    List<List<String>> fromA = new ArrayList<>();
    List<List<String>> fromB = new ArrayList<>();
    List<List<String>> fromOther = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      fromA.add(a.negatives(i, 1, List.of()));
      fromB.add(b.negatives(i, 1, List.of()));
      fromOther.add(other.negatives(i, 1, List.of()));
    }
    assertThat(fromA).isEqualTo(fromB);
    assertThat(fromA).isNotEqualTo(fromOther);
    assertThat(a.negatives(0, 2, List.of())).isNotEqualTo(a.negatives(0, 1, List.of()));
    assertThat(a.miningCandidates(3, 1)).isEmpty(); // no hard share, nothing to mine
  }

  @Test
  void hardNegatives_fillTheirShareAfterTheRandomOnes() {
    List<SelectionExample> examples = examples(30, 1);
    NegativeSampler sampler = sampler(examples, 4, 0.5);
    assertThat(sampler.hardSlots(0)).isEqualTo(2);
    List<String> candidates = sampler.miningCandidates(0, 1);
    assertThat(candidates).hasSize(8).doesNotContain(examples.get(0).reply());
    assertThat(sampler.miningCandidates(0, 1)).isEqualTo(candidates);
    float[] scores = {5, 0.5f, 2.9f, 0, 0, 0, 0, 0};
    // true reply at 2.0, margin 1.0: 5 is a likely false negative, 2.9 and 0.5 are the hardest
    List<String> hard = sampler.pickHard(0, candidates, scores, 2.0f);
    assertThat(hard).containsExactly(candidates.get(2), candidates.get(1));
    List<String> negatives = sampler.negatives(0, 1, hard);
    assertThat(negatives).hasSize(4).doesNotHaveDuplicates().endsWith(hard.toArray(new String[0]));
  }

  @Test
  void tooSmallAPool_isReported() {
    List<SelectionExample> examples = examples(3, 1);
    assertThatThrownBy(() -> sampler(examples, 5, 0).negatives(0, 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "too few replies from other dialogs: dialog d0 needs 5 negatives but only 2 distinct "
                + "replies pass the guards (lower negatives or add examples)");
  }

  private static SelectionExample ex(String dialogId, String reply) {
    return new SelectionExample(
        dialogId, Dialog.of(Turn.user("hi from " + dialogId)), reply, List.of(), "test");
  }
}
