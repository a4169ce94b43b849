package dev.reranker.jmh;

import dev.reranker.RerankerStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Adds the server-side view to the RPS benchmarks' JMH results: requests answered per second of
 * wall time over the whole iteration ({@code rps}), and the watched reranker's mean pairs per model
 * batch ({@code pairsPerBatch}). Enable with {@code -prof dev.reranker.jmh.LoadProfiler}; it adds
 * nothing to benchmarks whose states never call {@link Load#ready()}.
 *
 * <p>Why not threads / mean latency: with 32 closed-loop clients and a 2-core CPU one op of the
 * slow rows lasts a whole round of 32 requests, so an iteration holds one or two ops per thread and
 * the first round is a burst, not a steady state. The model worker is busy from the first request
 * to the last answer either way, so answers per wall-clock second stay exact.
 */
public final class LoadProfiler implements InternalProfiler {
  private long startNanos;
  private long startCompleted;
  private long startBatches;
  private long startScored;

  @Override
  public String getDescription() {
    return "requests answered per second of wall time, and pairs per model batch";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    startCompleted = Load.completed();
    RerankerStats s = Load.stats();
    startBatches = s == null ? 0 : s.batches();
    startScored = s == null ? 0 : s.scoredPairs();
    startNanos = System.nanoTime();
  }

  @Override
  @SuppressWarnings("rawtypes") // InternalProfiler declares afterIteration with the raw Result
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    if (Load.readyNanos() == Long.MIN_VALUE) {
      return List.of(); // not an RPS benchmark: nothing called Load.ready()
    }
    // Called after every thread finished its last op, so the drain is inside the window.
    long from = Math.max(startNanos, Load.readyNanos());
    double seconds = (System.nanoTime() - from) / 1e9;
    List<Result> out = new ArrayList<>();
    out.add(
        new ScalarResult(
            "rps", (Load.completed() - startCompleted) / seconds, "req/s", AggregationPolicy.AVG));
    RerankerStats s = Load.stats();
    if (s != null && s.batches() > startBatches) {
      out.add(
          new ScalarResult(
              "pairsPerBatch",
              (double) (s.scoredPairs() - startScored) / (s.batches() - startBatches),
              "pairs",
              AggregationPolicy.AVG));
    }
    return out;
  }
}
