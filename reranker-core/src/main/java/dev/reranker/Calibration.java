package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Turns a model's raw score into P(upvote): {@code sigmoid(scale * raw + bias)}. Immutable.
 *
 * <p>Cross-encoders: the raw score is the upvote logit, so {@link #SIGMOID} is the identity
 * calibration and {@link #temperature} is temperature scaling. Bi-encoders: the raw score is a
 * cosine similarity in [-1, 1]; {@link #BI_ENCODER_DEFAULT} maps cosine 0.3 to 0.5 and 0.6 to about
 * 0.95, a prior for sentence-transformers models, not a fit: fit one on your own reactions.
 *
 * @param scale multiplies the raw score; positive
 * @param bias added after scaling
 */
public record Calibration(float scale, float bias) {
  /** P = sigmoid(raw): for cross-encoder logits. */
  public static final Calibration SIGMOID = new Calibration(1f, 0f);

  /** P = sigmoid(10 * cosine - 3): the default for bi-encoders. */
  public static final Calibration BI_ENCODER_DEFAULT = new Calibration(10f, -3f);

  /**
   * Creates a calibration.
   *
   * @throws IllegalArgumentException if {@code scale} is not positive and finite or {@code bias} is
   *     not finite
   */
  public Calibration {
    checkArgument(scale > 0 && Float.isFinite(scale), "scale must be positive, but was %s", scale);
    checkArgument(Float.isFinite(bias), "bias must be finite, but was %s", bias);
  }

  /** Returns temperature scaling: {@code sigmoid(raw / t)}. */
  public static Calibration temperature(float t) {
    checkArgument(t > 0 && Float.isFinite(t), "temperature must be positive, but was %s", t);
    return new Calibration(1f / t, 0f);
  }

  /** Returns Platt scaling: {@code sigmoid(a * raw + b)}. */
  public static Calibration platt(float a, float b) {
    return new Calibration(a, b);
  }

  /** Returns the calibrated logit, {@code scale * raw + bias}: the ranking score. */
  public float logit(float raw) {
    return scale * raw + bias;
  }

  /** Returns P(upvote) for a raw score. */
  public float probability(float raw) {
    return (float) (1 / (1 + Math.exp(-(double) logit(raw))));
  }
}
