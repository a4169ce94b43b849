package dev.reranker.internal.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.reranker.internal.batching.BatchingQueue.BatchScorer;
import dev.reranker.internal.batching.BatchingQueue.Config;
import dev.reranker.internal.batching.BatchingQueue.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** Builds queues with unique thread names and waits on futures with bounds, for the tests. */
final class TestQueues implements AutoCloseable {
  private static final AtomicInteger ids = new AtomicInteger();

  private final List<BatchingQueue<String>> created = new ArrayList<>();

  static Config config(int batchSize, Duration maxBatchDelay, int maxQueued, int window) {
    return new Config(batchSize, maxBatchDelay, maxQueued, window);
  }

  /** A thread-name prefix no other queue in this JVM uses, so thread checks see only ours. */
  static String uniquePrefix(String name) {
    return "bq-" + name + "-" + ids.incrementAndGet();
  }

  BatchingQueue<String> create(
      Config config, String prefix, Ticker ticker, List<BatchScorer<String>> scorers) {
    return track(new BatchingQueue<>(config, scorers, String::length, ticker, prefix));
  }

  BatchingQueue<String> create(
      Config config, String prefix, Ticker ticker, BatchScorer<String> scorer) {
    return create(config, prefix, ticker, List.of(scorer));
  }

  BatchingQueue<String> create(Config config, String prefix, BatchScorer<String> scorer) {
    return create(config, prefix, BatchingQueue.Ticker.system(), scorer);
  }

  BatchingQueue<String> track(BatchingQueue<String> queue) {
    created.add(queue);
    return queue;
  }

  @Override
  public void close() {
    created.forEach(BatchingQueue::close);
  }

  /** Strings of the given lengths made of {@code c}, so a batch shows whose items it holds. */
  static List<String> items(char c, int... lengths) {
    List<String> items = new ArrayList<>();
    for (int length : lengths) {
      items.add(String.valueOf(c).repeat(length));
    }
    return items;
  }

  static List<Thread> liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive())
        .toList();
  }

  /** Waits at most {@code within} for the future to fail, and returns its cause. */
  static Throwable failureOf(CompletableFuture<?> future, Duration within) throws Exception {
    try {
      future.get(within.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      fail("future did not complete within " + within);
    }
    return fail("future succeeded, but a failure was expected");
  }

  static float[] scoresOf(CompletableFuture<float[]> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  static void awaitTrue(BooleanSupplier condition, Duration within) throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("condition still false after " + within);
      }
      Thread.sleep(1);
    }
  }

  /** For a close() from outside the queue, which joins every thread before it returns. */
  static void assertNoLiveThreads(String prefix) {
    assertThat(liveThreads(prefix)).extracting(Thread::getName).isEmpty();
  }

  /** For a close() from a queue thread, which cannot join itself: it ends when its call does. */
  static void awaitNoLiveThreads(String prefix) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!liveThreads(prefix).isEmpty() && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    StringBuilder stacks = new StringBuilder();
    for (Thread thread : liveThreads(prefix)) {
      stacks.append(thread.getName()).append(":\n");
      for (StackTraceElement frame : thread.getStackTrace()) {
        stacks.append("  at ").append(frame).append('\n');
      }
    }
    assertThat(stacks.toString()).as("threads still alive").isEmpty();
  }
}
