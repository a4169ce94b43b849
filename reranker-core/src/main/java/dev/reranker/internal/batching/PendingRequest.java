package dev.reranker.internal.batching;

import dev.reranker.RerankerException;
import dev.reranker.RerankerTimeoutException;
import dev.reranker.internal.batching.QueueStatsRecorder.Outcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One caller's request, from its submit to its end. Every way it can end (scored, timed out,
 * failed, cancelled, closed) goes through one flag, so exactly one of them completes the future,
 * counts in the stats and frees the request's items that still wait.
 *
 * <p>Thread-safe: workers, the deadline timer, {@code close()} and the caller race to end it.
 *
 * @param <I> the item type
 */
final class PendingRequest<I> {
  /** {@link #queued} once the request ended and its waiting items were freed. */
  private static final int RELEASED = Integer.MIN_VALUE;

  private static final Logger logger = LoggerFactory.getLogger(PendingRequest.class);

  private final List<I> items;
  private final float[] scores;
  private final long submitNanos;
  private final long deadlineNanos;
  private final CompletableFuture<float[]> future = new CompletableFuture<>();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicInteger unscored;

  /** Items still counted against the queue bound; {@link #RELEASED} once ended. */
  private final AtomicInteger queued;

  private final QueueStatsRecorder stats;
  private final IntConsumer releaseItems;
  private volatile @Nullable Future<?> timeoutTask;

  /**
   * @param items the request's items, owned by the request from now on
   * @param stats where the request's end is counted
   * @param releaseItems called once, when the request ends, with the number of its items that still
   *     waited and so must be freed from the queue bound (never called with zero)
   */
  PendingRequest(
      List<I> items,
      long submitNanos,
      long deadlineNanos,
      QueueStatsRecorder stats,
      IntConsumer releaseItems) {
    this.items = items;
    this.scores = new float[items.size()];
    this.submitNanos = submitNanos;
    this.deadlineNanos = deadlineNanos;
    this.unscored = new AtomicInteger(items.size());
    this.queued = new AtomicInteger(items.size());
    this.stats = stats;
    this.releaseItems = releaseItems;
  }

  CompletableFuture<float[]> future() {
    return future;
  }

  int size() {
    return items.size();
  }

  I item(int index) {
    return items.get(index);
  }

  /** Returns whether the request has ended, in any way. */
  boolean isFinished() {
    return finished.get();
  }

  boolean pastDeadline(long now) {
    return deadlineNanos != BatchingQueue.NO_DEADLINE && now - deadlineNanos >= 0;
  }

  void setTimeoutTask(Future<?> task) {
    timeoutTask = task;
    if (finished.get()) {
      task.cancel(false); // ended before the task was stored, so release() missed it
    }
  }

  /**
   * Takes one item out of the queue bound, bound for a batch; false if the request has ended. The
   * caller frees the claimed items from the bound itself.
   */
  boolean claim() {
    while (true) {
      int left = queued.get();
      if (left <= 0) {
        return false;
      }
      if (queued.compareAndSet(left, left - 1)) {
        return true;
      }
    }
  }

  /** Records one score; returns true if it was the last one the request waited for. */
  boolean deliver(int index, float score) {
    if (finished.get()) {
      return false; // timed out or cancelled meanwhile: the late score is of no use
    }
    scores[index] = score;
    // The decrement publishes the write above to whoever takes the count to zero.
    return unscored.decrementAndGet() == 0;
  }

  void succeed(long now) {
    if (finished.compareAndSet(false, true)) {
      release();
      stats.succeeded(now - submitNanos);
      try {
        future.complete(scores);
      } catch (Throwable t) {
        logDependentFailure(t);
      }
    }
  }

  void timeOut() {
    if (!finished.get()) {
      int scored = items.size() - unscored.get();
      fail(
          new RerankerTimeoutException(
              "deadline passed with "
                  + scored
                  + " of "
                  + items.size()
                  + " items scored; the rest were dropped"),
          Outcome.TIMED_OUT);
    }
  }

  void fail(RerankerException exception, Outcome outcome) {
    // Stats first, then the future: a caller that joins the future sees its own outcome counted.
    if (finished.compareAndSet(false, true)) {
      release();
      stats.ended(outcome);
      try {
        future.completeExceptionally(exception);
      } catch (Throwable t) {
        logDependentFailure(t);
      }
    }
  }

  /** Runs when the future completes; claims the end only if the caller got there first. */
  void onFutureDone(float @Nullable [] value, @Nullable Throwable error) {
    if (finished.compareAndSet(false, true)) {
      release();
      stats.ended(Outcome.CANCELLED);
    }
  }

  private void release() {
    int left = queued.getAndSet(RELEASED);
    if (left > 0) {
      releaseItems.accept(left);
    }
    Future<?> task = timeoutTask;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** CompletableFuture already shields us from dependents; this is belt and braces. */
  private static void logDependentFailure(Throwable t) {
    logger.warn("completing a request's future threw; ignored", t);
  }

  /**
   * One item of a request, waiting in the queue or held by a worker.
   *
   * @param <I> the item type
   */
  static final class Item<I> {
    final PendingRequest<I> request;
    final int index;
    final int length;
    final long arrivalNanos;

    Item(PendingRequest<I> request, int index, int length, long arrivalNanos) {
      this.request = request;
      this.index = index;
      this.length = length;
      this.arrivalNanos = arrivalNanos;
    }

    I item() {
      return request.item(index);
    }
  }
}
