package dev.reranker.jmh;

import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.model.RerankerModel;
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
 * What the evidence blend costs: one request (a dialog with 5 bot persona facts, 20 candidates)
 * through {@link Reranker#rank} on the bundled dialog cross-encoder, alone ({@code
 * Builder.evidence(false)}) and blended with the all-MiniLM-L6-v2 bi-encoder's evidence (the
 * default), one client thread: latency, not throughput under load.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx2g"})
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class EvidenceBenchmark {
  private static final List<String> PERSONA =
      List.of(
          "I have two dogs.",
          "I work night shifts as a nurse.",
          "I love hiking in the mountains.",
          "My favourite food is fresh pasta.",
          "I grew up in a small town by the sea.");

  /** {@code cross-encoder}: the blend off; {@code blended}: the default. */
  @Param({"cross-encoder", "blended"})
  public String scoring;

  Reranker reranker;
  List<Workload.Request> requests;
  int next;

  /** Loads the bundled model (and the bi-encoder when blended) and the first 100 requests. */
  @Setup(Level.Trial)
  public void setUp() {
    reranker =
        Reranker.builder()
            .model(RerankerModel.bundled())
            .evidence(scoring.equals("blended"))
            .build();
    requests = new ArrayList<>();
    for (Workload.Request r : Workload.standard().subList(0, 100)) {
      Dialog dialog = r.dialog().withBotPersona(PERSONA);
      requests.add(new Workload.Request(dialog, r.candidates()));
    }
  }

  /** Closes the reranker. */
  @TearDown(Level.Trial)
  public void tearDown() {
    reranker.close();
  }

  /** One request of 20 candidates. */
  @Benchmark
  public Ranking rankRequest() {
    Workload.Request r = requests.get(next);
    next = (next + 1) % requests.size();
    return reranker.rank(r.dialog(), r.candidates());
  }
}
