package dev.reranker.internal.batching;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A scorer that scores a string by its length, so every expected score is exact, and records every
 * batch it sees. It can be told to block, throw or answer with the wrong number of scores on
 * batches that match a predicate, as DJL's tests fake a model with a {@code LambdaBlock}.
 */
final class FakeBatchScorer implements BatchingQueue.BatchScorer<String> {
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> threads = ConcurrentHashMap.newKeySet();
  private volatile Predicate<List<String>> throwWhen = batch -> false;
  private volatile Predicate<List<String>> wrongSizeWhen = batch -> false;
  private volatile Gate gate = new Gate(batch -> false);
  private volatile long busyNanos;

  static float[] expectedScores(List<String> items) {
    float[] scores = new float[items.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = items.get(i).length();
    }
    return scores;
  }

  @Override
  public float[] score(List<String> batch) throws Exception {
    threads.add(Thread.currentThread().getName());
    Gate current = gate;
    if (current.when.test(batch)) {
      current.entered.countDown();
      current.opened.await();
    }
    long busy = busyNanos;
    if (busy > 0) {
      long end = System.nanoTime() + busy;
      while (System.nanoTime() < end) {
        Thread.onSpinWait(); // a model keeps its thread busy; sleeping would not
      }
    }
    batches.add(List.copyOf(batch));
    if (throwWhen.test(batch)) {
      throw new IllegalArgumentException("poisoned batch of " + batch.size());
    }
    float[] scores = expectedScores(batch);
    if (wrongSizeWhen.test(batch)) {
      return new float[batch.size() + 1];
    }
    return scores;
  }

  /** Blocks every batch that matches until the returned gate is opened. */
  Gate blockWhen(Predicate<List<String>> when) {
    Gate created = new Gate(when);
    gate = created;
    return created;
  }

  FakeBatchScorer throwWhen(Predicate<List<String>> when) {
    throwWhen = when;
    return this;
  }

  FakeBatchScorer wrongSizeWhen(Predicate<List<String>> when) {
    wrongSizeWhen = when;
    return this;
  }

  /** Spins this long in every batch, as a model would. */
  FakeBatchScorer busyPerBatch(long nanos) {
    busyNanos = nanos;
    return this;
  }

  /** The batches scored (or thrown on) so far, in order; blocked batches appear once released. */
  List<List<String>> batches() {
    synchronized (batches) {
      return List.copyOf(batches);
    }
  }

  List<Integer> batchSizes() {
    return batches().stream().map(List::size).toList();
  }

  int largestBatch() {
    return batchSizes().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  boolean sawItem(String item) {
    return batches().stream().anyMatch(batch -> batch.contains(item));
  }

  Set<String> threadNames() {
    return Set.copyOf(threads);
  }

  static Predicate<List<String>> contains(String item) {
    return batch -> batch.contains(item);
  }

  /** A latch pair: the scorer signals it entered a matching batch and waits to be let go. */
  static final class Gate {
    final Predicate<List<String>> when;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch opened = new CountDownLatch(1);

    Gate(Predicate<List<String>> when) {
      this.when = when;
    }

    void awaitEntered() throws InterruptedException {
      if (!entered.await(5, TimeUnit.SECONDS)) {
        throw new AssertionError("scorer never reached the gated batch");
      }
    }

    void open() {
      opened.countDown();
    }
  }
}
