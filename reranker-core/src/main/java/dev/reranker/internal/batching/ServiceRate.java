package dev.reranker.internal.batching;

import java.util.OptionalDouble;

/**
 * The measured cost of one item when batches are well filled: an exponentially weighted mean of
 * nanoseconds per item over batches of at least half {@code batchSize} items (a batch of one costs
 * almost as much as a full one, so small batches would overstate the cost under load, which is when
 * admission asks). Known after {@value #MIN_SAMPLES} such batches. Thread-safe.
 */
final class ServiceRate {
  static final int MIN_SAMPLES = 3;
  static final double WEIGHT = 0.2;

  private final int minItems;
  private long samples;
  private double nanosPerItem;

  ServiceRate(int batchSize) {
    this.minItems = Math.max(1, (batchSize + 1) / 2);
  }

  /** Records a scored batch of {@code items} that took {@code nanos}. */
  synchronized void observe(int items, long nanos) {
    if (items < minItems || nanos <= 0) {
      return;
    }
    double x = (double) nanos / items;
    nanosPerItem = samples == 0 ? x : nanosPerItem + WEIGHT * (x - nanosPerItem);
    samples++;
  }

  /** Returns the estimate, empty until {@value #MIN_SAMPLES} well-filled batches were seen. */
  synchronized OptionalDouble nanosPerItem() {
    return samples >= MIN_SAMPLES ? OptionalDouble.of(nanosPerItem) : OptionalDouble.empty();
  }
}
