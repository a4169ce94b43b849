package dev.reranker.internal.batching;

import static dev.reranker.internal.batching.BatchingQueue.NO_DEADLINE;
import static dev.reranker.internal.batching.TestQueues.config;
import static dev.reranker.internal.batching.TestQueues.failureOf;
import static dev.reranker.internal.batching.TestQueues.items;
import static dev.reranker.internal.batching.TestQueues.scoresOf;
import static dev.reranker.internal.batching.TestQueues.uniquePrefix;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.RerankerOverloadedException;
import dev.reranker.RerankerTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time-aware admission: from the measured cost of an item, a request with a deadline that could not
 * be scored before it, behind what waits, is rejected at once with a retry hint. The scorer moves a
 * fake clock by 10 ms per item, so the queue measures 100 items/s exactly.
 */
@Timeout(value = 20, unit = SECONDS)
class BatchingQueueAdmissionTest {
  private static final Duration WITHIN = Duration.ofSeconds(5);
  private static final long MS = 1_000_000L;

  private final TestQueues queues = new TestQueues();
  private final FakeTicker ticker = new FakeTicker();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch blockerEntered = new CountDownLatch(1);

  @AfterEach
  void closeQueues() {
    release.countDown();
    queues.close();
  }

  /** Costs 10 ms of fake time per item; a batch holding "blocker" waits for {@link #release}. */
  private float[] score(List<String> batch) throws InterruptedException {
    if (batch.contains("blocker")) {
      blockerEntered.countDown();
      release.await();
    }
    ticker.advance(Duration.ofMillis(10L * batch.size()));
    return FakeBatchScorer.expectedScores(batch);
  }

  private BatchingQueue<String> queue(String name) {
    return queues.create(
        config(4, Duration.ZERO, 1000, 1), uniquePrefix(name), ticker, this::score);
  }

  /** Three full batches: enough for an estimate. */
  private static void warmUp(BatchingQueue<String> queue) throws Exception {
    for (int i = 0; i < ServiceRate.MIN_SAMPLES; i++) {
      assertThat(scoresOf(queue.submit(items('w', 1, 2, 3, 4), NO_DEADLINE))).hasSize(4);
    }
  }

  /** Blocks the worker on a batch of its own, then queues {@code waiting} items behind it. */
  private List<CompletableFuture<float[]>> backlog(BatchingQueue<String> queue, int waiting)
      throws Exception {
    List<CompletableFuture<float[]>> futures = new ArrayList<>();
    futures.add(queue.submit(List.of("blocker"), NO_DEADLINE));
    assertThat(blockerEntered.await(5, SECONDS)).isTrue();
    for (int i = 0; i < waiting; i++) {
      futures.add(queue.submit(List.of("q" + i), NO_DEADLINE));
    }
    assertThat(queue.queueDepth()).isEqualTo(waiting);
    return futures;
  }

  @Test
  void requestThatWouldMissItsDeadline_isRejectedAtOnce_withARetryHint() throws Exception {
    var queue = queue("late");
    warmUp(queue);
    var waiting = backlog(queue, 40);

    // 44 items at 100 items/s: about 0.44 s, past a 0.2 s deadline.
    var rejected = queue.submit(items('r', 1, 2, 3, 4), ticker.read() + 200 * MS);
    // The same request with a second to spare gets in.
    var admitted = queue.submit(items('a', 1, 2, 3, 4), ticker.read() + 1000 * MS);

    assertThat(rejected).isCompletedExceptionally();
    Throwable failure = failureOf(rejected, Duration.ZERO);
    assertThat(failure)
        .isInstanceOf(RerankerOverloadedException.class)
        .hasMessage(
            "request of 4 items would finish in about 0.4 s (40 items ahead at 100 items/s), after"
                + " its deadline in 0.2 s; retry after about 0.4 s");
    assertThat(((RerankerOverloadedException) failure).retryAfter())
        .contains(Duration.ofMillis(400));
    assertThat(admitted).isNotDone();
    assertThat(queue.stats().rejected()).isEqualTo(1);
    assertThat(queue.queueDepth()).isEqualTo(44);

    release.countDown();
    assertThat(scoresOf(admitted)).hasSize(4);
    for (var f : waiting) {
      assertThat(scoresOf(f)).hasSize(1);
    }
  }

  @Test
  void aRequestThatFitsInOneBatchWithWhatWaits_isAlwaysLetIn() throws Exception {
    var queue = queue("fits");
    warmUp(queue);
    backlog(queue, 2);

    // 2 waiting + 2 = one batch: let in even with a deadline the estimate says it misses; the
    // deadline, not admission, ends it.
    var tight = queue.submit(items('t', 1, 2), ticker.read() + MS);

    assertThat(failureOf(tight, WITHIN)).isInstanceOf(RerankerTimeoutException.class);
    assertThat(queue.stats().rejected()).isZero();
  }

  @Test
  void beforeAnyWellFilledBatch_thereIsNoEstimate_andNothingIsRejectedOnTime() throws Exception {
    var queue = queue("cold");
    backlog(queue, 40); // the blocker's batch holds 1 item, under half a batch: no sample

    var tight = queue.submit(items('t', 1, 2, 3, 4), ticker.read() + MS);

    assertThat(failureOf(tight, WITHIN)).isInstanceOf(RerankerTimeoutException.class);
    assertThat(queue.stats().rejected()).isZero();
  }

  @Test
  void withoutADeadline_onlyTheQueueBoundRejects_andItsErrorCarriesTheHint() throws Exception {
    var queue =
        queues.create(config(4, Duration.ZERO, 42, 1), uniquePrefix("bound"), ticker, this::score);
    warmUp(queue);
    backlog(queue, 40);

    var patient = queue.submit(items('p', 1, 2), NO_DEADLINE);
    var full = queue.submit(items('f', 1), NO_DEADLINE);

    assertThat(patient).isNotDone();
    Throwable failure = failureOf(full, Duration.ZERO);
    assertThat(failure)
        .isInstanceOf(RerankerOverloadedException.class)
        .hasMessage("queue full, 42 items waiting, limit 42, request of 1 items");
    assertThat(((RerankerOverloadedException) failure).retryAfter())
        .contains(Duration.ofMillis(420));
  }

  @Test
  void serviceRate_ignoresSmallBatches_andFollowsTheRecentCost() {
    var rate = new ServiceRate(8);
    rate.observe(3, 1_000_000); // under half a batch: a lone item costs nearly a full batch
    rate.observe(4, 0); // no time measured
    assertThat(rate.nanosPerItem()).isEmpty();
    rate.observe(4, 40);
    rate.observe(8, 80);
    assertThat(rate.nanosPerItem()).isEmpty(); // two samples
    rate.observe(8, 80);
    assertThat(rate.nanosPerItem()).hasValue(10.0);
    rate.observe(8, 160); // 20 per item: the mean moves a fifth of the way
    assertThat(rate.nanosPerItem().getAsDouble())
        .isEqualTo(12.0, org.assertj.core.data.Offset.offset(1e-9));
  }
}
