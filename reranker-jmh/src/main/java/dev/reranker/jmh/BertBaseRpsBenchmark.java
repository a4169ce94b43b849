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
 * The RPS table on a BERT-base-sized cross-encoder (12 layers, hidden 768, random weights): the
 * talk's model size. Every pair is {@code [CLS] context [SEP] reply [SEP]}, so a request costs
 * about 8x the FLOPs per token of MiniLM on about 3x the tokens, and one round of the 32 clients'
 * requests takes over a minute on 2 cores. So: no warmup iteration and one 1-second measurement
 * iteration, which still lasts a whole round, since JMH waits for every thread's op in flight.
 * {@link LoadProfiler}'s requests/s is exact (the model is busy from the first request to the last
 * answer); the latency percentiles are those of that first round, a burst of 32 simultaneous
 * requests, not a steady state.
 *
 * <p>There is no ONNX file of these random weights, so the only peer is DJL called directly per
 * request, on a pool of {@value #MAX_CONCURRENT_DIRECT_CALLS} threads that the 32 clients hand
 * their requests to: BERT-base forwards on 32 threads need more native memory than the machine's 24
 * GiB.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(32)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx6g"})
@Warmup(iterations = 0)
@Measurement(iterations = 1, time = 1)
public class BertBaseRpsBenchmark {
  /** The direct peer's model threads: 2 per core (see {@link DjlDirect} for why bounded). */
  static final int MAX_CONCURRENT_DIRECT_CALLS = 4;

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
    /** The ablation row (cumulative); named apart from the bundled model's so -p can differ. */
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
    public String bertBaseConfig;

    Reranker reranker;

    /** Builds the random model once per fork. */
    @Setup(Level.Trial)
    public void setUp() {
      reranker =
          Ablation.of(bertBaseConfig).apply(Reranker.builder().model(Models.bertBase())).build();
      Load.watch(reranker::stats);
      Load.ready();
    }

    /** Closes the reranker. */
    @TearDown(Level.Trial)
    public void tearDown() {
      reranker.close(); // still watched: the profiler reads the last iteration after this
    }
  }

  /** The same random model called directly by all threads. */
  @State(Scope.Benchmark)
  public static class Djl {
    DjlDirect peer;

    /** Builds the random model once per fork. */
    @Setup(Level.Trial)
    public void setUp() {
      peer = new DjlDirect(Models.bertBase(), MAX_CONCURRENT_DIRECT_CALLS);
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

  /** DJL direct: one model call per request, no queue. */
  @Benchmark
  public float[] djlDirect(Djl djl, Requests requests, Client client) {
    float[] scores = djl.peer.score(client.next(requests.all));
    Load.requestDone();
    return scores;
  }
}
