package dev.reranker.training.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import dev.reranker.Calibration;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The native BERT cross-encoder as a {@link TrainableModel}; owns (and closes) the BERT. */
public final class BertTrainable implements TrainableModel {
  private final NativeBert bert;

  /**
   * Wraps a cross-encoder.
   *
   * @throws IllegalArgumentException if {@code bert} has no classifier
   */
  public BertTrainable(NativeBert bert) {
    if (bert.kind() != ModelKind.CROSS_ENCODER) {
      throw new IllegalArgumentException("training needs a classifier head: add one first");
    }
    this.bert = bert;
  }

  /** Returns the wrapped model. */
  public NativeBert bert() {
    return bert;
  }

  @Override
  public Model djlModel() {
    return bert.djlModel();
  }

  @Override
  public Shape[] initShapes() {
    return new Shape[] {new Shape(1, 8), new Shape(1, 8), new Shape(1, 8)};
  }

  @Override
  public NDList inputs(NDManager manager, TokenBatch batch) {
    Shape shape = new Shape(batch.size(), batch.length());
    return new NDList(
        manager.create(batch.inputIds(), shape),
        manager.create(batch.typeIds(), shape),
        manager.create(batch.attentionMask(), shape));
  }

  @Override
  public NDArray logits(NDList outputs) {
    return outputs.get(2);
  }

  @Override
  public long parameterCount() {
    long n = 0;
    for (Parameter p : bert.block().getParameters().values()) {
      n += p.getArray().getShape().size();
    }
    return n;
  }

  @Override
  public void setCalibration(@Nullable Calibration calibration) {
    bert.setCalibration(calibration);
  }

  @Override
  public Optional<Calibration> calibration() {
    return bert.calibration();
  }

  @Override
  public void save(Path directory, JsonObject extra) {
    bert.save(directory, extra);
  }

  @Override
  public ModelKind kind() {
    return bert.kind();
  }

  @Override
  public List<String> labels() {
    return bert.labels();
  }

  @Override
  public String tokenizerJson() {
    return bert.tokenizerJson();
  }

  @Override
  public int maxPositions() {
    return bert.maxPositions();
  }

  @Override
  public void weightsChanged() {
    bert.weightsChanged();
  }

  @Override
  public float[][] logits(TokenBatch batch) {
    return bert.logits(batch);
  }

  @Override
  public float[][] embed(TokenBatch batch) {
    return bert.embed(batch);
  }

  @Override
  public void save(Path directory) {
    bert.save(directory);
  }

  @Override
  public void close() {
    bert.close();
  }

  @Override
  public String toString() {
    var c = bert.config();
    return String.format(
        java.util.Locale.ROOT,
        "BERT cross-encoder (%d layers, hidden %d, %.1fM parameters, labels %s)",
        c.numLayers(),
        c.hiddenSize(),
        parameterCount() / 1e6,
        c.labels());
  }
}
