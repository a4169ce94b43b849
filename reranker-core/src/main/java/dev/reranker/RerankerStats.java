package dev.reranker;

import static java.util.Objects.requireNonNull;

/**
 * An immutable snapshot of a reranker's counters since it was built. As Caffeine's {@code
 * CacheStats}, snapshots combine: {@link #minus} gives what happened between two snapshots of one
 * reranker, {@link #plus} adds up several rerankers.
 *
 * @param requests requests accepted into the queue
 * @param pairs (dialog, candidate) pairs accepted into the queue
 * @param batches batches run by the model
 * @param scoredPairs pairs the model scored
 * @param queueDepth pairs waiting when the snapshot was taken
 * @param rejected requests rejected because the queue was full
 * @param timedOut requests that missed their deadline
 * @param cancelled requests cancelled by their caller
 * @param failed requests failed by a model fault
 * @param batchSize the configured largest batch, for {@link #meanBatchFill()}
 * @param queueWait time from a pair's arrival to the start of its batch
 * @param inference time of one batch in the model
 * @param endToEnd time from a request's arrival to its answer
 */
public record RerankerStats(
    long requests,
    long pairs,
    long batches,
    long scoredPairs,
    int queueDepth,
    long rejected,
    long timedOut,
    long cancelled,
    long failed,
    int batchSize,
    LatencyStats queueWait,
    LatencyStats inference,
    LatencyStats endToEnd) {

  /**
   * Returns the sum of both snapshots, e.g. of two rerankers: counters and {@code queueDepth} add,
   * {@code batchSize} is the larger of the two (so {@link #meanBatchFill()} is relative to it),
   * latencies as {@link LatencyStats#plus}. Counters saturate at {@link Long#MAX_VALUE}.
   *
   * @throws NullPointerException if {@code other} is null
   */
  public RerankerStats plus(RerankerStats other) {
    requireNonNull(other, "other");
    return new RerankerStats(
        add(requests, other.requests),
        add(pairs, other.pairs),
        add(batches, other.batches),
        add(scoredPairs, other.scoredPairs),
        (int) Math.min(Integer.MAX_VALUE, (long) queueDepth + other.queueDepth),
        add(rejected, other.rejected),
        add(timedOut, other.timedOut),
        add(cancelled, other.cancelled),
        add(failed, other.failed),
        Math.max(batchSize, other.batchSize),
        queueWait.plus(other.queueWait),
        inference.plus(other.inference),
        endToEnd.plus(other.endToEnd));
  }

  /**
   * Returns what happened between an earlier snapshot {@code other} of the same reranker and this
   * one: counters subtract, never below zero (as Caffeine's {@code CacheStats.minus}); {@code
   * queueDepth} and {@code batchSize}, which are not counters, stay this snapshot's; latencies as
   * {@link LatencyStats#minus}: the interval's count and sum, with this snapshot's percentiles.
   *
   * @throws NullPointerException if {@code other} is null
   */
  public RerankerStats minus(RerankerStats other) {
    requireNonNull(other, "other");
    return new RerankerStats(
        Math.max(0, requests - other.requests),
        Math.max(0, pairs - other.pairs),
        Math.max(0, batches - other.batches),
        Math.max(0, scoredPairs - other.scoredPairs),
        queueDepth,
        Math.max(0, rejected - other.rejected),
        Math.max(0, timedOut - other.timedOut),
        Math.max(0, cancelled - other.cancelled),
        Math.max(0, failed - other.failed),
        batchSize,
        queueWait.minus(other.queueWait),
        inference.minus(other.inference),
        endToEnd.minus(other.endToEnd));
  }

  private static long add(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
  }

  /** Returns the mean number of pairs per batch run. */
  public double meanBatchSize() {
    return batches == 0 ? 0 : (double) scoredPairs / batches;
  }

  /** Returns the mean fraction of {@code batchSize} that batches held, in [0, 1]. */
  public double meanBatchFill() {
    return batchSize == 0 ? 0 : meanBatchSize() / batchSize;
  }
}
