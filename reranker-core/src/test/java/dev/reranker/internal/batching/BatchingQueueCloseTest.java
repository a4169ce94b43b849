package dev.reranker.internal.batching;

import static dev.reranker.internal.batching.BatchingQueue.NO_DEADLINE;
import static dev.reranker.internal.batching.FakeBatchScorer.contains;
import static dev.reranker.internal.batching.FakeBatchScorer.expectedScores;
import static dev.reranker.internal.batching.TestQueues.assertNoLiveThreads;
import static dev.reranker.internal.batching.TestQueues.awaitNoLiveThreads;
import static dev.reranker.internal.batching.TestQueues.config;
import static dev.reranker.internal.batching.TestQueues.failureOf;
import static dev.reranker.internal.batching.TestQueues.scoresOf;
import static dev.reranker.internal.batching.TestQueues.uniquePrefix;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.RerankerClosedException;
import dev.reranker.RerankerTimeoutException;
import dev.reranker.internal.batching.BatchingQueue.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** close(): intake stops, running batches deliver, queued requests fail, threads end. */
@Timeout(value = 30, unit = SECONDS)
class BatchingQueueCloseTest {
  private static final Duration WITHIN = Duration.ofSeconds(5);

  private final TestQueues queues = new TestQueues();

  @AfterEach
  void closeQueues() {
    queues.close();
  }

  @Test
  void submitAfterClose_failsAtOnce_andCloseIsIdempotent() throws Exception {
    String prefix = uniquePrefix("after");
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), prefix, new FakeBatchScorer());

    queue.close();
    var future = queue.submit(List.of("late"), NO_DEADLINE);
    queue.close();

    assertThat(future).isCompletedExceptionally();
    assertThat(failureOf(future, Duration.ZERO))
        .isInstanceOf(RerankerClosedException.class)
        .hasMessage("queue is closed");
    assertNoLiveThreads(prefix);
  }

  @Test
  void close_letsTheRunningBatchDeliver_andFailsQueuedRequestsAtOnce() throws Exception {
    String prefix = uniquePrefix("drain");
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), prefix, scorer);
    var running = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var queued = queue.submit(List.of("q1", "q2"), NO_DEADLINE);

    Thread closer = new Thread(queue::close, "closer");
    closer.start();

    // Queued requests fail while the running batch is still held in the scorer.
    assertThat(failureOf(queued, WITHIN))
        .isInstanceOf(RerankerClosedException.class)
        .hasMessage("queue closed before the request was scored");
    assertThat(running).isNotDone();
    assertThat(queue.queueDepth()).isZero();
    gate.open();
    assertThat(scoresOf(running)).containsExactly(7);
    closer.join(WITHIN.toMillis());
    assertThat(closer.isAlive()).isFalse();
    assertNoLiveThreads(prefix);
    assertThat(scorer.sawItem("q1")).isFalse();
  }

  @Test
  void closeUnderLoad_completesEveryFuture_andLeavesNoThread() throws Exception {
    String prefix = uniquePrefix("load");
    var scorer = new FakeBatchScorer().busyPerBatch(20_000);
    var queue = queues.create(config(16, Duration.ofMillis(1), 100_000, 2), prefix, scorer);
    Map<CompletableFuture<float[]>, List<String>> submitted = new ConcurrentHashMap<>();
    var errors = new ConcurrentLinkedQueue<Throwable>();
    var start = new CountDownLatch(1);
    List<Thread> submitters = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      Thread submitter =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < 5_000; i++) {
                    List<String> items = randomItems();
                    var future = queue.submit(items, NO_DEADLINE);
                    submitted.put(future, items);
                    if (future.isCompletedExceptionally()) {
                      return; // closed: intake has stopped
                    }
                    if (i % 8 == 0) {
                      future.handle((scores, error) -> null).get(10, SECONDS);
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "submitter-" + t);
      submitter.start();
      submitters.add(submitter);
    }
    start.countDown();
    Thread.sleep(50);

    queue.close();

    for (Thread submitter : submitters) {
      submitter.join(WITHIN.toMillis());
      assertThat(submitter.isAlive()).isFalse();
    }
    assertThat(errors).isEmpty();
    assertNoLiveThreads(prefix);
    int scored = 0;
    for (var entry : submitted.entrySet()) {
      CompletableFuture<float[]> future = entry.getKey();
      assertThat(future).isDone(); // nothing left hanging, not even for a moment
      try {
        assertThat(future.get()).containsExactly(expectedScores(entry.getValue()));
        scored++;
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(RerankerClosedException.class);
      }
    }
    assertThat(scored).isPositive();
    assertThat(queue.queueDepth()).isZero();
  }

  private static List<String> randomItems() {
    var random = ThreadLocalRandom.current();
    List<String> items = new ArrayList<>();
    for (int i = random.nextInt(1, 21); i > 0; i--) {
      items.add("r".repeat(random.nextInt(0, 30)));
    }
    return items;
  }

  @Test
  void concurrentCloses_allReturnOnlyOnceTheQueueHasStopped() throws Exception {
    String prefix = uniquePrefix("many");
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), prefix, scorer);
    var running = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var queued = queue.submit(List.of("q"), NO_DEADLINE);
    int closers = 8;
    var barrier = new CyclicBarrier(closers + 1);
    var sawLiveThreadsAfterClose = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < closers; i++) {
      Thread closer =
          new Thread(
              () -> {
                try {
                  barrier.await();
                  queue.close();
                  if (!TestQueues.liveThreads(prefix).isEmpty()) {
                    sawLiveThreadsAfterClose.set(true);
                  }
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              },
              "closer-" + i);
      closer.start();
      threads.add(closer);
    }
    barrier.await();
    assertThat(failureOf(queued, WITHIN)).isInstanceOf(RerankerClosedException.class);
    Thread.sleep(20); // let the closers pile up on the running batch
    gate.open();

    for (Thread closer : threads) {
      closer.join(WITHIN.toMillis());
      assertThat(closer.isAlive()).isFalse();
    }
    assertThat(sawLiveThreadsAfterClose).isFalse();
    assertThat(scoresOf(running)).containsExactly(7);
    queue.close();
    assertNoLiveThreads(prefix);
  }

  @Test
  void closeFromACallbackOnTheWorker_doesNotDeadlock() throws Exception {
    String prefix = uniquePrefix("cbw");
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), prefix, scorer);
    var running = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var queued = queue.submit(List.of("q"), NO_DEADLINE);
    var callbackThread = new AtomicReference<String>();
    var closed = new CountDownLatch(1);
    var unused =
        running.whenComplete(
            (scores, error) -> {
              callbackThread.set(Thread.currentThread().getName());
              queue.close();
              closed.countDown();
            });

    gate.open();

    assertThat(closed.await(5, SECONDS)).isTrue();
    assertThat(callbackThread.get()).isEqualTo(prefix + "-worker-0");
    assertThat(scoresOf(running)).containsExactly(7);
    assertThat(failureOf(queued, WITHIN)).isInstanceOf(RerankerClosedException.class);
    assertThat(failureOf(queue.submit(List.of("x"), NO_DEADLINE), Duration.ZERO))
        .isInstanceOf(RerankerClosedException.class);
    awaitNoLiveThreads(prefix); // the worker itself ends once the callback returns
  }

  @Test
  void closeFromADeadlineCallback_doesNotDeadlock() throws Exception {
    String prefix = uniquePrefix("cbt");
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), prefix, scorer);
    var running = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var callbackThread = new AtomicReference<String>();
    var closed = new CountDownLatch(1);
    BiConsumer<float[], Throwable> closeQueue =
        (scores, error) -> {
          callbackThread.set(Thread.currentThread().getName());
          queue.close(); // waits for the running batch, from the timer thread
          closed.countDown();
        };
    // Room enough to attach the callback before the deadline, even on a slow machine.
    long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
    var late = queue.submit(List.of("late"), deadline);
    var unused = late.whenComplete(closeQueue);
    assertThat(late).as("callback attached before the deadline").isNotDone();

    // Not late.get(): a thread waiting in get() may run the callback itself.
    TestQueues.awaitTrue(() -> callbackThread.get() != null, WITHIN);
    gate.open();

    assertThat(closed.await(5, SECONDS)).isTrue();
    assertThat(callbackThread.get()).isEqualTo(prefix + "-deadlines");
    assertThat(failureOf(late, WITHIN)).isInstanceOf(RerankerTimeoutException.class);
    assertThat(scoresOf(running)).containsExactly(7);
    awaitNoLiveThreads(prefix);
  }

  @Test
  void closeWithAStuckScorer_interruptsIt_andFailsItsBatch() throws Exception {
    String prefix = uniquePrefix("stuck");
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker")); // waits interruptibly; never opened
    var queue =
        queues.track(
            new BatchingQueue<>(
                config(4, Duration.ZERO, 100, 1),
                List.of(scorer),
                String::length,
                Ticker.system(),
                prefix,
                Duration.ofMillis(100)));
    var running = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();

    long start = System.nanoTime();
    queue.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(failureOf(running, Duration.ZERO)).isInstanceOf(RerankerClosedException.class);
    assertNoLiveThreads(prefix);
  }

  @Test
  void closeWithAScorerThatIgnoresInterrupts_stillReturns_andFailsItsBatch() throws Exception {
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
    var running = queue.submit(List.of("stuck"), NO_DEADLINE);
    assertThat(entered.await(5, SECONDS)).isTrue();

    long start = System.nanoTime();
    queue.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(failureOf(running, Duration.ZERO))
        .isInstanceOf(RerankerClosedException.class)
        .hasMessage("queue closed while the request's batch was stuck");
    release.set(true);
    awaitNoLiveThreads(prefix); // once the scorer returns, the worker sees the close and ends
  }
}
