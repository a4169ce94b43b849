package dev.reranker.model;

import dev.reranker.Calibration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded encoder holding native memory: the native BERT on DJL's PyTorch engine, or a TorchScript
 * module. Obtain one from {@link RerankerModel#load()} and close it when done.
 *
 * <p>Thread safety: {@link #logits} and {@link #embed} may be called from several threads at once;
 * each call allocates its own native arrays and frees them before it returns. {@link #close()} must
 * not race with them.
 */
public interface EncoderModel extends AutoCloseable {

  /** Returns whether this is a cross-encoder (logits) or a bi-encoder (embeddings). */
  ModelKind kind();

  /**
   * Returns the label names of a cross-encoder's logits, in order ({@code id2label}); empty for a
   * bi-encoder.
   */
  List<String> labels();

  /** Returns the content of the model's {@code tokenizer.json}. */
  String tokenizerJson();

  /** Returns the longest sequence the model accepts (its position embedding count). */
  int maxPositions();

  /**
   * Runs a cross-encoder on a batch of pair sequences.
   *
   * @return logits, {@code [batch.size()][labels().size()]}
   * @throws IllegalStateException if this is not a cross-encoder or it is closed
   * @throws IllegalArgumentException if the batch is longer than {@link #maxPositions()}
   */
  float[][] logits(TokenBatch batch);

  /**
   * Runs the encoder and mean-pools each row over its unpadded tokens, L2-normalised.
   *
   * @return embeddings, {@code [batch.size()][hidden]}
   * @throws IllegalStateException if it is closed
   * @throws IllegalArgumentException if the batch is longer than {@link #maxPositions()}
   */
  float[][] embed(TokenBatch batch);

  /**
   * Saves the model as a HuggingFace checkpoint folder ({@code config.json}, float32 {@code
   * model.safetensors}, {@code tokenizer.json}) that {@link RerankerModel#checkpoint(Path)} reads
   * back exactly.
   *
   * @throws ModelLoadException if the folder cannot be written
   * @throws UnsupportedOperationException for TorchScript models, whose weights are opaque
   */
  void save(Path directory);

  /**
   * Returns the calibration fitted for this model and saved with it ({@code config.json} key {@code
   * reranker_calibration}), if any. {@link dev.reranker.Reranker} uses it unless its builder sets
   * one.
   */
  default Optional<Calibration> calibration() {
    return Optional.empty();
  }

  /**
   * Returns the blend of this cross-encoder's logit with bi-encoder evidence fitted for it and
   * saved with it ({@code config.json} key {@code reranker_evidence}), if any. {@link
   * dev.reranker.Reranker} applies it unless its builder turns {@link
   * dev.reranker.Reranker.Builder#evidence evidence} off.
   */
  default Optional<EvidenceBlend> evidence() {
    return Optional.empty();
  }

  /**
   * Describes the loaded model and how it runs: for the native BERT, which forward path is active
   * and the outcome of its load-time check against the reference forward (building the forward if
   * it is not built yet).
   */
  default String description() {
    return kind() == ModelKind.CROSS_ENCODER ? "cross-encoder" : "bi-encoder";
  }

  /** Frees the model's native memory. Idempotent. */
  @Override
  void close();
}
