package dev.reranker.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The selection losses against values worked out by hand. */
class SelectionLossesTest {

  @Test
  void listwise_isTheMeanSoftmaxCrossEntropyOfTheTrueReply() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray scores = manager.create(new float[] {2, 1, 0, 0, 0, 0}, new Shape(2, 3));
      // group 1: log(e^2 + e^1 + e^0) - 2 = log(11.1073) - 2 = 0.40761
      // group 2: log(3) - 0 = 1.09861
      assertThat(SelectionLosses.listwise(scores).getFloat())
          .isCloseTo((0.40761f + 1.09861f) / 2, within(1e-4f));
    }
  }

  @Test
  void listwise_gradientRaisesTheTrueReplyAndLowersTheNegatives() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray scores = manager.create(new float[] {2, 1, 0}, new Shape(1, 3));
      scores.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(SelectionLosses.listwise(scores));
      }
      float[] grad = scores.getGradient().toFloatArray();
      // d/ds_i = softmax(s)_i - [i == 0]: e^2/11.1073 - 1, e/11.1073, 1/11.1073
      assertThat(grad[0]).isCloseTo(7.38906f / 11.10734f - 1, within(1e-4f));
      assertThat(grad[1]).isCloseTo(2.71828f / 11.10734f, within(1e-4f));
      assertThat(grad[2]).isCloseTo(1 / 11.10734f, within(1e-4f));
      assertThat(grad[0]).isNegative(); // gradient descent raises the true reply's score
      assertThat(grad[1]).isPositive();
    }
  }

  @Test
  void pointwise_isTheMeanBinaryCrossEntropyWithTheTrueReplyFirst() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray scores = manager.create(new float[] {2, -1}, new Shape(1, 2));
      // log(1 + e^-2) = 0.126928 (target 1); log(1 + e^-1) = 0.313262 (target 0)
      assertThat(SelectionLosses.pointwise(scores).getFloat())
          .isCloseTo((0.126928f + 0.313262f) / 2, within(1e-5f));
    }
  }

  @Test
  void scores_areUpvoteMinusDownvoteForTwoLabelsAndTheUpvoteLogitForOne() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray two = manager.create(new float[] {0.5f, 2, 1, 1, 0, 3, 2, 0}, new Shape(4, 2));
      assertThat(SelectionLosses.scores(two, List.of("downvote", "upvote"), 2).toFloatArray())
          .containsExactly(1.5f, 0, 3, -2);
      assertThat(SelectionLosses.scores(two, List.of("downvote", "upvote"), 2).getShape())
          .isEqualTo(new Shape(2, 2));
      NDArray one = manager.create(new float[] {1, 2, 3, 4}, new Shape(4, 1));
      assertThat(SelectionLosses.scores(one, List.of("upvote"), 4).toFloatArray())
          .containsExactly(1, 2, 3, 4);
    }
  }
}
