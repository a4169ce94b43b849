package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The selection options of {@link RerankerTrainer.Builder}: one test per rule. */
class SelectionBuilderTest {

  private static RerankerTrainer.Builder builder() {
    return RerankerTrainer.builder().output(Path.of("out"));
  }

  @Test
  void negatives_outOfRange() {
    assertThatThrownBy(() -> builder().negatives(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negatives must be in [1, 255], but was 0");
    assertThatThrownBy(() -> builder().negatives(256))
        .hasMessage("negatives must be in [1, 255], but was 256");
  }

  @Test
  void loss_null() {
    assertThatThrownBy(() -> builder().loss(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loss");
  }

  @Test
  void hardNegatives_outOfRange() {
    assertThatThrownBy(() -> builder().hardNegatives(-0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hardNegatives must be in [0, 1], but was -0.1");
    assertThatThrownBy(() -> builder().hardNegatives(Double.NaN))
        .hasMessage("hardNegatives must be in [0, 1], but was NaN");
  }

  @Test
  void hardNegativeCandidates_notPositive() {
    assertThatThrownBy(() -> builder().hardNegativeCandidates(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hardNegativeCandidates must be positive, but was 0");
  }

  @Test
  void hardNegativeMargin_negativeOrInfinite() {
    assertThatThrownBy(() -> builder().hardNegativeMargin(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hardNegativeMargin must be non-negative, but was -1.0");
    assertThatThrownBy(() -> builder().hardNegativeMargin(Double.POSITIVE_INFINITY))
        .hasMessage("hardNegativeMargin must be non-negative, but was Infinity");
  }

  @Test
  void miningInterval_notPositive() {
    assertThatThrownBy(() -> builder().miningInterval(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("miningInterval must be positive, but was 0");
  }

  @Test
  void anchorWeight_notPositiveOrNotFinite() {
    assertThatThrownBy(() -> builder().anchorWeight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("anchorWeight must be positive and finite, but was 0.0");
    assertThatThrownBy(() -> builder().anchorWeight(Double.NaN))
        .hasMessage("anchorWeight must be positive and finite, but was NaN");
    assertThat(builder().anchorWeight(0.5).build().toString()).contains("anchorWeight=0.5");
  }

  @Test
  void validationCandidates_belowTwo() {
    assertThatThrownBy(() -> builder().validationCandidates(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validationCandidates must be at least 2, but was 1");
  }

  @Test
  void toString_listsTheSelectionSettingsThatWereSet() {
    assertThat(
            builder()
                .negatives(15)
                .loss(SelectionLoss.POINTWISE)
                .hardNegatives(0.5)
                .miningInterval(10)
                .build()
                .toString())
        .isEqualTo(
            "RerankerTrainer{output=out, negatives=15, loss=POINTWISE, hardNegatives=0.5, "
                + "miningInterval=10}");
  }

  @Test
  void fitSelection_rejectsEmptySetsAndTheMultiLabelHead() {
    SelectionExample e =
        new SelectionExample("d", Dialog.of(Turn.user("hi")), "hello", List.of(), "t");
    assertThatThrownBy(() -> builder().build().fitSelection(List.of(), List.of(e)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("train has no selection example");
    assertThatThrownBy(() -> builder().build().fitSelection(List.of(e), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validation has no selection example");
    assertThatThrownBy(
            () -> builder().multiLabel(true).build().fitSelection(List.of(e), List.of(e)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "multiLabel(true) trains reaction labels, which selection examples do not have");
  }
}
