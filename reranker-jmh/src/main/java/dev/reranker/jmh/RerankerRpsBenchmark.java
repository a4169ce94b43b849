package dev.reranker.jmh;

import dev.reranker.Ranking;
import dev.reranker.Reranker;
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
 * The talk's RPS table on the bundled all-MiniLM-L6-v2, with its peers in the same class so they
 * share threads, iterations and workload: 32 client threads; one op is one request of one dialog
 * and {@value Workload#CANDIDATES} candidates.
 *
 * <ul>
 *   <li>{@code rank}: one shared {@link Reranker}, the {@link Ablation} row as parameter {@code
 *       config};
 *   <li>{@code onnxRuntime}: ONNX Runtime Java on the same ONNX file ({@link OnnxRuntimePeer});
 *       {@code onnxRuntimeInt8}: on the int8 ONNX file of the {@code -q} artifact, the peer of the
 *       {@code int8} row;
 *   <li>{@code djlDirect}: the same native model called per request without the queue ({@link
 *       DjlDirect}), a baseline like resilience4j's direct supplier.
 * </ul>
 *
 * <p>The parameter lives in the reranker's state, so the peers run once, not once per row. {@code
 * SampleTime} gives latency percentiles per call; {@link LoadProfiler} adds requests/s of wall time
 * and pairs per batch.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(32)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx4g"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 2, time = 5)
public class RerankerRpsBenchmark {

  /** The workload, shared by all clients. */
  @State(Scope.Benchmark)
  public static class Requests {
    List<Workload.Request> all;

    /** Generates the workload. */
    @Setup(Level.Trial)
    public void setUp() {
      all = Workload.standard();
      Load.ready();
    }
  }

  /** One reranker shared by all threads, built for one ablation row. */
  @State(Scope.Benchmark)
  public static class Ours {
    /** The ablation row (cumulative). */
    @Param({
      "seq128-fixed-nobatch",
      "seq80",
      "graph-opt",
      "amp",
      "batch32",
      "fast-encoder",
      "dynamic-padding-grouping",
      "two-workers",
      "int8"
    })
    public String config;

    Reranker reranker;

    /** Loads the model once per fork (JMH sample 06). */
    @Setup(Level.Trial)
    public void setUp() {
      reranker = Ablation.of(config).apply(Reranker.builder().model(Models.bundled())).build();
      Load.watch(reranker::stats);
      Load.ready();
    }

    /** Closes the reranker: its worker and native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
      reranker.close(); // still watched: the profiler reads the last iteration after this
    }
  }

  /** One ONNX Runtime session shared by all threads. */
  @State(Scope.Benchmark)
  public static class Ort {
    OnnxRuntimePeer peer;

    /** Loads the ONNX file once per fork. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      peer = new OnnxRuntimePeer();
      Load.ready();
    }

    /** Frees the session. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      peer.close();
    }
  }

  /** One ONNX Runtime session of the int8 ONNX file, shared by all threads. */
  @State(Scope.Benchmark)
  public static class OrtInt8 {
    OnnxRuntimePeer peer;

    /** Loads the ONNX file once per fork. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
      peer = new OnnxRuntimePeer(OnnxRuntimePeer.QUANTIZED_ONNX_RESOURCE);
      Load.ready();
    }

    /** Frees the session. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      peer.close();
    }
  }

  /** The bundled model loaded once, called by all threads. */
  @State(Scope.Benchmark)
  public static class Djl {
    DjlDirect peer;

    /** Loads the bundled model once per fork. */
    @Setup(Level.Trial)
    public void setUp() {
      peer = new DjlDirect(Models.bundled());
      Load.ready();
    }

    /** Frees native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
      peer.close();
    }
  }

  /** One user request through the public API. */
  @Benchmark
  public Ranking rank(Ours ours, Requests requests, Client client) {
    Workload.Request r = client.next(requests.all);
    Ranking ranking = ours.reranker.rank(r.dialog(), r.candidates());
    Load.requestDone();
    return ranking;
  }

  /** ONNX Runtime: one session call per request. */
  @Benchmark
  public float[] onnxRuntime(Ort ort, Requests requests, Client client) throws Exception {
    float[] scores = ort.peer.score(client.next(requests.all));
    Load.requestDone();
    return scores;
  }

  /** ONNX Runtime on the int8 ONNX file: one session call per request. */
  @Benchmark
  public float[] onnxRuntimeInt8(OrtInt8 ort, Requests requests, Client client) throws Exception {
    float[] scores = ort.peer.score(client.next(requests.all));
    Load.requestDone();
    return scores;
  }

  /** DJL direct: one model call per request, no queue. */
  @Benchmark
  public float[] djlDirect(Djl djl, Requests requests, Client client) {
    float[] scores = djl.peer.score(client.next(requests.all));
    Load.requestDone();
    return scores;
  }
}
