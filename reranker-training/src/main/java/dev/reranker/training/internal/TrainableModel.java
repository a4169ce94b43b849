package dev.reranker.training.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.reranker.Calibration;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.TokenBatch;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A cross-encoder the trainer can fine-tune: its DJL model (whose block owns the parameters), how a
 * pair batch becomes the block's inputs, and where the logits are in its outputs.
 */
public interface TrainableModel extends EncoderModel {

  /** Returns the DJL model whose block holds the parameters. */
  Model djlModel();

  /** Returns input shapes for {@code Trainer.initialize}: any batch and length will do. */
  Shape[] initShapes();

  /** Returns the block's inputs for a cross-encoder pair batch, created in {@code manager}. */
  NDList inputs(NDManager manager, TokenBatch batch);

  /** Returns the logits, {@code [batch, labels]}, of the block's outputs. */
  NDArray logits(NDList outputs);

  /**
   * Tells the model its parameters were updated in place, so that inference copies of them (see
   * {@code BertInference}) are rebuilt before the next evaluation. Nothing to do by default.
   */
  default void weightsChanged() {}

  /** Returns the number of trainable values. */
  long parameterCount();

  /** Sets the calibration saved with the model and reported by {@link #calibration()}. */
  void setCalibration(@Nullable Calibration calibration);

  /** Saves as a checkpoint folder, adding {@code extra} entries to its {@code config.json}. */
  void save(Path directory, JsonObject extra);
}
