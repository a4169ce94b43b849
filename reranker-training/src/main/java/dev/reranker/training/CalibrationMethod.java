package dev.reranker.training;

/** How {@link RerankerTrainer} calibrates the upvote logit on the validation split. */
public enum CalibrationMethod {
  /** No fit: P = sigmoid(logit). */
  NONE,
  /** Temperature scaling: P = sigmoid(logit / T), one parameter; the ranking is unchanged. */
  TEMPERATURE,
  /**
   * Platt scaling: P = sigmoid(a * logit + b), two parameters (a > 0); also corrects a shifted base
   * rate. The ranking is unchanged.
   */
  PLATT
}
