package dev.reranker.training;

/**
 * The loss of response-selection training ({@link RerankerTrainer#fitSelection}), over groups of
 * the true reply and its negatives, each pair scored by the cross-encoder: the upvote logit, or
 * {@code logit[upvote] - logit[downvote]} for the {@link HeadType#TWO_LABELS} head.
 */
public enum SelectionLoss {
  /**
   * Softmax cross-entropy over each group: {@code -log(exp(s_true) / sum(exp(s_i)))}, the true
   * reply against all of its negatives at once (sentence-transformers' multiple-negatives and
   * listwise losses). Teaches "best of N".
   */
  LISTWISE,
  /**
   * Sigmoid binary cross-entropy on every pair of the group: the true reply 1, each negative 0.
   * Teaches "fits or not"; the baseline to compare against.
   */
  POINTWISE
}
