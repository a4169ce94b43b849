package dev.reranker.jmh;

import ai.djl.Device;
import dev.reranker.internal.bert.BertInference.Lever;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.ModelKind;
import dev.reranker.model.Quantization;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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

/**
 * One forward pass of the bundled all-MiniLM-L6-v2, native BERT against ONNX Runtime on the same
 * weights and the same token ids, one caller thread: the before/after rows of each inference lever
 * ({@link Lever}), cumulative, and the peer.
 *
 * <ul>
 *   <li>{@code eager}: {@code BertBlock.forward}, the training forward (HF layout, three Q/K/V
 *       projections, every token padded).
 *   <li>{@code pretransposed}: + {@link Lever#PRETRANSPOSED}; {@code fused-qkv}: + {@link
 *       Lever#FUSED_QKV}; {@code packed}: + {@link Lever#PACKED}; {@code scripted}: + {@link
 *       Lever#SCRIPTED} (the default forward: one TorchScript call, fused attention, oneDNN
 *       products on prepacked weights).
 *   <li>{@code int8}: {@code scripted} with {@link Quantization#INT8}: every encoder Linear as a
 *       dynamic int8 product (fbgemm).
 *   <li>{@code onnxruntime}: the same ONNX file in ONNX Runtime Java (all graph optimisations,
 *       intra-op threads = the cores); {@code onnxruntime-q}: the int8 ONNX file of the {@code -q}
 *       artifact, the peer of {@code int8}.
 * </ul>
 *
 * <p>Batches: {@code 32x80} (32 full rows of 80 tokens: no padding), {@code 1x40} (batch-1 latency)
 * and {@code request} (the workload's first 64 requests in turn, as {@code Reranker} embeds one:
 * the context row and the 20 reply rows, padded to the longest). Every op returns mean-pooled,
 * L2-normalised embeddings.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx2g"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@State(Scope.Benchmark)
public class ForwardBenchmark {
  /** Which forward runs. */
  @Param({
    "eager",
    "pretransposed",
    "fused-qkv",
    "packed",
    "scripted",
    "int8",
    "onnxruntime",
    "onnxruntime-q"
  })
  public String engine;

  /** Which batches it runs on. */
  @Param({"32x80", "1x40", "request"})
  public String batch;

  /**
   * How many of the model's 6 encoder layers run ({@code RerankerModel.firstLayers}): the cost of a
   * smaller variant; {@code run.sh full} measures 6 only.
   */
  @Param({"6"})
  public int layers;

  private static final int REQUESTS = 64;

  private @Nullable NativeBert bert; // one of the two, as the engine row says
  private @Nullable OnnxRuntimePeer ort;
  private List<TokenBatch> batches;
  private int next;

  /** Returns the levers of an engine row, cumulative in the order of the rows. */
  static Set<Lever> levers(String engine) {
    List<String> rows = List.of("eager", "pretransposed", "fused-qkv", "packed", "scripted");
    int row = rows.indexOf(engine);
    if (row < 0) {
      throw new IllegalArgumentException("not a native engine row: " + engine);
    }
    EnumSet<Lever> levers = EnumSet.noneOf(Lever.class);
    for (int i = 1; i <= row; i++) {
      levers.add(Lever.valueOf(rows.get(i).toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    return levers;
  }

  /** Loads the engine and builds the batches. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    batches = batches(batch);
    if (engine.startsWith("onnxruntime")) {
      if (layers != 6) {
        throw new IllegalArgumentException("the ONNX Runtime peers run all 6 layers");
      }
      ort =
          new OnnxRuntimePeer(
              engine.equals("onnxruntime")
                  ? BundledModel.ONNX_RESOURCE
                  : OnnxRuntimePeer.QUANTIZED_ONNX_RESOURCE);
      return;
    }
    NativeBert model = BundledModel.load(Device.cpu());
    if (layers != 6) {
      try (NativeBert whole = model) {
        model = whole.firstLayers(layers);
      }
    }
    if (engine.equals("int8")) {
      model.quantization(Quantization.INT8);
    } else {
      model.useLevers(levers(engine));
    }
    bert = model;
  }

  static List<TokenBatch> batches(String name) {
    return switch (name) {
      case "32x80" -> List.of(full(32, 80));
      case "1x40" -> List.of(full(1, 40));
      case "request" -> requestBatches();
      default -> throw new IllegalArgumentException("unknown batch " + name);
    };
  }

  /** The bi-encoder batches of the first {@value #REQUESTS} requests of the standard workload. */
  private static List<TokenBatch> requestBatches() {
    List<TokenBatch> out = new ArrayList<>();
    try (PairEncoder encoder =
        new PairEncoder(
            BundledModel.tokenizerJson(),
            ModelKind.BI_ENCODER,
            DjlDirect.MAX_SEQ_LEN,
            DjlDirect.MAX_REPLY_TOKENS)) {
      for (Workload.Request r : Workload.standard().subList(0, REQUESTS)) {
        out.add(encoder.biBatch(encoder.encode(r.dialog(), r.candidates())).batch());
      }
    }
    return out;
  }

  /** Rows of random in-vocabulary ids between [CLS] and [SEP], no padding. */
  private static TokenBatch full(int rows, int length) {
    SplittableRandom random = new SplittableRandom(7);
    long[] ids = new long[rows * length];
    for (int i = 0; i < ids.length; i++) {
      int t = i % length;
      ids[i] = t == 0 ? 101 : t == length - 1 ? 102 : 1000 + random.nextInt(28_000);
    }
    long[] mask = new long[ids.length];
    Arrays.fill(mask, 1);
    return new TokenBatch(rows, length, ids, new long[ids.length], mask);
  }

  /** Frees the engine. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (bert != null) {
      bert.close();
    }
    if (ort != null) {
      ort.close();
    }
  }

  /** One forward of the next batch. */
  @Benchmark
  public float[][] forward() throws Exception {
    TokenBatch b = batches.get(next);
    next = (next + 1) % batches.size();
    if (ort != null) {
      return ort.embed(b.inputIds(), b.typeIds(), b.attentionMask(), b.size(), b.length());
    }
    return java.util.Objects.requireNonNull(bert).embed(b);
  }
}
