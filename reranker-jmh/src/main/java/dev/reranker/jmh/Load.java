package dev.reranker.jmh;

import dev.reranker.RerankerStats;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the RPS benchmarks tell {@link LoadProfiler}, inside the forked JVM: the requests completed
 * so far, when the last state finished loading, and the reranker under test, if any, for its batch
 * statistics.
 */
public final class Load {
  private static final LongAdder completed = new LongAdder();
  private static volatile long readyNanos = Long.MIN_VALUE;
  private static volatile @Nullable Supplier<RerankerStats> stats;

  private Load() {}

  /** Counts one answered request: one benchmark op. */
  public static void requestDone() {
    completed.increment();
  }

  /** Returns the requests answered since the JVM started. */
  public static long completed() {
    return completed.sum();
  }

  /**
   * Marks the end of a state's setup. JMH runs trial-level setups inside the first iteration, so
   * the profiler starts that iteration's clock here rather than at its own start: loading a model
   * is not serving time.
   */
  public static void ready() {
    readyNanos = System.nanoTime();
  }

  /** Returns when the last state finished its setup ({@link Long#MIN_VALUE} before any). */
  public static long readyNanos() {
    return readyNanos;
  }

  /** Registers the reranker whose statistics the profiler reports. */
  public static void watch(Supplier<RerankerStats> source) {
    stats = source;
  }

  /** Returns the watched reranker's statistics, or null if none is watched. */
  public static @Nullable RerankerStats stats() {
    Supplier<RerankerStats> source = stats;
    return source == null ? null : source.get();
  }
}
