package dev.reranker.jmh;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The measured reason behind the {@code amp} row on a CPU: the bundled native BERT's forward on one
 * request (context and 20 replies, padded to the longest, at most 80 tokens) in float32 and in
 * float16 ({@link NativeBert#withPrecision}), one thread, no queue. {@code Reranker} keeps float32
 * on a CPU; this shows what float16 would change here. bfloat16 is not measured: DJL 0.36's PyTorch
 * engine aborts the JVM on bf16 arrays.
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
public class HalfPrecisionBenchmark {
  /** The weights' and activations' type. */
  @Param({"float32", "float16"})
  public String type;

  NativeBert model;
  List<TokenBatch> batches;
  int next;

  /** Loads the bundled model in the type and pre-encodes the first 100 requests. */
  @Setup(Level.Trial)
  public void setUp() {
    NativeBert fp32 = BundledModel.load(Device.cpu());
    if (type.equals("float32")) {
      model = fp32;
    } else {
      try (fp32) {
        model = fp32.withPrecision(DataType.valueOf(type.toUpperCase(java.util.Locale.ROOT)));
      }
    }
    batches = new ArrayList<>();
    try (PairEncoder encoder =
        new PairEncoder(
            model.tokenizerJson(),
            ModelKind.BI_ENCODER,
            DjlDirect.MAX_SEQ_LEN,
            DjlDirect.MAX_REPLY_TOKENS)) {
      for (Workload.Request r : Workload.standard().subList(0, 100)) {
        batches.add(encoder.biBatch(encoder.encode(r.dialog(), r.candidates())).batch());
      }
    }
  }

  /** Frees the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  /** One request's embeddings. */
  @Benchmark
  public float[][] embedRequest() {
    TokenBatch batch = batches.get(next);
    next = (next + 1) % batches.size();
    return model.embed(batch);
  }
}
