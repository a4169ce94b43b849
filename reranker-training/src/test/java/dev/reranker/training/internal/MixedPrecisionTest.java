package dev.reranker.training.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.BertConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One mixed-precision step on a tiny BERT on the CPU, where libtorch runs float16 forward and
 * backward: gradients match float32's, an overflow skips the step, an update reaches the float32
 * master weights and the float16 copy.
 */
class MixedPrecisionTest {
  private static final int BATCH = 4;
  private static final int LENGTH = 12;

  private NativeBert master;

  @BeforeEach
  void createMaster() {
    BertConfig config = new BertConfig(30522, 32, 2, 2, 64, 128, 2, 1e-12f, List.of("upvote"));
    master =
        NativeBert.withRandomRest(config, Map.of(), BundledModel.tokenizerJson(), 11, Device.cpu());
  }

  @AfterEach
  void closeMaster() {
    master.close();
  }

  private static Optimizer adamW() {
    return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-2f)).build();
  }

  /** The loss of a fixed batch, without dropout, so that two forwards compare exactly. */
  private static NDArray loss(Block block, NDManager manager) {
    long[] ids = new long[BATCH * LENGTH];
    long[] types = new long[BATCH * LENGTH];
    long[] mask = new long[BATCH * LENGTH];
    for (int i = 0; i < ids.length; i++) {
      int position = i % LENGTH;
      ids[i] = 1000 + (i * 7919L) % 5000;
      types[i] = position >= LENGTH / 2 ? 1 : 0;
      mask[i] = position < LENGTH - i / LENGTH ? 1 : 0; // some padding
    }
    Shape shape = new Shape(BATCH, LENGTH);
    NDList inputs =
        new NDList(
            manager.create(ids, shape), manager.create(types, shape), manager.create(mask, shape));
    NDArray logits = block.forward(new ParameterStore(manager, false), inputs, false).get(2);
    NDList labels =
        new NDList(
            manager.create(new float[] {1, 0, 1, 0}, new Shape(BATCH, 1)),
            manager.ones(new Shape(BATCH, 1)));
    return new ReactionLoss().evaluate(labels, new NDList(logits));
  }

  private static float[] floats(NDArray array) {
    try (NDArray copy = array.toType(DataType.FLOAT32, true)) {
      return copy.toFloatArray();
    }
  }

  private static float maxAbsDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static float[] roundedToHalf(NDArray array) {
    try (NDArray half = array.toType(DataType.FLOAT16, true)) {
      return floats(half);
    }
  }

  @Test
  void gradientsMatchFloat32AndTheUpdateReachesMasterAndCopy() {
    Map<String, HostTensor> before = master.weights();
    try (NativeBert reference = master.withPrecision(DataType.FLOAT32);
        MixedPrecision mixed =
            new MixedPrecision(master, DataType.FLOAT16, adamW(), new LossScaler(1024f, 2000));
        NDManager manager = mixed.workingModel().getNDManager().newSubManager()) {
      Block working = mixed.workingModel().getBlock();
      assertThat(working.getParameters().valueAt(0).getArray().getDataType())
          .isEqualTo(DataType.FLOAT16);
      List<Parameter> referenceParams = new ArrayList<>();
      for (Parameter p : reference.block().getParameters().values()) {
        p.getArray().setRequiresGradient(true);
        referenceParams.add(p);
      }
      double referenceNorm;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(loss(reference.block(), manager));
      }
      referenceNorm = Gradients.clipByGlobalNorm(referenceParams, 0, 1, manager);

      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss = loss(working, manager);
        assertThat(loss.getDataType()).isEqualTo(DataType.FLOAT32);
        collector.backward(mixed.scale(loss));
      }
      MixedPrecision.Step step = mixed.step(0, manager);

      assertThat(step.applied()).isTrue();
      assertThat(step.lossScale()).isEqualTo(1024f);
      assertThat(referenceNorm).isGreaterThan(1e-3);
      assertThat(step.gradNorm()).isCloseTo(referenceNorm, within(0.01 * referenceNorm));
      assertThat(mixed.scaler().skippedSteps()).isZero();

      Map<String, HostTensor> after = master.weights();
      assertThat(
              maxAbsDifference(
                  after.get("classifier.weight").data(), before.get("classifier.weight").data()))
          .isGreaterThan(1e-3f);
      for (Pair<String, Parameter> p : master.block().getParameters()) {
        NDArray masterArray = p.getValue().getArray();
        assertThat(masterArray.getDataType()).isEqualTo(DataType.FLOAT32);
        assertThat(masterArray.hasGradient()).isFalse();
        NDArray copy = working.getParameters().get(p.getKey()).getArray();
        assertThat(copy.getDataType()).isEqualTo(DataType.FLOAT16);
        assertThat(maxAbsDifference(floats(copy), roundedToHalf(masterArray)))
            .as(p.getKey())
            .isZero();
        NDArray grad = copy.getGradient();
        grad.attach(manager);
        assertThat(floats(grad)).as(p.getKey()).containsOnly(0f);
      }
    }
  }

  @Test
  void overflowSkipsTheStepHalvesTheScaleAndClearsTheGradients() {
    Map<String, HostTensor> before = master.weights();
    // 2^100 overflows any float16 gradient; the scaled loss itself is float32 and finite
    float huge = (float) Math.pow(2, 100);
    try (MixedPrecision mixed =
            new MixedPrecision(master, DataType.FLOAT16, adamW(), new LossScaler(huge, 2000));
        NDManager manager = mixed.workingModel().getNDManager().newSubManager()) {
      Block working = mixed.workingModel().getBlock();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(mixed.scale(loss(working, manager)));
      }
      MixedPrecision.Step step = mixed.step(1.0, manager);

      assertThat(step.applied()).isFalse();
      assertThat(step.gradNorm()).isNotFinite();
      assertThat(step.lossScale()).isEqualTo(huge);
      assertThat(mixed.scaler().scale()).isEqualTo(huge / 2);
      assertThat(mixed.scaler().skippedSteps()).isEqualTo(1);
      Map<String, HostTensor> after = master.weights();
      for (String name : before.keySet()) {
        assertThat(maxAbsDifference(after.get(name).data(), before.get(name).data()))
            .as(name)
            .isZero();
      }
      for (Parameter p : working.getParameters().values()) {
        NDArray grad = p.getArray().getGradient();
        grad.attach(manager);
        assertThat(floats(grad)).as(p.getName()).containsOnly(0f);
      }
    }
  }

  @Test
  void leavesNoArrayBehindAfterAStep() {
    try (MixedPrecision mixed =
        new MixedPrecision(master, DataType.FLOAT16, adamW(), new LossScaler(1024f, 2000))) {
      NDManager masterManager = master.djlModel().getNDManager();
      NDManager workingManager = mixed.workingModel().getNDManager();
      int[] counts = new int[3];
      for (int i = 0; i < counts.length; i++) {
        try (NDManager manager = workingManager.newSubManager()) {
          try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            collector.backward(mixed.scale(loss(mixed.workingModel().getBlock(), manager)));
          }
          assertThat(mixed.step(1.0, manager).applied()).isTrue();
        }
        counts[i] =
            masterManager.getManagedArrays().size() + workingManager.getManagedArrays().size();
      }
      // the first step creates AdamW's moments; later steps create nothing that outlives them
      assertThat(counts[2]).isEqualTo(counts[1]);
    }
  }

  @Test
  void castsHalfLogitsToFloat32WithTheirGradient() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray half = manager.create(new float[] {1, -2, 3}).toType(DataType.FLOAT16, false);
      half.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray wide = MixedPrecision.toFloat32(half);
        assertThat(wide.getDataType()).isEqualTo(DataType.FLOAT32);
        collector.backward(wide.square().sum());
      }
      assertThat(floats(half.getGradient())).containsExactly(2f, -4f, 6f);
      NDArray wide = manager.create(new float[] {1});
      assertThat(MixedPrecision.toFloat32(wide)).isSameAs(wide);
    }
  }

  @Test
  void rejectsAnotherWorkingTypeOrHalfMasterWeights() {
    assertThatThrownBy(
            () -> new MixedPrecision(master, DataType.BFLOAT16, adamW(), new LossScaler()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mixed precision needs FLOAT16 working weights, but was bfloat16");
    try (NativeBert half = master.withPrecision(DataType.FLOAT16)) {
      assertThatThrownBy(
              () -> new MixedPrecision(half, DataType.FLOAT16, adamW(), new LossScaler()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("mixed precision needs float32 master weights, but they are float16");
    }
  }
}
