package dev.reranker.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;

/**
 * The response-selection losses on a group score matrix {@code [groups, 1 + k]}, the true reply in
 * column 0: listwise softmax cross-entropy and pointwise sigmoid cross-entropy, both the mean over
 * the batch, computed in float32.
 */
public final class SelectionLosses {
  private SelectionLosses() {}

  /**
   * Returns each pair's selection score, {@code [groups, groupSize]}: the upvote logit, minus the
   * downvote logit when the head has both.
   *
   * @param logits {@code [groups * groupSize, labels]}, the pairs group by group
   */
  public static NDArray scores(NDArray logits, List<String> labels, int groupSize) {
    NDArray x = MixedPrecision.toFloat32(logits);
    int up = indexOf(labels, "upvote");
    int down = indexOf(labels, "downvote");
    NDArray score = x.get(new NDIndex(":, {}", up));
    if (down >= 0 && up >= 0) {
      score = score.sub(x.get(new NDIndex(":, {}", down)));
    }
    return score.reshape(new Shape(-1, groupSize));
  }

  /** Mean over groups of {@code logsumexp(s) - s[0]}. */
  public static NDArray listwise(NDArray scores) {
    return scores.logSoftmax(1).get(new NDIndex(":, 0")).neg().mean();
  }

  /** Mean over all pairs of the sigmoid cross-entropy, target 1 in column 0 and 0 elsewhere. */
  public static NDArray pointwise(NDArray scores) {
    NDArray y = scores.zerosLike();
    y.set(new NDIndex(":, 0"), 1f);
    NDArray perPair =
        scores.maximum(0f).sub(scores.mul(y)).add(scores.abs().neg().exp().add(1f).log());
    return perPair.mean();
  }

  private static int indexOf(List<String> labels, String label) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).toLowerCase(Locale.ROOT).equals(label)) {
        return i;
      }
    }
    return label.equals("upvote") ? Math.max(0, labels.size() - 1) : -1;
  }
}
