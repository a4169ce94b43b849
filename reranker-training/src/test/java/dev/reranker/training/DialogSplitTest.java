package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DialogSplitTest {
  private static List<SelectionExample> examples(int dialogs, int perDialog) {
    List<SelectionExample> out = new ArrayList<>();
    for (int d = 0; d < dialogs; d++) {
      for (int i = 0; i < perDialog; i++) {
        out.add(
            new SelectionExample(
                "d" + d, Dialog.of(Turn.user("hi " + i)), "reply " + d + "." + i, List.of(), "t"));
      }
    }
    return out;
  }

  private static Set<String> ids(List<SelectionExample> side) {
    Set<String> ids = new HashSet<>();
    side.forEach(e -> ids.add(e.dialogId()));
    return ids;
  }

  @Test
  void sameSeed_sameSplit_independentOfOrder() {
    List<SelectionExample> all = examples(500, 3);
    DialogSplit a = DialogSplit.of(all, 0.1, 0.1, 42);
    List<SelectionExample> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new java.util.Random(7));
    DialogSplit b = DialogSplit.of(shuffled, 0.1, 0.1, 42);

    assertThat(a).isEqualTo(DialogSplit.of(all, 0.1, 0.1, 42));
    assertThat(ids(b.test())).isEqualTo(ids(a.test()));
    assertThat(ids(b.validation())).isEqualTo(ids(a.validation()));
    assertThat(ids(DialogSplit.of(all, 0.1, 0.1, 43).test())).isNotEqualTo(ids(a.test()));
  }

  @Test
  void noDialogOnTwoSides_sizesNearTheFractions() {
    DialogSplit split = DialogSplit.of(examples(2000, 2), 0.2, 0.1, 1);
    Set<String> train = ids(split.train());
    Set<String> validation = ids(split.validation());
    Set<String> test = ids(split.test());

    assertThat(train).doesNotContainAnyElementsOf(validation).doesNotContainAnyElementsOf(test);
    assertThat(validation).doesNotContainAnyElementsOf(test);
    assertThat(train.size() + validation.size() + test.size()).isEqualTo(2000);
    assertThat(test.size()).isBetween(160, 240);
    assertThat(validation.size()).isBetween(340, 460);
    assertThat(split.test()).hasSize(2 * test.size());
  }

  @Test
  void zeroFractions_keepEverythingInTrain() {
    DialogSplit split = DialogSplit.of(examples(50, 1), 0, 0, 9);
    assertThat(split.train()).hasSize(50);
    assertThat(split.validation()).isEmpty();
    assertThat(split.test()).isEmpty();
  }

  @Test
  void badFractions_fail() {
    List<SelectionExample> all = examples(3, 1);
    assertThatThrownBy(() -> DialogSplit.of(all, -0.1, 0.1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validationFraction must be in [0, 1], but was -0.1");
    assertThatThrownBy(() -> DialogSplit.of(all, 0.1, 1.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("testFraction must be in [0, 1], but was 1.5");
    assertThatThrownBy(() -> DialogSplit.of(all, 0.6, 0.6, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("validationFraction + testFraction must be at most 1");
  }
}
