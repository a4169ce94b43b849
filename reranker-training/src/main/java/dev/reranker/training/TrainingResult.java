package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link RerankerTrainer#fit}. Immutable.
 *
 * @param checkpoint the folder of the best epoch's calibrated checkpoint; {@code
 *     Reranker.builder().model(checkpoint)} serves it
 * @param model what was trained, for reports ("BERT cross-encoder (6 layers, ...)")
 * @param parameterCount trainable values of the model
 * @param initialValidation the validation metrics before the first step (empty on resume)
 * @param history every epoch so far, resumed ones included, oldest first
 * @param bestEpoch the 1-based epoch of {@code checkpoint}
 * @param stoppedEarly whether patience ran out before the last epoch
 * @param resumedFromEpoch the epochs that were already done when this run started (0: fresh)
 * @param trainingTime the wall time of this run
 */
public record TrainingResult(
    Path checkpoint,
    String model,
    long parameterCount,
    Optional<EvaluationReport> initialValidation,
    List<EpochSummary> history,
    int bestEpoch,
    boolean stoppedEarly,
    int resumedFromEpoch,
    Duration trainingTime) {

  /** Copies the history. */
  public TrainingResult {
    requireNonNull(checkpoint, "checkpoint");
    requireNonNull(model, "model");
    requireNonNull(initialValidation, "initialValidation");
    history = List.copyOf(history);
    requireNonNull(trainingTime, "trainingTime");
  }

  /**
   * Returns the best epoch's summary.
   *
   * @throws IllegalStateException if no epoch has run
   */
  public EpochSummary best() {
    for (EpochSummary e : history) {
      if (e.epoch() == bestEpoch) {
        return e;
      }
    }
    throw new IllegalStateException("no epoch has run");
  }
}
