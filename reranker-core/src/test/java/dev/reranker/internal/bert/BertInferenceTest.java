package dev.reranker.internal.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import dev.reranker.internal.bert.BertInference.Lever;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.model.TokenBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every combination of inference levers computes what {@link BertBlock#forward} computes: on the
 * bundled MiniLM against ONNX Runtime, and on the tiny cross-encoder against PyTorch.
 */
class BertInferenceTest {
  static Stream<Set<Lever>> leverSets() {
    List<Set<Lever>> sets = new ArrayList<>();
    Lever[] all = Lever.values();
    for (int bits = 0; bits < 1 << all.length; bits++) {
      EnumSet<Lever> set = EnumSet.noneOf(Lever.class);
      for (int i = 0; i < all.length; i++) {
        if ((bits & (1 << i)) != 0) {
          set.add(all[i]);
        }
      }
      if (!set.contains(Lever.SCRIPTED) || set.contains(Lever.FUSED_QKV)) {
        sets.add(set); // SCRIPTED needs FUSED_QKV: see scriptedWithoutFusedQkvIsRefused
      }
    }
    return sets.stream();
  }

  @TempDir static Path tmp;
  static TokenBatch pairs;
  static float[] reference;

  @BeforeAll
  static void reference() throws Exception {
    BundledParityTest.load();
    pairs = BundledParityTest.encodePairs(BundledParityTest.PAIRS);
    reference = BundledParityTest.ortHiddenStates(pairs);
  }

  @AfterAll
  static void close() throws Exception {
    BundledParityTest.close();
  }

  @ParameterizedTest
  @MethodSource("leverSets")
  void everyLeverSetMatchesOnnxRuntimeOnRealTokens(Set<Lever> levers) {
    NativeBert bert = BundledParityTest.bert;
    bert.useLevers(levers);
    try {
      HostTensor ours = bert.hiddenStates(pairs);
      double max = 0;
      for (int row = 0; row < pairs.size(); row++) {
        for (int t = 0; t < pairs.length(); t++) {
          for (int k = 0; k < 384; k++) {
            int i = (row * pairs.length() + t) * 384 + k;
            if (t < pairs.rowLength(row)) {
              max = Math.max(max, Math.abs(ours.data()[i] - reference[i]));
            } else if (levers.contains(Lever.PACKED)) {
              assertThat(ours.data()[i]).as("padding position is zero when packed").isZero();
            }
          }
        }
      }
      assertThat(max).as("max |diff| vs ONNX Runtime with %s", levers).isLessThanOrEqualTo(1e-4);
    } finally {
      bert.useLevers(Lever.ALL);
    }
  }

  @Test
  void packedEmbeddingsEqualUnpackedOnesAndEachRowAlone() throws Exception {
    NativeBert bert = BundledParityTest.bert;
    float[][] packed = bert.embed(pairs);
    bert.useLevers(Set.of(Lever.PRETRANSPOSED, Lever.FUSED_QKV));
    float[][] unpacked;
    try {
      unpacked = bert.embed(pairs);
    } finally {
      bert.useLevers(Lever.ALL);
    }
    assertClose(packed, unpacked, 1e-5);
    for (int i : new int[] {0, 6, 23}) {
      float[][] alone =
          bert.embed(
              BundledParityTest.encodePairs(
                  java.util.Collections.singletonList(BundledParityTest.PAIRS.get(i))));
      assertClose(new float[][] {alone[0]}, new float[][] {packed[i]}, 1e-5);
    }
  }

  @Test
  void scriptedWithoutFusedQkvIsRefused() {
    assertThatThrownBy(() -> BundledParityTest.bert.useLevers(Set.of(Lever.SCRIPTED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SCRIPTED needs FUSED_QKV");
    BundledParityTest.bert.useLevers(Lever.ALL);
  }

  @Test
  void theDefaultForwardIsScriptedWithOneDnnOnCpu() {
    NativeBert bert = BundledParityTest.bert;
    bert.embed(pairs);
    assertThat(bert.inference().levers()).isEqualTo(Lever.ALL);
    assertThat(bert.inference().scriptedOneDnn()).isTrue();
  }

  @Test
  void thePlainLinearScriptAgreesWithTheOneDnnOne() {
    // The variant a GPU (or a libtorch without oneDNN) runs, here on the CPU in float32.
    NativeBert bert = BundledParityTest.bert;
    float[][] oneDnn = bert.embed(pairs);
    try (BertInference plain =
            new BertInference(
                bert.block(),
                Lever.ALL,
                bert.djlModel().getNDManager(),
                List.of(false),
                true,
                Set.of(),
                Set.of());
        ai.djl.ndarray.NDManager m = bert.djlModel().getNDManager().newSubManager()) {
      assertThat(plain.scriptedOneDnn()).isFalse();
      assertThat(plain.levers()).contains(Lever.SCRIPTED);
      float[] flat = plain.forward(m, pairs, BertInference.Output.POOLED_MEAN).toFloatArray();
      assertClose(rows(flat, pairs.size()), oneDnn, 1e-5);
    }
  }

  private static float[][] rows(float[] flat, int n) {
    float[][] rows = new float[n][flat.length / n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * rows[i].length, rows[i], 0, rows[i].length);
    }
    return rows;
  }

  @Test
  void withoutACompiledScriptTheForwardRunsOperatorByOperator() {
    // What happens when libtorch cannot compile the module: no variant left to try.
    NativeBert bert = BundledParityTest.bert;
    float[][] scripted = bert.embed(pairs);
    try (BertInference fallback =
            new BertInference(
                bert.block(),
                Lever.ALL,
                bert.djlModel().getNDManager(),
                List.of(),
                true,
                Set.of(),
                Set.of());
        ai.djl.ndarray.NDManager m = bert.djlModel().getNDManager().newSubManager()) {
      assertThat(fallback.levers()).doesNotContain(Lever.SCRIPTED).contains(Lever.PACKED);
      float[] flat = fallback.forward(m, pairs, BertInference.Output.POOLED_MEAN).toFloatArray();
      assertClose(rows(flat, pairs.size()), scripted, 1e-5);
    }
  }

  @Test
  void theDefaultForwardPassesItsLoadTimeCheck() {
    BertInference.Verification v = BundledParityTest.bert.prepare();
    assertThat(v.path()).isEqualTo(BertInference.ForwardPath.SCRIPTED_ONEDNN);
    assertThat(v.checked()).isTrue();
    assertThat(v.rejected()).isEmpty();
    assertThat(v.maxDiff()).isGreaterThan(0).isLessThan(1e-4);
    assertThat(v.toString()).startsWith("forward=scripted, oneDNN (checked: max |diff| ");
    System.out.println("load-time check, bundled MiniLM: " + v);
  }

  @Test
  void aForwardThatDisagreesWithTheReferenceGivesWayToTheNextPath() {
    // The oneDNN script is compiled wrong on purpose (attention scale doubled), as a faulty kernel
    // would compute: the check drops it for the plain-linear script, which is right.
    BertInference.Verification v =
        assertFallsBackTo(
            BertInference.ForwardPath.SCRIPTED_LINEAR, BertInference.ForwardPath.SCRIPTED_ONEDNN);
    assertThat(v.rejected().get(BertInference.ForwardPath.SCRIPTED_ONEDNN))
        .startsWith("max |diff| ");
    assertThat(v.toString()).contains("forward=scripted, linear").contains("rejected");
  }

  @Test
  void whenBothScriptsDisagreeTheForwardRunsOperatorByOperator() {
    assertFallsBackTo(
        BertInference.ForwardPath.OPERATORS,
        BertInference.ForwardPath.SCRIPTED_ONEDNN,
        BertInference.ForwardPath.SCRIPTED_LINEAR);
  }

  /** Builds a checked forward with {@code sabotaged} paths: it runs {@code expected}, correctly. */
  private static BertInference.Verification assertFallsBackTo(
      BertInference.ForwardPath expected, BertInference.ForwardPath... sabotaged) {
    NativeBert bert = BundledParityTest.bert;
    float[][] reference = bert.embed(pairs);
    try (BertInference checked =
            new BertInference(
                bert.block(),
                Lever.ALL,
                bert.djlModel().getNDManager(),
                List.of(true, false),
                true,
                Set.of(),
                Set.of(sabotaged));
        ai.djl.ndarray.NDManager m = bert.djlModel().getNDManager().newSubManager()) {
      BertInference.Verification v = checked.verification();
      assertThat(v.path()).isEqualTo(expected);
      assertThat(v.rejected()).containsOnlyKeys(sabotaged);
      assertThat(checked.levers().contains(Lever.SCRIPTED))
          .isEqualTo(expected != BertInference.ForwardPath.OPERATORS);
      float[] flat = checked.forward(m, pairs, BertInference.Output.POOLED_MEAN).toFloatArray();
      assertClose(rows(flat, pairs.size()), reference, 1e-5);
      return v;
    }
  }

  @Test
  void withoutTheCheckAFaultyForwardWouldServeWrongScores() {
    // What the check guards against: the same sabotaged script, unchecked, is used and is wrong.
    NativeBert bert = BundledParityTest.bert;
    float[][] expected = bert.embed(pairs);
    try (BertInference unchecked =
            new BertInference(
                bert.block(),
                Lever.ALL,
                bert.djlModel().getNDManager(),
                List.of(true, false),
                false,
                Set.of(),
                Set.of(BertInference.ForwardPath.SCRIPTED_ONEDNN));
        ai.djl.ndarray.NDManager m = bert.djlModel().getNDManager().newSubManager()) {
      assertThat(unchecked.verification().path())
          .isEqualTo(BertInference.ForwardPath.SCRIPTED_ONEDNN);
      assertThat(unchecked.verification().checked()).isFalse();
      float[] flat = unchecked.forward(m, pairs, BertInference.Output.POOLED_MEAN).toFloatArray();
      float[][] wrong = rows(flat, pairs.size());
      double max = 0;
      for (int i = 0; i < wrong.length; i++) {
        for (int k = 0; k < wrong[i].length; k++) {
          max = Math.max(max, Math.abs(wrong[i][k] - expected[i][k]));
        }
      }
      assertThat(max).isGreaterThan(1e-2);
    }
  }

  @Test
  void theProbeBatchesCoverPaddingTwoAttentionGroupsAndNoPadding() {
    dev.reranker.model.BertConfig config = BundledParityTest.bert.config();
    List<TokenBatch> probes = BertInference.probeBatches(config);
    assertThat(probes).hasSize(2);
    int[] lengths = new int[probes.get(0).size()];
    for (int r = 0; r < lengths.length; r++) {
      lengths[r] = probes.get(0).rowLength(r);
    }
    java.util.Arrays.sort(lengths);
    assertThat(BertInference.splitAt(lengths)).isPositive();
    assertThat(probes.get(1).rowLength(0)).isEqualTo(probes.get(1).length());
    assertThat(probes.get(0).typeIds()).contains(0L, 1L);
  }

  @Test
  void concurrentScriptedForwardsAgreeWithSequentialOnes() throws Exception {
    NativeBert bert = BundledParityTest.bert;
    List<TokenBatch> batches = new ArrayList<>();
    for (int i = 0; i < BundledParityTest.PAIRS.size(); i += 3) {
      batches.add(
          BundledParityTest.encodePairs(
              BundledParityTest.PAIRS.subList(
                  i, Math.min(i + 1 + i % 5, BundledParityTest.PAIRS.size()))));
    }
    List<float[][]> sequential = new ArrayList<>();
    for (TokenBatch b : batches) {
      sequential.add(bert.embed(b));
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 3; round++) {
        List<java.util.concurrent.Future<float[][]>> futures = new ArrayList<>();
        for (TokenBatch b : batches) {
          futures.add(pool.submit(() -> bert.embed(b)));
        }
        for (int i = 0; i < batches.size(); i++) {
          assertClose(futures.get(i).get(), sequential.get(i), 1e-6);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rebuildingTheForwardLeavesNoNativeArraysBehind() {
    NativeBert bert = BundledParityTest.bert;
    bert.embed(pairs);
    int before = bert.djlModel().getNDManager().getManagedArrays().size();
    for (int i = 0; i < 5; i++) {
      bert.weightsChanged(); // closes the forward: its weight copies and the scripted module
      bert.embed(pairs);
    }
    assertThat(bert.djlModel().getNDManager().getManagedArrays()).hasSize(before);
  }

  @Test
  void aLongRowAmongShortOnesGetsItsOwnAttentionGroup() {
    int[] request = new int[21];
    java.util.Arrays.fill(request, 8);
    request[20] = 60; // a bi-encoder request: replies, then the context (sorted by length)
    assertThat(BertInference.splitAt(request)).isEqualTo(20);
    assertThat(BertInference.splitAt(new int[] {30, 31, 32})).isZero(); // nothing to save
    assertThat(BertInference.splitAt(new int[] {12})).isZero();
  }

  @Test
  void splitAttentionGroupsComputeWhatTheTrainingForwardDoes() {
    // One 60-token row among twenty 4-to-11-token rows: attention runs in two groups.
    long[][] ids = new long[21][];
    long[][] types = new long[21][];
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int i = 0; i < ids.length; i++) {
      int n = i == 7 ? 60 : 4 + random.nextInt(8);
      ids[i] = new long[n];
      types[i] = new long[n];
      for (int t = 0; t < n; t++) {
        ids[i][t] = t == 0 ? 101 : t == n - 1 ? 102 : 1000 + random.nextInt(20_000);
      }
    }
    TokenBatch batch = TokenBatch.pad(ids, types, 0);
    NativeBert bert = BundledParityTest.bert;
    float[][] fast = bert.embed(batch);
    HostTensor hidden = bert.hiddenStates(batch);
    bert.useLevers(Set.of());
    try {
      assertClose(fast, bert.embed(batch), 1e-5);
      HostTensor eager = bert.hiddenStates(batch);
      double max = 0;
      for (int row = 0; row < batch.size(); row++) {
        for (int t = 0; t < batch.rowLength(row); t++) {
          for (int k = 0; k < 384; k++) {
            int i = (row * batch.length() + t) * 384 + k;
            max = Math.max(max, Math.abs(hidden.data()[i] - eager.data()[i]));
          }
        }
      }
      assertThat(max).isLessThanOrEqualTo(1e-4);
    } finally {
      bert.useLevers(Lever.ALL);
    }
  }

  @Test
  void aMaskWithHolesRunsUnpackedAndMatchesTheTrainingForward() {
    // Real tokens that are not a prefix of their row: packing does not apply, results still agree.
    TokenBatch holes =
        new TokenBatch(
            pairs.size(),
            pairs.length(),
            pairs.inputIds(),
            pairs.typeIds(),
            pairs.attentionMask().clone());
    holes.attentionMask()[3] = 0; // row 0, token 3
    NativeBert bert = BundledParityTest.bert;
    float[][] fast = bert.embed(holes);
    bert.useLevers(Set.of());
    try {
      assertClose(fast, bert.embed(holes), 1e-5);
    } finally {
      bert.useLevers(Lever.ALL);
    }
  }

  @ParameterizedTest
  @MethodSource("leverSets")
  void crossEncoderLogitsMatchPyTorchWithEveryLeverSet(Set<Lever> levers) throws Exception {
    Path checkpoint = tinyCheckpoint();
    JsonObject json = TinyBertCheckpointTest.expected();
    try (NativeBert bert = NativeBert.loadCheckpoint(checkpoint, Device.cpu())) {
      bert.useLevers(levers);
      double diff =
          TinyBertCheckpointTest.maxLogitDiff(
              bert.logits(TinyBertCheckpointTest.expectedInputs(json)), json);
      assertThat(diff).as("max |logit diff| with %s", levers).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void weightsChangedMakesTheNextForwardSeeUpdatedParameters() throws Exception {
    Path checkpoint = tinyCheckpoint();
    TokenBatch batch = TinyBertCheckpointTest.expectedInputs(TinyBertCheckpointTest.expected());
    try (NativeBert bert = NativeBert.loadCheckpoint(checkpoint, Device.cpu())) {
      float[][] before = bert.logits(batch);
      // An in-place update of a weight the fast forward copies, as an optimizer step makes it.
      NDArray bias =
          bert.block()
              .getDirectParameters()
              .get("encoder.layer.0.attention.self.query.bias")
              .getArray();
      bias.addi(0.5f);
      bert.weightsChanged();
      float[][] after = bert.logits(batch);
      bert.useLevers(Set.of()); // the training forward reads the parameters themselves
      float[][] eager = bert.logits(batch);
      assertClose(after, eager, 1e-5);
      assertThat(Math.abs(after[0][0] - before[0][0])).isGreaterThan(1e-4f);
    }
  }

  static Stream<Set<Lever>> noneAndAll() {
    return Stream.of(Set.of(), Lever.ALL);
  }

  @ParameterizedTest
  @MethodSource("noneAndAll")
  void aFloat16CopyAgreesWithFloat32(Set<Lever> levers) {
    // The mixedPrecision path: the same forward on half-precision weights (CPU here, CUDA in use).
    try (NativeBert half =
        BundledParityTest.bert.withPrecision(ai.djl.ndarray.types.DataType.FLOAT16)) {
      half.useLevers(levers);
      assertClose(half.embed(pairs), BundledParityTest.bert.embed(pairs), 1e-2);
    }
  }

  /** A copy of the tiny-bert fixture (a cross-encoder) with the bundled tokenizer. */
  private static Path tinyCheckpoint() throws java.io.IOException {
    Path checkpoint = Files.createTempDirectory(tmp, "tiny");
    for (String file : List.of("config.json", "model.safetensors")) {
      Files.copy(TinyBertCheckpointTest.FIXTURE.resolve(file), checkpoint.resolve(file));
    }
    Files.writeString(
        checkpoint.resolve("tokenizer.json"),
        dev.reranker.internal.onnx.BundledModel.tokenizerJson());
    return checkpoint;
  }

  private static void assertClose(float[][] a, float[][] b, double tolerance) {
    assertThat(a.length).isEqualTo(b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < a[i].length; k++) {
        max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
      }
    }
    assertThat(max).isLessThanOrEqualTo(tolerance);
  }
}
