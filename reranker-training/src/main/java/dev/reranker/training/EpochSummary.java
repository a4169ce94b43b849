package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import dev.reranker.Calibration;
import java.time.Duration;

/**
 * What one training epoch did, measured on the validation split. Immutable.
 *
 * @param epoch the 1-based epoch
 * @param globalStep optimizer steps taken so far, all epochs together
 * @param trainLoss the mean training loss over the epoch's batches
 * @param validation the validation metrics with {@code calibration} applied
 * @param uncalibrated the validation metrics of {@code sigmoid(logit)}
 * @param calibration the calibration fitted on this epoch's validation logits
 * @param duration the epoch's wall time, evaluation included
 * @param best whether this epoch had the best validation AUC so far (and was saved)
 */
public record EpochSummary(
    int epoch,
    int globalStep,
    double trainLoss,
    EvaluationReport validation,
    EvaluationReport uncalibrated,
    Calibration calibration,
    Duration duration,
    boolean best) {

  /** Checks for nulls. */
  public EpochSummary {
    requireNonNull(validation, "validation");
    requireNonNull(uncalibrated, "uncalibrated");
    requireNonNull(calibration, "calibration");
    requireNonNull(duration, "duration");
  }
}
