package dev.reranker.spark;

import dev.reranker.Reranker;
import dev.reranker.Scorer;
import dev.reranker.heuristics.Heuristics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rerankers with a fast, exact stand-in for the model: the raw score of a reply is its length in
 * chars over 10 plus a digest of its dialog, so equal pairs get equal scores and a wrong dialog a
 * different one. A reply equal to {@link #POISON} fails its batch. The counters are this JVM's,
 * which in local mode is the executors'.
 */
final class FakeRerankers {
  static final String POISON = "☠ poison";
  static final int BATCH_SIZE = 8;

  static final AtomicInteger created = new AtomicInteger();
  static final AtomicInteger largestBatch = new AtomicInteger();
  static final AtomicLong scoredPairs = new AtomicLong();

  private FakeRerankers() {}

  /** The factory the Spark tests give to {@code ScoringOptions.Builder.reranker}. */
  static Reranker byLength() {
    created.incrementAndGet();
    return builder().build();
  }

  /** As {@link #byLength()}, with the built-in default heuristics around the fake model. */
  static Reranker byLengthWithHeuristics() {
    created.incrementAndGet();
    return builder().heuristics(Heuristics.defaults()).build();
  }

  /** The same reranker for the test itself to call directly; not counted. */
  static Reranker.Builder builder() {
    return Reranker.builder()
        .scorer(FakeRerankers::score)
        .batchSize(BATCH_SIZE)
        .maxBatchDelay(Duration.ofMillis(20))
        .maxQueuedPairs(100_000);
  }

  static void resetCounters() {
    largestBatch.set(0);
    scoredPairs.set(0);
  }

  private static float[] score(List<Scorer.Pair> batch) {
    largestBatch.accumulateAndGet(batch.size(), Math::max);
    scoredPairs.addAndGet(batch.size());
    float[] out = new float[batch.size()];
    for (int i = 0; i < out.length; i++) {
      String text = batch.get(i).candidate().text();
      if (text.equals(POISON)) {
        throw new IllegalStateException("poisoned batch");
      }
      // Depends on every turn, speaker and persona fact too, so a wrong dialog shows.
      int dialog = Math.floorMod(batch.get(i).dialog().toString().hashCode(), 1000);
      out[i] = text.length() / 10f + dialog / 1000f;
    }
    return out;
  }
}
