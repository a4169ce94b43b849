package dev.reranker.internal.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The talk's QA-LSTM baseline as served: its size, its forward pass against a plain-Java LSTM and
 * its checkpoint through {@link RerankerModel}. Training it: reranker-training's {@code
 * QaLstmBaselineTest}.
 */
class QaLstmModelTest {
  @TempDir Path tmp;

  @Test
  void talkSizeIsAboutSevenMillionParameters() {
    BaselineConfig talk = BaselineConfig.talk();
    assertThat(talk.parameterCount(1)).isEqualTo(7_042_897L);
    try (QaLstmModel model =
        QaLstmModel.random(
            talk, List.of("upvote"), BundledModel.tokenizerJson(), 1, Device.cpu())) {
      assertThat(model.parameterCount()).isEqualTo(talk.parameterCount(1));
      assertThat(model.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
    }
  }

  /** Rows: [CLS] context [SEP] reply [SEP]; the second row is padded; the third has no context. */
  static TokenBatch batch() {
    return TokenBatch.pad(
        new long[][] {
          {101, 2000, 2001, 2002, 102, 3000, 3001, 102},
          {101, 2003, 102, 3002, 3003, 3004, 3005, 102},
          {101, 102, 3006, 102}
        },
        new long[][] {
          {0, 0, 0, 0, 0, 1, 1, 1},
          {0, 0, 0, 1, 1, 1, 1, 1},
          {0, 0, 1, 1}
        },
        0);
  }

  @Test
  void forwardMatchesAPlainJavaLstm() {
    BaselineConfig config = new BaselineConfig(30522, 8, 6, 16, 0.5f);
    try (QaLstmModel model =
        QaLstmModel.random(
            config, List.of("downvote", "upvote"), BundledModel.tokenizerJson(), 7, Device.cpu())) {
      float[][] logits = model.logits(batch());
      Map<String, HostTensor> w = model.weights();
      long[][] contexts = {{2000, 2001, 2002}, {2003}, {102}};
      long[][] replies = {{3000, 3001}, {3002, 3003, 3004, 3005}, {3006}};
      for (int row = 0; row < 3; row++) {
        double[] c = encode(w, "context_encoder", contexts[row], config);
        double[] r = encode(w, "reply_encoder", replies[row], config);
        double[] expected = mlp(w, c, r, config);
        for (int k = 0; k < 2; k++) {
          assertThat((double) logits[row][k])
              .as("row %s logit %s", row, k)
              .isCloseTo(expected[k], within(1e-5));
        }
      }
      // a row scores the same alone as padded in a batch
      TokenBatch alone =
          TokenBatch.pad(
              new long[][] {{101, 2003, 102, 3002, 3003, 3004, 3005, 102}},
              new long[][] {{0, 0, 0, 1, 1, 1, 1, 1}},
              0);
      assertThat(model.logits(alone)[0][1]).isCloseTo(logits[1][1], within(1e-6f));
    }
  }

  private static double[] encode(
      Map<String, HostTensor> w, String name, long[] ids, BaselineConfig config) {
    long[] reversed = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      reversed[i] = ids[ids.length - 1 - i];
    }
    double[] forward = lstmMax(w, name, "", ids, config);
    double[] backward = lstmMax(w, name, "_reverse", reversed, config);
    double[] out = new double[2 * config.hiddenSize()];
    System.arraycopy(forward, 0, out, 0, forward.length);
    System.arraycopy(backward, 0, out, forward.length, backward.length);
    return out;
  }

  /** A PyTorch LSTM (gates i, f, g, o), max-pooled over time. */
  private static double[] lstmMax(
      Map<String, HostTensor> w, String name, String suffix, long[] ids, BaselineConfig config) {
    int h = config.hiddenSize();
    int e = config.embeddingDim();
    float[] emb = w.get("embeddings.weight").data();
    float[] wih = w.get(name + ".weight_ih_l0" + suffix).data();
    float[] whh = w.get(name + ".weight_hh_l0" + suffix).data();
    float[] bih = w.get(name + ".bias_ih_l0" + suffix).data();
    float[] bhh = w.get(name + ".bias_hh_l0" + suffix).data();
    double[] hidden = new double[h];
    double[] cell = new double[h];
    double[] max = new double[h];
    java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    for (long id : ids) {
      double[] gates = new double[4 * h];
      for (int g = 0; g < 4 * h; g++) {
        double s = bih[g] + bhh[g];
        for (int k = 0; k < e; k++) {
          s += wih[g * e + k] * emb[(int) id * e + k];
        }
        for (int k = 0; k < h; k++) {
          s += whh[g * h + k] * hidden[k];
        }
        gates[g] = s;
      }
      for (int k = 0; k < h; k++) {
        double i = sigmoid(gates[k]);
        double f = sigmoid(gates[h + k]);
        double g = Math.tanh(gates[2 * h + k]);
        double o = sigmoid(gates[3 * h + k]);
        cell[k] = f * cell[k] + i * g;
        hidden[k] = o * Math.tanh(cell[k]);
        max[k] = Math.max(max[k], hidden[k]);
      }
    }
    return max;
  }

  private static double[] mlp(
      Map<String, HostTensor> w, double[] c, double[] r, BaselineConfig config) {
    int width = c.length;
    double[] features = new double[4 * width];
    for (int k = 0; k < width; k++) {
      features[k] = c[k];
      features[width + k] = r[k];
      features[2 * width + k] = c[k] * r[k];
      features[3 * width + k] = Math.abs(c[k] - r[k]);
    }
    double[] hidden = linear(w, "mlp", features, config.mlpHiddenSize());
    for (int k = 0; k < hidden.length; k++) {
      hidden[k] = Math.max(0, hidden[k]);
    }
    return linear(w, "classifier", hidden, 2);
  }

  private static double[] linear(Map<String, HostTensor> w, String name, double[] x, int out) {
    float[] weight = w.get(name + ".weight").data();
    float[] bias = w.get(name + ".bias").data();
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = bias[o];
      for (int k = 0; k < x.length; k++) {
        s += weight[o * x.length + k] * x[k];
      }
      y[o] = s;
    }
    return y;
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Test
  void checkpointRoundTripsThroughRerankerModel() throws IOException {
    BaselineConfig config = new BaselineConfig(30522, 8, 6, 16, 0.1f);
    Path dir = tmp.resolve("baseline");
    float[][] before;
    try (QaLstmModel model =
        QaLstmModel.random(
            config, List.of("upvote"), BundledModel.tokenizerJson(), 3, Device.cpu())) {
      model.setCalibration(dev.reranker.Calibration.platt(0.5f, -0.25f));
      before = model.logits(batch());
      model.save(dir);
    }
    assertThat(Files.readString(dir.resolve("config.json")))
        .contains("\"model_type\": \"qa-lstm-dual-encoder\"")
        .contains("\"reranker_calibration\"");
    try (EncoderModel loaded = RerankerModel.checkpoint(dir).load()) {
      assertThat(loaded).isInstanceOf(QaLstmModel.class);
      assertThat(loaded.labels()).containsExactly("upvote");
      assertThat(loaded.calibration()).contains(dev.reranker.Calibration.platt(0.5f, -0.25f));
      assertThat(loaded.logits(batch())).isDeepEqualTo(before);
    }
    Files.writeString(dir.resolve("model.safetensors"), "x");
    assertThatThrownBy(() -> RerankerModel.checkpoint(dir).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors");
  }
}
