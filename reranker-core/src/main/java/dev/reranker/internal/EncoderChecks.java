package dev.reranker.internal;

import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;

/**
 * The argument and state checks every {@link dev.reranker.model.EncoderModel} makes before a
 * forward, written once so that the native BERT, the QA-LSTM baseline and TorchScript modules fail
 * alike, with the same messages.
 */
public final class EncoderChecks {
  private EncoderChecks() {}

  /**
   * Checks that the model is open.
   *
   * @throws IllegalStateException "model is closed" if {@code closed}
   */
  public static void checkOpen(boolean closed) {
    if (closed) {
      throw new IllegalStateException("model is closed");
    }
  }

  /**
   * Checks that a batch fits the model's positions.
   *
   * @throws IllegalArgumentException naming both lengths if the batch is longer
   */
  public static void checkLength(TokenBatch batch, int maxPositions) {
    if (batch.length() > maxPositions) {
      throw new IllegalArgumentException(
          "batch length " + batch.length() + " exceeds the model's " + maxPositions + " positions");
    }
  }

  /**
   * Checks that {@code logits} are asked of a cross-encoder.
   *
   * @param model names the model in the message
   * @throws IllegalStateException if {@code kind} is not {@link ModelKind#CROSS_ENCODER}
   */
  public static void checkCrossEncoder(ModelKind kind, String model) {
    if (kind != ModelKind.CROSS_ENCODER) {
      throw new IllegalStateException(
          "logits need a cross-encoder, but " + model + " is a " + kind);
    }
  }
}
