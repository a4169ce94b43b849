package dev.reranker.internal.batching;

import static dev.reranker.internal.batching.BatchingQueue.NO_DEADLINE;
import static dev.reranker.internal.batching.FakeBatchScorer.contains;
import static dev.reranker.internal.batching.FakeBatchScorer.expectedScores;
import static dev.reranker.internal.batching.TestQueues.config;
import static dev.reranker.internal.batching.TestQueues.scoresOf;
import static dev.reranker.internal.batching.TestQueues.uniquePrefix;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.internal.batching.BatchingQueue.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** scorersStopped(): what close() lets its owner free, and when. */
@Timeout(value = 30, unit = SECONDS)
class BatchingQueueScorersStoppedTest {
  private final TestQueues queues = new TestQueues();

  @AfterEach
  void closeQueues() {
    queues.close();
  }

  @Test
  void falseWhileOpen_evenWhenIdle_trueOnceClosed() throws Exception {
    var queue =
        queues.create(
            config(4, Duration.ZERO, 100, 1), uniquePrefix("idle"), new FakeBatchScorer());
    assertThat(scoresOf(queue.submit(List.of("abc"), NO_DEADLINE))).containsExactly(3);

    assertThat(queue.scorersStopped()).isFalse();
    queue.close();
    assertThat(queue.scorersStopped()).isTrue();
  }

  @Test
  void closeWaitsForARunningScorer_thenReportsItStopped() throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("wait"), scorer);
    var running = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    assertThat(queue.scorersStopped()).isFalse();

    Thread closer = new Thread(queue::close, "closer");
    closer.start();
    Thread.sleep(50);
    assertThat(queue.scorersStopped()).as("closed, but the scorer still runs").isFalse();
    gate.open();
    closer.join(5_000);

    assertThat(closer.isAlive()).isFalse();
    assertThat(queue.scorersStopped()).isTrue();
    assertThat(scoresOf(running)).containsExactly(7);
  }

  @Test
  void aScorerThatIgnoresTheInterrupt_keepsItFalseAfterClose_untilItReturns() throws Exception {
    String prefix = uniquePrefix("deaf");
    var entered = new CountDownLatch(1);
    var release = new AtomicBoolean();
    BatchingQueue.BatchScorer<String> deaf =
        batch -> {
          entered.countDown();
          while (!release.get()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            Thread.interrupted(); // a scorer stuck in native code does not see interrupts
          }
          return expectedScores(batch);
        };
    var queue =
        queues.track(
            new BatchingQueue<>(
                config(4, Duration.ZERO, 100, 1),
                List.of(deaf),
                String::length,
                Ticker.system(),
                prefix,
                Duration.ofMillis(100)));
    var unused = queue.submit(List.of("stuck"), NO_DEADLINE);
    assertThat(entered.await(5, SECONDS)).isTrue();

    queue.close();

    assertThat(queue.scorersStopped()).isFalse();
    release.set(true);
    TestQueues.awaitTrue(queue::scorersStopped, Duration.ofSeconds(5));
    TestQueues.awaitNoLiveThreads(prefix);
  }
}
