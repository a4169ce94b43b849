package dev.reranker.internal.batching;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerStats;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * The counters and latency histograms behind {@link BatchingQueue#stats()}.
 *
 * <p>Recording happens on the hot path of every submit and every batch, from many threads at once,
 * so it is wait-free: {@link LongAdder}s and HdrHistogram {@link Recorder}s. Only taking a snapshot
 * synchronizes, and it is rare.
 */
final class QueueStatsRecorder {
  /** How a request that was accepted ended, when it did not end with its scores. */
  enum Outcome {
    TIMED_OUT,
    FAILED,
    CANCELLED,
    /** Failed by close(); no counter of its own, as RerankerStats has none. */
    CLOSED
  }

  private final LongAdder requests = new LongAdder();
  private final LongAdder pairs = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder scoredPairs = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Latency queueWait = new Latency();
  private final Latency inference = new Latency();
  private final Latency endToEnd = new Latency();

  void accepted(int items) {
    requests.increment();
    pairs.add(items);
  }

  void rejected() {
    rejected.increment();
  }

  void ended(Outcome outcome) {
    switch (outcome) {
      case TIMED_OUT -> timedOut.increment();
      case FAILED -> failed.increment();
      case CANCELLED -> cancelled.increment();
      case CLOSED -> {}
    }
  }

  void queueWait(long nanos) {
    queueWait.record(nanos);
  }

  void batchScored(int items, long inferenceNanos) {
    batches.increment();
    scoredPairs.add(items);
    inference.record(inferenceNanos);
  }

  void succeeded(long endToEndNanos) {
    endToEnd.record(endToEndNanos);
  }

  RerankerStats snapshot(int queueDepth, int batchSize) {
    return new RerankerStats(
        requests.sum(),
        pairs.sum(),
        batches.sum(),
        scoredPairs.sum(),
        queueDepth,
        rejected.sum(),
        timedOut.sum(),
        cancelled.sum(),
        failed.sum(),
        batchSize,
        queueWait.snapshot(),
        inference.snapshot(),
        endToEnd.snapshot());
  }

  /**
   * A Recorder takes values from any thread without locks; a snapshot swaps out its interval
   * histogram and folds it into a running total, so percentiles cover the queue's whole life.
   */
  private static final class Latency {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);

    /** Exact, unlike the histogram's buckets; may run a value ahead of the count mid-record. */
    private final LongAdder sum = new LongAdder();

    private @Nullable Histogram recycled;

    void record(long nanos) {
      // A fake ticker may run backwards; HdrHistogram rejects negative values.
      long value = Math.max(0, nanos);
      recorder.recordValue(value);
      sum.add(value);
    }

    synchronized LatencyStats snapshot() {
      Histogram interval = recorder.getIntervalHistogram(recycled);
      total.add(interval);
      recycled = interval;
      if (total.getTotalCount() == 0) {
        return LatencyStats.EMPTY;
      }
      return new LatencyStats(
          total.getTotalCount(),
          Duration.ofNanos(sum.sum()),
          Duration.ofNanos(total.getValueAtPercentile(50)),
          Duration.ofNanos(total.getValueAtPercentile(95)),
          Duration.ofNanos(total.getValueAtPercentile(99)),
          Duration.ofNanos(total.getMaxValue()));
    }
  }
}
