package dev.reranker.training.internal;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Locale;

/**
 * The dynamic loss scale of float16 training, as {@code torch.cuda.amp.GradScaler} keeps it: the
 * loss is multiplied by {@link #scale()} before backward so that small gradients do not flush to
 * zero in float16; a step whose gradients overflow (inf or NaN) is skipped and the scale halved;
 * after {@code growthInterval} clean steps in a row the scale doubles.
 *
 * <p>Unlike {@code GradScaler}, the scale has a floor: an overflow at a scale of {@link #MIN_SCALE}
 * or below means the gradients are not finite even unscaled, so training has diverged and {@link
 * #update} throws rather than skip steps forever.
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class LossScaler {
  /** The first scale, 2^16 (GradScaler's {@code init_scale}). */
  public static final float DEFAULT_INITIAL_SCALE = 65536f;

  /** Clean steps before the scale doubles (GradScaler's {@code growth_interval}). */
  public static final int DEFAULT_GROWTH_INTERVAL = 2000;

  /** The scale at or below which an overflow counts as divergence. */
  public static final float MIN_SCALE = 1f;

  private final int growthInterval;
  private float scale;
  private int cleanSteps;
  private long skippedSteps;

  /** Creates a scaler with GradScaler's defaults: 2^16, doubling after 2000 clean steps. */
  public LossScaler() {
    this(DEFAULT_INITIAL_SCALE, DEFAULT_GROWTH_INTERVAL);
  }

  /**
   * Creates a scaler.
   *
   * @throws IllegalArgumentException if {@code initialScale} is not a finite number above {@link
   *     #MIN_SCALE}, or {@code growthInterval} is not positive
   */
  public LossScaler(float initialScale, int growthInterval) {
    checkArgument(
        Float.isFinite(initialScale) && initialScale > MIN_SCALE,
        "initialScale must be finite and above %s, but was %s",
        MIN_SCALE,
        initialScale);
    checkArgument(
        growthInterval > 0, "growthInterval must be positive, but was %s", growthInterval);
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** Returns the factor to multiply the loss by before the next backward. */
  public float scale() {
    return scale;
  }

  /** Returns how many steps were skipped for overflowing gradients so far. */
  public long skippedSteps() {
    return skippedSteps;
  }

  /**
   * Records the outcome of a backward pass at the current scale and says whether to apply the step:
   * finite gradients count a clean step (the scale doubles on the {@code growthInterval}-th in a
   * row, after this step); non-finite ones halve the scale, reset the count and skip the step.
   *
   * @param finite whether every gradient of the step was finite
   * @return whether the optimizer should apply this step's gradients
   * @throws IllegalStateException if the gradients overflowed at a scale of {@link #MIN_SCALE} or
   *     below: training diverged
   */
  public boolean update(boolean finite) {
    if (!finite) {
      if (scale <= MIN_SCALE) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "training diverged: gradients are not finite even at loss scale %s (lower the "
                    + "learning rate)",
                scale));
      }
      scale /= 2;
      cleanSteps = 0;
      skippedSteps++;
      return false;
    }
    if (++cleanSteps >= growthInterval) {
      float grown = scale * 2;
      if (Float.isFinite(grown)) {
        scale = grown;
      }
      cleanSteps = 0;
    }
    return true;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "LossScaler{scale=%s, cleanSteps=%d/%d, skipped=%d}",
        scale,
        cleanSteps,
        growthInterval,
        skippedSteps);
  }
}
