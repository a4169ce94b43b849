package dev.reranker.training.internal;

import ai.djl.training.tracker.Tracker;
import java.util.function.IntSupplier;

/**
 * The learning rate schedule of BERT fine-tuning: linear warm-up from 0 to the peak over the first
 * {@code warmupSteps}, then linear decay to 0 at {@code totalSteps}. It reads the global step from
 * the trainer (1-based, the step about to be taken) rather than DJL's update count, so that a
 * resumed run continues the schedule where it stopped while the optimizer counts afresh.
 */
public final class LinearWarmupDecay implements Tracker {
  private final float peak;
  private final int warmupSteps;
  private final int totalSteps;
  private final IntSupplier step;

  /** Creates the schedule; {@code step} returns the 1-based global step being taken. */
  public LinearWarmupDecay(float peak, int warmupSteps, int totalSteps, IntSupplier step) {
    this.peak = peak;
    this.warmupSteps = Math.max(0, warmupSteps);
    this.totalSteps = Math.max(1, totalSteps);
    this.step = step;
  }

  /** Returns the learning rate at a 1-based global step. */
  public float valueAt(int globalStep) {
    if (globalStep <= warmupSteps) {
      return peak * globalStep / warmupSteps;
    }
    int decay = totalSteps - warmupSteps;
    return decay <= 0 ? 0f : peak * Math.max(0, totalSteps - globalStep + 1) / (float) decay;
  }

  @Override
  public float getNewValue(int numUpdate) {
    return valueAt(step.getAsInt());
  }
}
