package dev.reranker.jmh;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.reranker.internal.NativeHeap;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import dev.reranker.training.internal.BertTrainable;
import dev.reranker.training.internal.ReactionLoss;
import dev.reranker.training.internal.SelectionLosses;
import dev.reranker.training.internal.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One training step of the bundled dialog cross-encoder, as {@code train} runs it ({@link
 * TrainingStep}: forward, listwise softmax cross-entropy over groups of 8 pairs, backward, gradient
 * clipping, AdamW), float32 on the CPU: the cost that bounds how many pairs a training budget buys.
 * Rows of 80 tokens (random in-vocabulary ids, no padding: persona-chat contexts fill the 80
 * tokens). {@code pairs}: 128 is a step of the shipped recipe ({@code --batch-size 16} groups of 1
 * + 7), 32 a reaction step's size. Pairs per second = pairs / (seconds per step).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx3g"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 15)
@State(Scope.Benchmark)
public class TrainingBenchmark {
  /** Rows of one step: a multiple of the group size, 8. */
  @Param({"128", "32"})
  public int pairs;

  /** How glibc serves the step's large blocks. */
  @Param({"reuse", "glibc-default"})
  public String heap;

  static final int GROUP = 8;
  static final int LENGTH = 80;

  private BertTrainable model;
  private Trainer trainer;
  private List<Parameter> parameters;
  private TokenBatch batch;
  private NativeHeap.@Nullable Reuse reuse;

  /**
   * Loads the bundled cross-encoder and sets up the trainer and the batch.
   *
   * @throws IllegalArgumentException on more than one thread: DJL's PyTorch engine lets one
   *     gradient collector run per process ({@code run.sh} runs this benchmark with {@code -t 1})
   */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    if (params.getThreads() != 1) {
      throw new IllegalArgumentException(
          "TrainingBenchmark runs on one thread (DJL allows one gradient collector per process),"
              + " but was given "
              + params.getThreads());
    }
    if (pairs <= 0 || pairs % GROUP != 0) {
      throw new IllegalArgumentException("pairs must be a positive multiple of " + GROUP);
    }
    switch (heap) {
      case "reuse" -> reuse = NativeHeap.reuseFreedMemory();
      case "glibc-default" -> reuse = null;
      default -> throw new IllegalArgumentException("heap must be reuse or glibc-default: " + heap);
    }
    EncoderModel loaded = RerankerModel.bundled().load(Device.cpu());
    if (!(loaded instanceof NativeBert bert)) {
      loaded.close();
      throw new IllegalStateException("the bundled model did not load as the native BERT");
    }
    model = new BertTrainable(bert);
    Optimizer adamW =
        Optimizer.adamW()
            .optLearningRateTracker(Tracker.fixed(1e-6f))
            .optWeightDecays(0.01f)
            .build();
    trainer =
        new Trainer(
            model.djlModel(),
            new DefaultTrainingConfig(new ReactionLoss())
                .optOptimizer(adamW)
                .optDevices(new Device[] {Device.cpu()}));
    trainer.initialize(model.initShapes());
    parameters = new ArrayList<>();
    model.djlModel().getBlock().getParameters().values().forEach(parameters::add);
    batch = rows(pairs, LENGTH);
  }

  /** Rows of random in-vocabulary ids: [CLS] context [SEP] reply [SEP], token types 0 then 1. */
  static TokenBatch rows(int rows, int length) {
    SplittableRandom random = new SplittableRandom(11);
    long[] ids = new long[rows * length];
    long[] types = new long[ids.length];
    int sep = length * 3 / 4;
    for (int i = 0; i < ids.length; i++) {
      int t = i % length;
      ids[i] = t == 0 ? 101 : t == sep || t == length - 1 ? 102 : 1000 + random.nextInt(28_000);
      types[i] = t > sep ? 1 : 0;
    }
    long[] mask = new long[ids.length];
    Arrays.fill(mask, 1);
    return new TokenBatch(rows, length, ids, types, mask);
  }

  /** Frees the trainer and the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    trainer.close();
    model.close();
    if (reuse != null) {
      reuse.close();
    }
  }

  /** One optimizer step; returns its loss. */
  @Benchmark
  public float step() {
    List<String> labels = model.bert().labels();
    return TrainingStep.run(
        trainer,
        model,
        batch,
        (manager, logits) ->
            SelectionLosses.listwise(SelectionLosses.scores(logits, labels, GROUP)),
        parameters,
        null,
        1.0);
  }
}
