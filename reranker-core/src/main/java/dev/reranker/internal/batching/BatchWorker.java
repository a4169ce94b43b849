package dev.reranker.internal.batching;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.reranker.RerankerClosedException;
import dev.reranker.RerankerException;
import dev.reranker.ScoringException;
import dev.reranker.internal.batching.BatchingQueue.BatchScorer;
import dev.reranker.internal.batching.PendingRequest.Item;
import dev.reranker.internal.batching.QueueStatsRecorder.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one worker thread, serving one scorer (djl-serving's {@code WorkerThread}): collect a
 * window of waiting items, choose a batch out of it, score the batch, deliver the scores.
 *
 * <p>It takes items from, and puts the unchosen ones back at the head of, its queue's shared deque,
 * so any worker takes them next. The worker ends when it meets the queue's poison pill, or is
 * interrupted after the queue closed; whatever it held but never ran then fails with {@link
 * RerankerClosedException}.
 *
 * @param <I> the item type
 */
final class BatchWorker<I> implements Runnable {
  private static final Logger logger = LoggerFactory.getLogger(BatchWorker.class);

  private final BatchingQueue<I> queue;
  private final BatchScorer<I> scorer;
  private final Thread thread;

  /** Items taken from the queue but not yet claimed into a batch. */
  private final List<Item<I>> window = new ArrayList<>();

  private final List<Item<I>> drained = new ArrayList<>();

  /** The batch in the scorer, for close() to fail if the scorer never returns. */
  private volatile List<Item<I>> running = List.of();

  /** Creates the worker and its daemon thread, not started. */
  BatchWorker(BatchingQueue<I> queue, BatchScorer<I> scorer, String name) {
    this.queue = queue;
    this.scorer = scorer;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  Thread thread() {
    return thread;
  }

  /** Returns the batch in the scorer right now; empty when the worker is not scoring. */
  List<Item<I>> running() {
    return running;
  }

  @Override
  public void run() {
    try {
      while (true) {
        try {
          if (!collectWindow()) {
            return;
          }
          runBatch(chooseBatch());
        } catch (InterruptedException e) {
          if (queue.isClosed()) {
            return;
          }
          // Not close(): someone else's interrupt. The worker must keep serving.
          returnToQueue(window);
        } catch (RuntimeException | Error e) {
          logger.error("{}: unexpected failure; the worker carries on", thread.getName(), e);
          if (!queue.isClosed()) {
            returnToQueue(window);
          }
        }
      }
    } finally {
      abandon();
    }
  }

  /**
   * Fills {@link #window}: blocks for one live item, drains what waits, then polls until a batch is
   * full or the first item has waited {@code maxBatchDelay}. Returns false once closed.
   */
  private boolean collectWindow() throws InterruptedException {
    window.clear();
    while (window.isEmpty()) {
      if (!accept(queue.deque().takeFirst(), queue.ticker().read())) {
        return false;
      }
    }
    long firstArrival = window.get(0).arrivalNanos;
    if (!drain(queue.ticker().read())) {
      return false;
    }
    while (window.size() < queue.batchSize()) {
      long waitNanos = queue.maxDelayNanos() - (queue.ticker().read() - firstArrival);
      if (waitNanos <= 0) {
        break;
      }
      Item<I> next = queue.deque().pollFirst(waitNanos, NANOSECONDS);
      if (next == null) {
        break;
      }
      long now = queue.ticker().read();
      if (!accept(next, now) || !drain(now)) {
        return false;
      }
    }
    return true;
  }

  /** Takes what waits, up to the window's room, without blocking. */
  private boolean drain(long now) {
    int room = queue.windowSize() - window.size();
    if (room <= 0) {
      return true;
    }
    drained.clear();
    queue.deque().drainTo(drained, room);
    for (int i = 0; i < drained.size(); i++) {
      if (!accept(drained.get(i), now)) {
        window.addAll(drained.subList(i + 1, drained.size())); // for abandon() to fail
        drained.clear();
        return false;
      }
    }
    drained.clear();
    return true;
  }

  /** Adds the item to the window if its request is still waiting; false once closed. */
  private boolean accept(Item<I> item, long now) {
    if (queue.isPoison(item)) {
      queue.deque().offerFirst(item); // for the next worker
      return false;
    }
    if (queue.isClosed()) {
      window.add(item);
      return false;
    }
    PendingRequest<I> request = item.request;
    if (request.isFinished()) {
      return true; // timed out or cancelled while waiting: skip
    }
    if (request.pastDeadline(now)) {
      // The timer would fail it too; checking here keeps dead items out of batches, and
      // makes deadlines work on a fake ticker.
      request.timeOut();
      return true;
    }
    window.add(item);
    return true;
  }

  /**
   * Picks the next batch out of the window ({@link LengthGrouping} when it holds more than a batch)
   * and returns the rest to the head of the queue. Claims the batch's items, which frees them from
   * the queue bound.
   */
  private List<Item<I>> chooseBatch() {
    int n = window.size();
    int batchSize = queue.batchSize();
    List<Item<I>> chosen = new ArrayList<>(Math.min(n, batchSize));
    if (n <= batchSize) {
      chosen.addAll(window);
    } else {
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        lengths[i] = window.get(i).length;
      }
      boolean[] taken = new boolean[n];
      for (int position : LengthGrouping.pick(lengths, batchSize)) {
        taken[position] = true;
        chosen.add(window.get(position));
      }
      // Back in arrival order, ahead of younger items.
      for (int i = n - 1; i >= 0; i--) {
        if (!taken[i]) {
          queue.deque().offerFirst(window.get(i));
        }
      }
    }
    window.clear();
    List<Item<I>> batch = new ArrayList<>(chosen.size());
    for (Item<I> item : chosen) {
      if (item.request.claim()) {
        batch.add(item);
      }
    }
    queue.claimed(batch.size());
    return batch;
  }

  private void runBatch(List<Item<I>> batch) {
    // Requests that ended since their items were taken need no scores.
    batch.removeIf(item -> item.request.isFinished());
    if (batch.isEmpty()) {
      return;
    }
    // Entered before the closed check, left after the scorer: close() sees either this worker in
    // its scorer, or the queue closed before the scorer was called (see enterScorer).
    if (!queue.enterScorer()) {
      failAll(batch, BatchingQueue.closedBeforeScored(), Outcome.CLOSED);
      return;
    }
    int n = batch.size();
    float @Nullable [] scores = null;
    Throwable failure = null;
    long start;
    try {
      List<I> items = new ArrayList<>(n);
      start = queue.ticker().read();
      for (Item<I> item : batch) {
        items.add(item.item());
        queue.recorder().queueWait(start - item.arrivalNanos);
      }
      running = batch;
      try {
        scores = scorer.score(Collections.unmodifiableList(items));
      } catch (Throwable t) {
        // Whatever the scorer throws, Errors included, fails its batch, not the worker.
        failure = t;
      } finally {
        running = List.of();
      }
    } finally {
      queue.exitScorer();
    }
    long end = queue.ticker().read();
    if (Thread.interrupted() && !queue.isClosed()) {
      logger.debug("{} was interrupted in its scorer, not by close(); ignored", thread.getName());
    }
    if (failure == null && (scores == null || scores.length != n)) {
      // java-dataloader's assertResultSize: a short or long answer cannot be matched to items.
      String message =
          "scorer returned "
              + (scores == null ? "null" : scores.length + " scores")
              + " for a batch of "
              + n
              + " items";
      failAll(
          batch, new ScoringException(message, new IllegalStateException(message)), Outcome.FAILED);
      return;
    }
    if (failure != null) {
      if (queue.isClosed() && failure instanceof InterruptedException) {
        failAll(
            batch,
            new RerankerClosedException("queue closed while the request's batch was running"),
            Outcome.CLOSED);
      } else {
        failAll(
            batch,
            new ScoringException(
                "scorer failed on a batch of " + n + " items: " + failure, failure),
            Outcome.FAILED);
      }
      return;
    }
    float[] scored = java.util.Objects.requireNonNull(scores); // checked above: n scores
    queue.batchScored(n, end - start);
    List<PendingRequest<I>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Item<I> item = batch.get(i);
      if (item.request.deliver(item.index, scored[i])) {
        done.add(item.request);
      }
    }
    long now = queue.ticker().read();
    for (PendingRequest<I> request : done) {
      request.succeed(now);
    }
  }

  private static <I> void failAll(
      List<Item<I>> batch, RerankerException exception, Outcome outcome) {
    for (Item<I> item : batch) {
      item.request.fail(exception, outcome);
    }
  }

  private void returnToQueue(List<Item<I>> items) {
    for (int i = items.size() - 1; i >= 0; i--) {
      queue.deque().offerFirst(items.get(i));
    }
    items.clear();
  }

  /** On exit, fails what the worker held but never ran. */
  private void abandon() {
    for (Item<I> item : window) {
      item.request.fail(BatchingQueue.closedBeforeScored(), Outcome.CLOSED);
    }
    window.clear();
  }
}
