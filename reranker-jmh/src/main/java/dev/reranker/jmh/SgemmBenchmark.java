package dev.reranker.jmh;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.common.base.Splitter;
import dev.reranker.internal.DjlRuntime;
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
 * This machine's matrix-multiply speed through DJL's PyTorch engine, the yardstick of the report:
 * model FLOPs x pairs/s over the large-sgemm GFLOP/s says how much of the CPU the reranker uses.
 *
 * <p>{@code 2048x2048x2048} is the large square sgemm; {@code 840x384x1536} is the shape of
 * MiniLM's feed-forward Linear on one request (21 rows of about 40 tokens). {@code float16} shows
 * what {@code mixedPrecision} could gain on this CPU. bfloat16 is left out on purpose: DJL 0.36's
 * PyTorch engine aborts the JVM when it copies a bf16 array (see README).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx1g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class SgemmBenchmark {
  /** {@code MxKxN}: multiplies {@code [M, K]} by {@code [K, N]}. */
  @Param({"2048x2048x2048", "840x384x1536"})
  public String shape;

  /** Element type of both operands and the product. */
  @Param({"float32", "float16"})
  public String type;

  NDManager manager;
  NDArray a;
  NDArray b;

  /** Creates the operands once. */
  @Setup(Level.Trial)
  public void setUp() {
    DjlRuntime.ensureOffline();
    List<String> mkn = Splitter.on('x').splitToList(shape);
    long m = Long.parseLong(mkn.get(0));
    long k = Long.parseLong(mkn.get(1));
    long n = Long.parseLong(mkn.get(2));
    DataType dataType = DataType.valueOf(type.toUpperCase(java.util.Locale.ROOT));
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    a = manager.randomNormal(new Shape(m, k)).toType(dataType, false);
    b = manager.randomNormal(new Shape(k, n)).toType(dataType, false);
  }

  /** Frees the operands. */
  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  /** One product; libtorch's CPU kernels are synchronous, so it is done when this returns. */
  @Benchmark
  public long matmul() {
    try (NDArray c = a.matMul(b)) {
      return c.getShape().size();
    }
  }
}
