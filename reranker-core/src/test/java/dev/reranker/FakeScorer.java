package dev.reranker;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast, exact stand-in for the model: the raw score of a reply is its length in chars. A reply
 * equal to {@link #POISON} makes its whole batch throw; {@link #block()} holds batches until {@link
 * #release()}.
 */
final class FakeScorer implements Scorer {
  static final String POISON = "☠ poison";

  private final AtomicInteger largestBatch = new AtomicInteger();
  private final AtomicInteger batches = new AtomicInteger();
  private final AtomicLong pairs = new AtomicLong();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch entered = new CountDownLatch(1);

  static FakeScorer byLength() {
    return new FakeScorer();
  }

  /** Makes every following batch wait until {@link #release()}. */
  FakeScorer block() {
    gate = new CountDownLatch(1);
    return this;
  }

  void release() {
    gate.countDown();
  }

  /** Waits until a batch has entered the scorer. */
  void awaitFirstBatch() throws InterruptedException {
    if (!entered.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no batch reached the scorer within 10 s");
    }
  }

  @Override
  public float[] score(List<Pair> batch) throws Exception {
    entered.countDown();
    if (!gate.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("fake scorer was never released");
    }
    largestBatch.accumulateAndGet(batch.size(), Math::max);
    batches.incrementAndGet();
    pairs.addAndGet(batch.size());
    float[] out = new float[batch.size()];
    for (int i = 0; i < out.length; i++) {
      String text = batch.get(i).candidate().text();
      if (text.equals(POISON)) {
        throw new IllegalStateException("poisoned batch");
      }
      out[i] = text.length();
    }
    return out;
  }

  int largestBatch() {
    return largestBatch.get();
  }

  int batches() {
    return batches.get();
  }

  long pairs() {
    return pairs.get();
  }
}
