package dev.reranker.internal.batching;

import static dev.reranker.internal.batching.BatchingQueue.NO_DEADLINE;
import static dev.reranker.internal.batching.FakeBatchScorer.contains;
import static dev.reranker.internal.batching.FakeBatchScorer.expectedScores;
import static dev.reranker.internal.batching.TestQueues.config;
import static dev.reranker.internal.batching.TestQueues.failureOf;
import static dev.reranker.internal.batching.TestQueues.scoresOf;
import static dev.reranker.internal.batching.TestQueues.uniquePrefix;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerOverloadedException;
import dev.reranker.RerankerStats;
import dev.reranker.RerankerTimeoutException;
import dev.reranker.ScoringException;
import dev.reranker.internal.batching.BatchingQueue.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many callers at once (Caffeine's MultiThreadedTest), several workers, and the stats. */
@Timeout(value = 60, unit = SECONDS)
class BatchingQueueConcurrencyTest {
  private static final int THREADS = 64;
  private static final int REQUESTS_PER_THREAD = 100;
  private static final int BATCH_SIZE = 32;

  private final TestQueues queues = new TestQueues();

  @AfterEach
  void closeQueues() {
    queues.close();
  }

  @ParameterizedTest(name = "groupWindowBatches={0}")
  @ValueSource(ints = {1, 4})
  void manyThreads_eachGetItsOwnScoresInOrder_inFullBatches(int window) throws Exception {
    var scorer = new FakeBatchScorer().busyPerBatch(50_000);
    var queue =
        queues.create(
            config(BATCH_SIZE, Duration.ofMillis(2), THREADS * 50, window),
            uniquePrefix("mt"),
            scorer);
    var errors = new ConcurrentLinkedQueue<Throwable>();
    var pairs = new AtomicLong();
    var start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      long seed = 31L * t + window;
      char c = (char) ('a' + t % 26);
      Thread thread =
          new Thread(
              () -> {
                var random = new Random(seed);
                try {
                  start.await();
                  for (int r = 0; r < REQUESTS_PER_THREAD; r++) {
                    List<String> items = new ArrayList<>();
                    for (int i = 1 + random.nextInt(50); i > 0; i--) {
                      items.add(String.valueOf(c).repeat(random.nextInt(64)));
                    }
                    pairs.addAndGet(items.size());
                    float[] scores = scoresOf(queue.submit(items, NO_DEADLINE));
                    if (!Arrays.equals(scores, expectedScores(items))) {
                      throw new AssertionError("wrong scores for " + items);
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "caller-" + t);
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(SECONDS.toMillis(50));
    }

    assertThat(errors).isEmpty();
    assertThat(scorer.largestBatch()).isLessThanOrEqualTo(BATCH_SIZE);
    RerankerStats stats = queue.stats();
    assertThat(stats.requests()).isEqualTo(THREADS * REQUESTS_PER_THREAD);
    assertThat(stats.pairs()).isEqualTo(pairs.get());
    assertThat(stats.scoredPairs()).isEqualTo(pairs.get());
    assertThat(stats.batches()).isEqualTo(scorer.batches().size());
    assertThat(stats.meanBatchSize()).isGreaterThan(1);
    assertThat(stats.queueDepth()).isZero();
  }

  @Test
  void twoScorers_shareTheQueue_eachOnItsOwnWorker() throws Exception {
    String prefix = uniquePrefix("two");
    var first = new FakeBatchScorer().busyPerBatch(200_000);
    var second = new FakeBatchScorer().busyPerBatch(200_000);
    var queue =
        queues.create(
            config(8, Duration.ofMillis(1), 10_000, 1),
            prefix,
            Ticker.system(),
            List.of(first, second));
    var errors = new ConcurrentLinkedQueue<Throwable>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int r = 0; r < 50; r++) {
                    List<String> items = TestQueues.items('t', 1 + r % 7, r % 3, 9);
                    assertThat(scoresOf(queue.submit(items, NO_DEADLINE)))
                        .containsExactly(expectedScores(items));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join(SECONDS.toMillis(30));
    }

    assertThat(errors).isEmpty();
    assertThat(first.batches()).isNotEmpty();
    assertThat(second.batches()).isNotEmpty();
    assertThat(first.threadNames()).containsExactly(prefix + "-worker-0");
    assertThat(second.threadNames()).containsExactly(prefix + "-worker-1");
    assertThat(first.largestBatch()).isLessThanOrEqualTo(8);
    assertThat(second.largestBatch()).isLessThanOrEqualTo(8);
    assertThat(queue.stats().scoredPairs()).isEqualTo(16 * 50 * 3);
  }

  @Test
  void stats_countEveryOutcome_andMeasureLatencies() throws Exception {
    var scorer = new FakeBatchScorer().busyPerBatch(100_000).throwWhen(contains("poison"));
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 10, 1), uniquePrefix("stats"), scorer);

    for (int i = 0; i < 5; i++) {
      assertThat(scoresOf(queue.submit(List.of("a", "bb", "ccc"), NO_DEADLINE))).hasSize(3);
    }
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    long deadline = System.nanoTime() + Duration.ofMillis(20).toNanos();
    var late = queue.submit(List.of("t1", "t2"), deadline);
    assertThat(failureOf(late, Duration.ofSeconds(5))).isInstanceOf(RerankerTimeoutException.class);
    assertThat(queue.submit(List.of("c1"), NO_DEADLINE).cancel(false)).isTrue();
    var filler = queue.submit(TestQueues.items('f', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), NO_DEADLINE);
    assertThat(failureOf(queue.submit(List.of("r"), NO_DEADLINE), Duration.ZERO))
        .isInstanceOf(RerankerOverloadedException.class);
    gate.open();
    assertThat(scoresOf(blocked)).hasSize(1);
    assertThat(scoresOf(filler)).hasSize(10);
    assertThat(failureOf(queue.submit(List.of("poison"), NO_DEADLINE), Duration.ofSeconds(5)))
        .isInstanceOf(ScoringException.class);

    RerankerStats stats = queue.stats();
    assertThat(stats.requests()).isEqualTo(5 + 1 + 1 + 1 + 1 + 1);
    assertThat(stats.pairs()).isEqualTo(15 + 1 + 2 + 1 + 10 + 1);
    assertThat(stats.rejected()).isEqualTo(1);
    assertThat(stats.timedOut()).isEqualTo(1);
    assertThat(stats.cancelled()).isEqualTo(1);
    assertThat(stats.failed()).isEqualTo(1);
    assertThat(stats.scoredPairs()).isEqualTo(15 + 1 + 10); // the failed batch scored nothing
    assertThat(stats.batches()).isEqualTo(scorer.batches().size() - 1);
    assertThat(stats.queueDepth()).isZero();
    assertThat(stats.batchSize()).isEqualTo(4);
    assertThat(stats.queueWait().count()).isEqualTo(15 + 1 + 10 + 1); // every item that ran
    assertThat(stats.inference().count()).isEqualTo(stats.batches());
    assertThat(stats.endToEnd().count()).isEqualTo(5 + 1 + 1); // successful requests only
    for (LatencyStats latency : List.of(stats.queueWait(), stats.inference(), stats.endToEnd())) {
      assertThat(latency.p50()).isPositive();
      assertThat(latency.p95()).isGreaterThanOrEqualTo(latency.p50());
      assertThat(latency.p99()).isGreaterThanOrEqualTo(latency.p95());
      assertThat(latency.max()).isGreaterThanOrEqualTo(latency.p99());
    }
    // The inference histogram saw the 100 us the fake model spins in every batch.
    assertThat(stats.inference().p50()).isGreaterThanOrEqualTo(Duration.ofNanos(99_000));
  }
}
