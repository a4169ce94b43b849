package dev.reranker;

/**
 * An immutable snapshot of a reranker's counters since it was built.
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

  /** Returns the mean number of pairs per batch run. */
  public double meanBatchSize() {
    return batches == 0 ? 0 : (double) scoredPairs / batches;
  }

  /** Returns the mean fraction of {@code batchSize} that batches held, in [0, 1]. */
  public double meanBatchFill() {
    return batchSize == 0 ? 0 : meanBatchSize() / batchSize;
  }
}
