package dev.reranker.internal.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.reranker.internal.bert.BertInference.ForwardPath;
import dev.reranker.internal.bert.BertInference.Lever;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.Quantization;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Quantization#INT8}: the dynamic int8 forward runs where it can, stays within a stated
 * distance of float32 on real pairs (the bundled MiniLM's embeddings of {@link
 * BundledParityTest#PAIRS}), and gives way to float32 where it cannot run or computes wrong.
 */
class QuantizationTest {
  static NativeBert bert;
  static TokenBatch pairs;
  static float[][] float32;

  @BeforeAll
  static void load() throws Exception {
    bert = BundledModel.load(Device.cpu());
    pairs = BundledParityTest.encodePairs(BundledParityTest.PAIRS);
    float32 = bert.embed(pairs);
    bert.quantization(Quantization.INT8);
  }

  @AfterAll
  static void close() {
    bert.close();
  }

  @Test
  void int8RunsTheScriptedInt8ForwardAndPassesItsCheck() {
    BertInference.Verification v = bert.prepare();
    System.out.println("load-time check, bundled MiniLM in int8: " + v);
    assertThat(bert.quantization()).isEqualTo(Quantization.INT8);
    assertThat(v.path()).isEqualTo(ForwardPath.SCRIPTED_INT8);
    assertThat(v.checked()).isTrue();
    assertThat(v.rejected()).isEmpty();
    // Quantized for real (float32 differs by 1e-5), and far below what a wrong kernel gives.
    assertThat(v.maxDiff()).isGreaterThan(1e-2).isLessThan(1.5);
    assertThat(bert.description()).contains("forward=scripted, int8");
  }

  @Test
  void int8EmbeddingsStayCloseToFloat32OnRealPairs() {
    float[][] int8 = bert.embed(pairs);
    double min = 1;
    double sum = 0;
    for (int i = 0; i < int8.length; i++) {
      double cos = dot(int8[i], float32[i]); // both L2-normalised
      min = Math.min(min, cos);
      sum += cos;
    }
    double mean = sum / int8.length;
    System.out.printf(
        "int8 vs float32 on %d real pairs: cosine min %.4f mean %.4f%n", int8.length, min, mean);
    // Measured 0.970 / 0.9915 (AVX-512 kernels) and 0.972 / 0.9913 (fbgemm capped to AVX2).
    assertThat(min).isGreaterThan(0.95).isLessThan(0.9999);
    assertThat(mean).isGreaterThan(0.985);
  }

  @Test
  void concurrentInt8ForwardsOfOneBatchAgree() throws Exception {
    float[][] alone = bert.embed(pairs);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[][]>> runs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        runs.add(pool.submit(() -> bert.embed(pairs)));
      }
      for (Future<float[][]> run : runs) {
        assertThat(run.get()).isDeepEqualTo(alone);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFaultyInt8ForwardGivesWayToFloat32() {
    // The int8 script compiled wrong on purpose (attention scale doubled): the check drops it.
    try (BertInference checked =
            new BertInference(
                bert.block(),
                Lever.ALL,
                bert.djlModel().getNDManager(),
                List.of(true, false),
                true,
                BertInference.INT8_LAYERS,
                Set.of(ForwardPath.SCRIPTED_INT8));
        NDManager m = bert.djlModel().getNDManager().newSubManager()) {
      BertInference.Verification v = checked.verification();
      assertThat(v.path()).isEqualTo(ForwardPath.SCRIPTED_ONEDNN);
      assertThat(v.rejected()).containsOnlyKeys(ForwardPath.SCRIPTED_INT8);
      assertThat(v.rejected().get(ForwardPath.SCRIPTED_INT8)).startsWith("max |diff| ");
      float[] flat = checked.forward(m, pairs, BertInference.Output.POOLED_MEAN).toFloatArray();
      int h = float32[0].length;
      for (int i = 0; i < float32.length; i++) {
        for (int k = 0; k < h; k++) {
          assertThat((double) flat[i * h + k])
              .isCloseTo(float32[i][k], org.assertj.core.data.Offset.offset(1e-5));
        }
      }
    }
  }

  @Test
  void aHalfPrecisionModelKeepsItsOwnForward() {
    try (NativeBert half = bert.withPrecision(DataType.FLOAT16)) {
      half.quantization(Quantization.INT8);
      assertThat(half.prepare().path()).isNotEqualTo(ForwardPath.SCRIPTED_INT8);
      assertThat(half.embed(pairs)).hasNumberOfRows(pairs.size());
    }
  }

  @Test
  void withoutTheScriptedLeverInt8IsOff() {
    try (BertInference operators =
        new BertInference(
            bert.block(),
            Set.of(Lever.PRETRANSPOSED, Lever.FUSED_QKV, Lever.PACKED),
            bert.djlModel().getNDManager(),
            true,
            true)) {
      assertThat(operators.verification().path()).isEqualTo(ForwardPath.OPERATORS);
    }
  }

  @Test
  void backToNoneRestoresFloat32() {
    try (NativeBert copy = bert.withPrecision(DataType.FLOAT32)) {
      copy.quantization(Quantization.INT8);
      assertThat(copy.prepare().path()).isEqualTo(ForwardPath.SCRIPTED_INT8);
      copy.quantization(Quantization.NONE);
      assertThat(copy.prepare().path()).isEqualTo(ForwardPath.SCRIPTED_ONEDNN);
      float[][] again = copy.embed(pairs);
      for (int i = 0; i < again.length; i++) {
        assertThat(dot(again[i], float32[i])).isGreaterThan(1 - 1e-6);
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += (double) a[k] * b[k];
    }
    return s;
  }
}
