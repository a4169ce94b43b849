package dev.reranker.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Sigmoid binary cross-entropy per logit, weighted, averaged over the weights: labels are {@code
 * (targets, weights)}, both {@code [batch, labels]}; a weight of 0 leaves a logit out (a record
 * without a polarity has no upvote target). Computed in float32 from logits as {@code max(x, 0) - x
 * * y + log(1 + exp(-|x|))}, which never overflows. Float16 logits (mixed precision) are cast with
 * {@link MixedPrecision#toFloat32}, which keeps the autograd graph.
 */
public final class ReactionLoss extends Loss {

  /** Creates the loss. */
  public ReactionLoss() {
    super("ReactionBCE");
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray x = MixedPrecision.toFloat32(predictions.singletonOrThrow());
    NDArray y = labels.get(0);
    NDArray w = labels.get(1);
    NDArray perLogit = x.maximum(0f).sub(x.mul(y)).add(x.abs().neg().exp().add(1f).log());
    return perLogit.mul(w).sum().div(w.sum().maximum(1f));
  }
}
