package dev.reranker.internal.batching;

import static dev.reranker.internal.batching.BatchingQueue.NO_DEADLINE;
import static dev.reranker.internal.batching.FakeBatchScorer.contains;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue bound, deadlines and cancellation. */
@Timeout(value = 20, unit = SECONDS)
class BatchingQueueLimitsTest {
  private static final Duration WITHIN = Duration.ofSeconds(5);

  private final TestQueues queues = new TestQueues();

  @AfterEach
  void closeQueues() {
    queues.close();
  }

  @Test
  void fullQueue_rejectsAtOnce_withTypedException_andFreesTheBoundOnceItemsRun() throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 10, 1), uniquePrefix("full"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var six = queue.submit(items('s', 1, 2, 3, 4, 5, 6), NO_DEADLINE);
    var four = queue.submit(items('f', 1, 2, 3, 4), NO_DEADLINE);
    assertThat(queue.queueDepth()).isEqualTo(10);

    var rejected = queue.submit(List.of("r"), NO_DEADLINE);

    assertThat(rejected).isCompletedExceptionally(); // already failed: submit never blocks
    assertThat(failureOf(rejected, Duration.ZERO))
        .isInstanceOf(RerankerOverloadedException.class)
        .hasMessage("queue full, 10 items waiting, limit 10, request of 1 items");

    gate.open();
    assertThat(scoresOf(six)).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(scoresOf(four)).containsExactly(1, 2, 3, 4);
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(queue.queueDepth()).isZero();
    assertThat(scoresOf(queue.submit(items('z', 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), NO_DEADLINE)))
        .hasSize(10);
    assertThat(queue.stats().rejected()).isEqualTo(1);
    assertThat(queue.stats().requests()).isEqualTo(4);
  }

  @Test
  void requestLargerThanTheBound_isRejectedEvenWhenTheQueueIsEmpty() throws Exception {
    var scorer = new FakeBatchScorer();
    var queue = queues.create(config(4, Duration.ZERO, 10, 1), uniquePrefix("huge"), scorer);

    var huge = queue.submit(items('h', new int[11]), NO_DEADLINE);

    assertThat(huge).isCompletedExceptionally();
    assertThat(failureOf(huge, Duration.ZERO))
        .isInstanceOf(RerankerOverloadedException.class)
        .hasMessage("queue full, 0 items waiting, limit 10, request of 11 items");
    assertThat(scorer.batches()).isEmpty();
  }

  @Test
  void deadline_failsTheRequestOnTime_evenWithNoWorkerFree_andItsItemsNeverRun() throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("late"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();

    // Long enough to see the items held against the bound before they time out.
    long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
    var late = queue.submit(List.of("late-1", "late-2"), deadline);
    assertThat(queue.queueDepth()).isEqualTo(2);

    assertThat(failureOf(late, WITHIN))
        .isInstanceOf(RerankerTimeoutException.class)
        .hasMessage("deadline passed with 0 of 2 items scored; the rest were dropped");
    long failedAt = System.nanoTime();
    assertThat(failedAt - deadline).isBetween(0L, Duration.ofSeconds(1).toNanos());
    assertThat(queue.queueDepth()).isZero();

    gate.open();
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(scoresOf(queue.submit(List.of("after"), NO_DEADLINE))).containsExactly(5);
    assertThat(scorer.sawItem("late-1") || scorer.sawItem("late-2")).isFalse();
    assertThat(queue.stats().timedOut()).isEqualTo(1);
  }

  @Test
  void deadline_isAlsoCheckedByTheWorker_onTheQueuesTicker() throws Exception {
    var ticker = new FakeTicker();
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue =
        queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("tick"), ticker, scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    // The timer would fire an hour from now in real time; only the fake clock says it is late.
    var late = queue.submit(List.of("late"), ticker.read() + Duration.ofHours(1).toNanos());

    ticker.advance(Duration.ofHours(2));
    gate.open();

    assertThat(failureOf(late, WITHIN)).isInstanceOf(RerankerTimeoutException.class);
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(scoresOf(queue.submit(List.of("after"), NO_DEADLINE))).containsExactly(5);
    assertThat(scorer.sawItem("late")).isFalse();
  }

  @Test
  void deadlineAlreadyPassed_failsAtOnce() throws Exception {
    var ticker = new FakeTicker();
    var scorer = new FakeBatchScorer();
    var queue =
        queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("past"), ticker, scorer);

    var late = queue.submit(List.of("late"), ticker.read());

    assertThat(late).isCompletedExceptionally();
    assertThat(failureOf(late, Duration.ZERO)).isInstanceOf(RerankerTimeoutException.class);
    assertThat(queue.queueDepth()).isZero();
    assertThat(queue.stats().timedOut()).isEqualTo(1);
  }

  @Test
  void cancel_dropsQueuedItems_freesTheBound_andTheyAreNeverScored() throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("cancel"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var cancelled = queue.submit(List.of("gone-1", "gone-2", "gone-3"), NO_DEADLINE);
    assertThat(queue.queueDepth()).isEqualTo(3);

    assertThat(cancelled.cancel(true)).isTrue();

    assertThat(queue.queueDepth()).isZero();
    assertThat(queue.stats().cancelled()).isEqualTo(1);
    gate.open();
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(scoresOf(queue.submit(List.of("after"), NO_DEADLINE))).containsExactly(5);
    assertThat(scorer.batches())
        .noneMatch(batch -> batch.stream().anyMatch(item -> item.startsWith("gone")));
    assertThat(cancelled).isCancelled();
  }

  @Test
  void timeoutOfAPartlyScoredRequest_skipsItsRest_andIgnoresTheLateBatch() throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("p3"));
    var queue = queues.create(config(2, Duration.ZERO, 100, 1), uniquePrefix("part"), scorer);

    // Long enough for the worker to reach the gate first.
    long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
    var partly = queue.submit(List.of("p1", "p2", "p3", "p4", "p5", "p6"), deadline);
    gate.awaitEntered(); // [p1, p2] scored, [p3, p4] running, [p5, p6] waiting

    assertThat(failureOf(partly, WITHIN))
        .isInstanceOf(RerankerTimeoutException.class)
        .hasMessage("deadline passed with 2 of 6 items scored; the rest were dropped");
    assertThat(queue.queueDepth()).isZero();
    gate.open(); // the late [p3, p4] result must be dropped quietly

    assertThat(scoresOf(queue.submit(List.of("after"), NO_DEADLINE))).containsExactly(5);
    assertThat(scorer.batches())
        .containsExactly(List.of("p1", "p2"), List.of("p3", "p4"), List.of("after"));
    assertThat(queue.stats().timedOut()).isEqualTo(1);
  }

  @Test
  void cancelOfAPartlyScoredRequest_skipsItsRest() throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("p3"));
    var queue = queues.create(config(2, Duration.ZERO, 100, 1), uniquePrefix("pcan"), scorer);

    var partly = queue.submit(List.of("p1", "p2", "p3", "p4", "p5", "p6"), NO_DEADLINE);
    gate.awaitEntered();
    assertThat(partly.cancel(false)).isTrue();
    assertThat(queue.queueDepth()).isZero();
    gate.open();

    assertThat(scoresOf(queue.submit(List.of("after"), NO_DEADLINE))).containsExactly(5);
    assertThat(scorer.batches())
        .containsExactly(List.of("p1", "p2"), List.of("p3", "p4"), List.of("after"));
    assertThat(queue.stats().cancelled()).isEqualTo(1);
  }

  @Test
  void entriesOfEndedRequests_areSweptOut_soAHungScorerCannotGrowTheQueueWithoutBound()
      throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 10, 1), uniquePrefix("sweep"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();

    for (int i = 0; i < 1_000; i++) {
      // Callers that give up and retry while the device hangs.
      assertThat(queue.submit(items('d', 1, 2, 3, 4, 5), NO_DEADLINE).cancel(false)).isTrue();
      assertThat(queue.entriesHeld()).isLessThanOrEqualTo(2 * 10 + 5);
    }

    assertThat(queue.queueDepth()).isZero();
    gate.open();
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(scoresOf(queue.submit(List.of("after"), NO_DEADLINE))).containsExactly(5);
    assertThat(scorer.batches()).containsExactly(List.of("blocker"), List.of("after"));
    assertThat(queue.stats().cancelled()).isEqualTo(1_000);
  }
}
