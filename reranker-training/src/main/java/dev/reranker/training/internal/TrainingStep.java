package dev.reranker.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.reranker.model.TokenBatch;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One optimizer step of a {@link TrainableModel} on one batch of pairs: forward, loss, backward,
 * global gradient-norm clipping and the optimizer's update (or {@link MixedPrecision#step} in mixed
 * precision). The trainer runs every step through it, and reranker-jmh's training benchmark times
 * it.
 */
public final class TrainingStep {
  private TrainingStep() {}

  /** The loss of one batch from its logits, {@code [pairs, labels]}. */
  @FunctionalInterface
  public interface Loss {
    /** Returns the scalar loss; arrays it creates may live in {@code manager}. */
    NDArray apply(NDManager manager, NDArray logits);
  }

  /**
   * Runs one step and returns the batch's loss.
   *
   * @param parameters the trainer's parameters, to clip their gradients
   * @param mixed the mixed-precision state, or null for float32 training
   * @throws IllegalStateException if the gradient norm is not finite (the step is not applied and
   *     the gradients are zeroed)
   */
  public static float run(
      Trainer trainer,
      TrainableModel m,
      TokenBatch tokens,
      Loss loss,
      List<Parameter> parameters,
      @Nullable MixedPrecision mixed,
      double maxGradNorm) {
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDList inputs = m.inputs(manager, tokens);
      float value;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray l = loss.apply(manager, m.logits(trainer.forward(inputs)));
        value = l.getFloat();
        collector.backward(mixed != null ? mixed.scale(l) : l);
      }
      if (mixed != null) {
        mixed.step(maxGradNorm, manager); // skipped, and the scale halved, on overflow
      } else {
        double norm = Gradients.clipByGlobalNorm(parameters, maxGradNorm, 1, manager);
        if (!Double.isFinite(norm)) {
          Gradients.zero(parameters, manager);
          throw new IllegalStateException(
              "training diverged: gradient norm " + norm + " (lower the learning rate)");
        }
        trainer.step();
      }
      m.weightsChanged();
      return value;
    }
  }
}
