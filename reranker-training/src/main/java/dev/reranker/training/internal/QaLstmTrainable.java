package dev.reranker.training.internal;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import dev.reranker.Calibration;
import dev.reranker.internal.lstm.QaLstmModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The QA-LSTM baseline as a {@link TrainableModel}; owns (and closes) the model. */
public final class QaLstmTrainable implements TrainableModel {
  private final QaLstmModel lstm;

  /** Wraps a baseline. */
  public QaLstmTrainable(QaLstmModel lstm) {
    this.lstm = lstm;
  }

  /** Returns the wrapped model. */
  public QaLstmModel lstm() {
    return lstm;
  }

  @Override
  public Model djlModel() {
    return lstm.djlModel();
  }

  @Override
  public Shape[] initShapes() {
    Shape s = new Shape(1, 4);
    return new Shape[] {s, s, s, s, s, s};
  }

  @Override
  public NDList inputs(NDManager manager, TokenBatch batch) {
    return lstm.inputs(manager, batch);
  }

  @Override
  public NDArray logits(NDList outputs) {
    return outputs.get(0);
  }

  @Override
  public long parameterCount() {
    return lstm.parameterCount();
  }

  @Override
  public void setCalibration(@Nullable Calibration calibration) {
    lstm.setCalibration(calibration);
  }

  @Override
  public Optional<Calibration> calibration() {
    return lstm.calibration();
  }

  @Override
  public void save(Path directory, JsonObject extra) {
    lstm.save(directory, extra);
  }

  @Override
  public ModelKind kind() {
    return lstm.kind();
  }

  @Override
  public List<String> labels() {
    return lstm.labels();
  }

  @Override
  public String tokenizerJson() {
    return lstm.tokenizerJson();
  }

  @Override
  public int maxPositions() {
    return lstm.maxPositions();
  }

  @Override
  public float[][] logits(TokenBatch batch) {
    return lstm.logits(batch);
  }

  @Override
  public float[][] embed(TokenBatch batch) {
    return lstm.embed(batch);
  }

  @Override
  public void save(Path directory) {
    lstm.save(directory);
  }

  @Override
  public void close() {
    lstm.close();
  }

  @Override
  public String toString() {
    return lstm.toString();
  }
}
