package dev.reranker.internal.batching;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.reranker.RerankerClosedException;
import dev.reranker.RerankerException;
import dev.reranker.RerankerOverloadedException;
import dev.reranker.RerankerStats;
import dev.reranker.RerankerTimeoutException;
import dev.reranker.ScoringException;
import dev.reranker.internal.batching.PendingRequest.Item;
import dev.reranker.internal.batching.QueueStatsRecorder.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue for all callers; one worker thread per scorer (one scorer per device). This class is
 * the queue's front: admission ({@link #submit}), the shared deque, the queue bound, stats and
 * {@link #close()}; a {@link PendingRequest} tracks one caller's request, a {@link BatchWorker}
 * runs the loop of one worker thread, and {@link LengthGrouping} picks batches of similar length
 * (djl-serving splits {@code BatchAggregator}, {@code WorkerThread} and {@code WorkerPool} alike).
 *
 * <p>Callers {@link #submit} lists of items from any thread and get a future of their scores. Each
 * worker blocks for the first waiting item, drains what else waits, then polls until its batch
 * holds {@code batchSize} items or {@code maxBatchDelay} has passed since that first item
 * <em>arrived</em> (djl-serving {@code BatchAggregator}). Items of different requests share
 * batches; a request larger than a batch is split and put back together in order.
 *
 * <p>With {@code groupWindowBatches > 1} a worker looks at up to that many batches' worth of
 * waiting items, sorts them by {@code length} and takes the run of {@code batchSize} items of most
 * similar length that contains the oldest item, so batches need less padding while the oldest item
 * never waits behind younger ones. The rest go back to the head of the queue, where any worker,
 * this one or another, takes them next.
 *
 * <p>Admission knows time: the workers measure what an item costs in a well-filled batch ({@link
 * ServiceRate}), and a request with a deadline that could not be scored before it, behind what
 * already waits, is rejected at once with {@link RerankerOverloadedException} and a retry hint
 * rather than left to time out; {@code maxQueuedItems} stays the hard bound.
 *
 * <p>Nothing here blocks a caller: a full queue, a closed queue, a deadline, a cancellation and a
 * scorer fault all complete the future exceptionally with a {@link RerankerException}. Futures are
 * completed without holding any lock, so their dependent stages run in the completing thread (a
 * worker, the deadline timer, or the caller that cancels); attach slow stages with an {@code
 * *Async} method so that they do not hold up a worker.
 *
 * @param <I> the item type the scorers take
 */
public final class BatchingQueue<I> implements AutoCloseable {
  /** Passed as {@code deadlineNanos} to {@link #submit} for a request without a deadline. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  /** How long {@link #close()} waits for a running batch before interrupting its worker. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** After the interrupt, a scorer needs a moment to unwind and its thread to end. */
  private static final long MIN_GRACE_NANOS = Duration.ofMillis(500).toNanos();

  /** Admission rejects when the estimate plus 1/this of it passes the deadline. */
  private static final long ADMISSION_SLACK_DIVISOR = 10;

  /** The longest duration that fits a long of nanoseconds. */
  private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

  private static final Logger logger = LoggerFactory.getLogger(BatchingQueue.class);

  /**
   * Scores one batch of items, e.g. with one model on one device.
   *
   * @param <I> the item type
   */
  @FunctionalInterface
  public interface BatchScorer<I> {
    /**
     * Scores one batch; returns exactly one score per item, in order. May throw. Called only from
     * its own worker thread, so an implementation need not be thread-safe.
     *
     * @param batch between 1 and {@code batchSize} items; unmodifiable, valid during this call
     * @return one score per item, in the order of {@code batch}
     * @throws Exception if the batch cannot be scored; fails only the requests in this batch
     */
    float[] score(List<I> batch) throws Exception;
  }

  /** A source of nanosecond time, as {@link System#nanoTime()}; injectable for tests. */
  @FunctionalInterface
  public interface Ticker {
    /** Returns the current time in nanoseconds from an arbitrary, fixed origin. */
    long read();

    /** Returns a ticker that reads {@link System#nanoTime()}. */
    static Ticker system() {
      return System::nanoTime;
    }
  }

  /**
   * The queue's settings.
   *
   * @param batchSize most items per batch
   * @param maxBatchDelay longest a batch waits to fill, from the arrival of its first item; zero
   *     runs whatever is waiting at once
   * @param maxQueuedItems most items waiting, not yet in a running batch, over all requests
   * @param groupWindowBatches how many batches' worth of waiting items a worker sorts by length to
   *     form one batch; 1 is plain FIFO batching
   */
  public record Config(
      int batchSize, Duration maxBatchDelay, int maxQueuedItems, int groupWindowBatches) {
    /**
     * Checks the settings.
     *
     * @throws NullPointerException if {@code maxBatchDelay} is null
     * @throws IllegalArgumentException if a count is not positive, {@code maxBatchDelay} is
     *     negative, or {@code batchSize * groupWindowBatches} exceeds {@link Integer#MAX_VALUE}
     */
    public Config {
      checkArgument(batchSize > 0, "batchSize must be positive, but was %s", batchSize);
      checkNotNull(maxBatchDelay, "maxBatchDelay");
      checkArgument(
          !maxBatchDelay.isNegative(),
          "maxBatchDelay must not be negative, but was %s",
          maxBatchDelay);
      checkArgument(
          maxQueuedItems > 0, "maxQueuedItems must be positive, but was %s", maxQueuedItems);
      checkArgument(
          groupWindowBatches > 0,
          "groupWindowBatches must be positive, but was %s",
          groupWindowBatches);
      checkArgument(
          (long) batchSize * groupWindowBatches <= Integer.MAX_VALUE,
          "batchSize * groupWindowBatches must fit an int, but was %s * %s",
          batchSize,
          groupWindowBatches);
    }
  }

  private final int batchSize;
  private final int windowSize;
  private final long maxDelayNanos;
  private final int maxQueuedItems;
  private final @Nullable ToIntFunction<I> length; // null when not grouping: no need to measure
  private final Ticker ticker;
  private final long closeTimeoutNanos;

  /** Items in arrival order, plus at most one {@link #poison} after close. */
  private final LinkedBlockingDeque<Item<I>> queue = new LinkedBlockingDeque<>();

  private final Item<I> poison;

  /** Items counted against {@code maxQueuedItems}: reserved on submit, freed on claim or end. */
  private final AtomicInteger queuedItems = new AtomicInteger();

  /** Entries of ended requests that may still sit in {@link #queue}; see {@link #noteDead}. */
  private final AtomicInteger deadEntries = new AtomicInteger();

  private final AtomicBoolean purging = new AtomicBoolean();
  private final QueueStatsRecorder stats = new QueueStatsRecorder();
  private final ServiceRate rate;
  private final ScheduledThreadPoolExecutor timer;
  private final List<Thread> timerThreads = Collections.synchronizedList(new ArrayList<>());
  private final List<BatchWorker<I>> workers;

  /** Workers inside (or about to enter) their scorer; see {@link #enterScorer()}. */
  private final AtomicInteger inScorer = new AtomicInteger();

  private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile @Nullable Thread closingThread;

  /**
   * Creates the queue and starts one daemon worker thread per scorer, named {@code threadName +
   * "-worker-" + i}, and one deadline timer thread, {@code threadName + "-deadlines"}.
   *
   * @param config the settings
   * @param scorers one per device; worker {@code i} calls only {@code scorers.get(i)}
   * @param length an item's length (e.g. its token count), for grouping by length; not called when
   *     {@code groupWindowBatches} is 1
   * @param ticker the clock that {@code deadlineNanos} and the batch delay are measured on
   * @param threadName prefix of the queue's thread names
   * @throws NullPointerException if an argument or a scorer is null
   * @throws IllegalArgumentException if {@code scorers} is empty
   */
  public BatchingQueue(
      Config config,
      List<? extends BatchScorer<I>> scorers,
      ToIntFunction<I> length,
      Ticker ticker,
      String threadName) {
    this(config, scorers, length, ticker, threadName, DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * As {@link #BatchingQueue(Config, List, ToIntFunction, Ticker, String)}, with how long {@link
   * #close()} waits for a running batch before it interrupts the batch's worker.
   *
   * @throws IllegalArgumentException also if {@code closeTimeout} is not positive
   */
  public BatchingQueue(
      Config config,
      List<? extends BatchScorer<I>> scorers,
      ToIntFunction<I> length,
      Ticker ticker,
      String threadName,
      Duration closeTimeout) {
    checkNotNull(config, "config");
    checkNotNull(scorers, "scorers");
    checkNotNull(length, "length");
    checkNotNull(ticker, "ticker");
    checkNotNull(threadName, "threadName");
    checkNotNull(closeTimeout, "closeTimeout");
    checkArgument(!scorers.isEmpty(), "scorers must not be empty");
    for (int i = 0; i < scorers.size(); i++) {
      checkNotNull(scorers.get(i), "scorers[%s]", i);
    }
    checkArgument(
        closeTimeout.compareTo(Duration.ZERO) > 0,
        "closeTimeout must be positive, but was %s",
        closeTimeout);
    this.batchSize = config.batchSize();
    this.rate = new ServiceRate(config.batchSize());
    this.windowSize = config.batchSize() * config.groupWindowBatches();
    this.maxDelayNanos = saturatedNanos(config.maxBatchDelay());
    this.maxQueuedItems = config.maxQueuedItems();
    this.length = config.groupWindowBatches() > 1 ? length : null;
    this.ticker = ticker;
    this.closeTimeoutNanos = saturatedNanos(closeTimeout);
    this.poison =
        new Item<>(new PendingRequest<>(List.of(), 0, NO_DEADLINE, stats, n -> {}), -1, 0, 0);

    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, threadName + "-deadlines");
              thread.setDaemon(true);
              ownThreads.add(thread);
              timerThreads.add(thread);
              return thread;
            });
    // Ended requests cancel their deadline task; without this, cancelled tasks pile up.
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);

    List<BatchWorker<I>> created = new ArrayList<>(scorers.size());
    for (int i = 0; i < scorers.size(); i++) {
      BatchWorker<I> worker = new BatchWorker<>(this, scorers.get(i), threadName + "-worker-" + i);
      ownThreads.add(worker.thread());
      created.add(worker);
    }
    this.workers = List.copyOf(created);
    // Started here, not lazily in a caller's thread, so the thread inherits nothing of a caller.
    timer.prestartCoreThread();
    for (BatchWorker<I> worker : workers) {
      worker.thread().start();
    }
  }

  /**
   * Submits one request's items; the future completes with their scores in the order given.
   *
   * <p>Never blocks and never fails by throwing once the arguments are valid: if the queue is full
   * or closed, or {@code deadlineNanos} has passed, the returned future is already failed.
   * Cancelling the future drops the request's items that have not run yet. The returned array is
   * the caller's own.
   *
   * @param items the items, in the order the scores are wanted; copied
   * @param deadlineNanos {@link Ticker} time at which the future fails with {@link
   *     RerankerTimeoutException}, or {@link #NO_DEADLINE}
   * @return a future of one score per item; fails with {@link RerankerOverloadedException} when
   *     more than {@code maxQueuedItems} items would wait, or when the request has a deadline, does
   *     not fit in one batch with what waits, and the measured throughput ({@link ServiceRate})
   *     says it would finish after its deadline, {@link RerankerTimeoutException} at the deadline,
   *     {@link ScoringException} when a batch with one of its items fails, {@link
   *     RerankerClosedException} when the queue is or gets closed before the items run
   * @throws NullPointerException if {@code items} or one of them is null
   * @throws IllegalArgumentException if {@code items} is empty
   */
  public CompletableFuture<float[]> submit(List<I> items, long deadlineNanos) {
    checkNotNull(items, "items");
    checkArgument(!items.isEmpty(), "items must not be empty");
    List<I> copy = new ArrayList<>(items);
    for (int i = 0; i < copy.size(); i++) {
      checkNotNull(copy.get(i), "items[%s]", i);
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(new RerankerClosedException("queue is closed"));
    }
    int count = copy.size();
    int[] lengths = new int[count];
    if (length != null) {
      for (int i = 0; i < count; i++) {
        lengths[i] = length.applyAsInt(copy.get(i));
      }
    }
    long now = ticker.read();
    OptionalDouble perItem = rate.nanosPerItem();
    if (deadlineNanos != NO_DEADLINE && perItem.isPresent()) {
      // Time-aware admission: reject at once what would only wait to time out. A request that
      // fits in one batch with what waits is always let in: its wait is one batch, not a backlog.
      int ahead = queueDepth();
      if ((long) ahead + count > batchSize) {
        long finish = estimateNanos(perItem.getAsDouble(), (long) ahead + count);
        // A tenth of slack: better told at once a little early than left to time out.
        if (finish + finish / ADMISSION_SLACK_DIVISOR > deadlineNanos - now) {
          stats.rejected();
          Duration retry = retryAfter(perItem.getAsDouble(), ahead);
          return CompletableFuture.failedFuture(
              new RerankerOverloadedException(
                  String.format(
                      Locale.ROOT,
                      "request of %d items would finish in about %.1f s (%d items ahead at %.0f"
                          + " items/s), after its deadline in %.1f s; retry after about %.1f s",
                      count,
                      finish / 1e9,
                      ahead,
                      workers.size() * 1e9 / perItem.getAsDouble(),
                      Math.max(0, deadlineNanos - now) / 1e9,
                      retry.toNanos() / 1e9),
                  retry));
        }
      }
    }
    int waiting = reserve(count);
    if (waiting >= 0) {
      stats.rejected();
      return CompletableFuture.failedFuture(
          new RerankerOverloadedException(
              "queue full, "
                  + waiting
                  + " items waiting, limit "
                  + maxQueuedItems
                  + ", request of "
                  + count
                  + " items",
              perItem.isPresent() ? retryAfter(perItem.getAsDouble(), waiting) : null));
    }

    PendingRequest<I> request =
        new PendingRequest<>(copy, now, deadlineNanos, stats, this::releaseWaiting);
    stats.accepted(count);
    // Catches the caller's cancel (or complete) so that the request's queued items are dropped.
    var unused = request.future().whenComplete(request::onFutureDone);
    if (deadlineNanos != NO_DEADLINE) {
      long delay = deadlineNanos - now;
      if (delay <= 0) {
        request.timeOut();
        return request.future();
      }
      try {
        request.setTimeoutTask(timer.schedule(request::timeOut, delay, NANOSECONDS));
      } catch (RejectedExecutionException e) {
        request.fail(new RerankerClosedException("queue is closed"), Outcome.CLOSED);
        return request.future();
      }
    }
    List<Item<I>> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(new Item<>(request, i, lengths[i], now));
    }
    // One lock acquisition for the whole request, which also keeps its items contiguous.
    queue.addAll(entries);
    if (closed.get()) {
      // close() may have drained the queue before our entries landed; nobody else will fail us.
      request.fail(new RerankerClosedException("queue is closed"), Outcome.CLOSED);
    }
    return request.future();
  }

  /** Returns a snapshot of the queue's counters and latencies since it was created. */
  public RerankerStats stats() {
    return stats.snapshot(queueDepth(), batchSize);
  }

  /** Returns the entries held in the queue, those of ended requests included; for tests. */
  int entriesHeld() {
    return queue.size();
  }

  /**
   * Returns whether the queue is closed and no worker is inside its scorer: from then on no scorer
   * is called again, so what the scorers use (a model's native memory) may be freed. False while
   * open, and after {@link #close()} while a scorer that ignored the interrupt still runs.
   */
  public boolean scorersStopped() {
    return closed.get() && inScorer.get() == 0;
  }

  /** Returns the number of items waiting, not yet in a running batch. */
  public int queueDepth() {
    return Math.max(0, queuedItems.get());
  }

  /**
   * Closes the queue: later submits fail with {@link RerankerClosedException}, requests still
   * waiting fail with it at once, batches already running finish and deliver, and then the queue's
   * threads end.
   *
   * <p>Waits up to a few seconds for a running batch, then interrupts its worker, waits a little
   * more and fails the batch's requests with {@link RerankerClosedException}; a scorer that ignores
   * interrupts may thus outlive this call. Idempotent; safe from any thread, also concurrently and
   * from a future's callback. A second caller waits for the first to finish, unless it is a thread
   * of this queue or the closing thread itself, which must not wait on themselves. Once it returns,
   * {@link #scorersStopped()} says whether a scorer still runs.
   */
  @Override
  public void close() {
    Thread me = Thread.currentThread();
    if (!closed.compareAndSet(false, true)) {
      if (!ownThreads.contains(me) && closingThread != me) {
        try {
          terminated.await();
        } catch (InterruptedException e) {
          me.interrupt();
        }
      }
      return;
    }
    closingThread = me;
    boolean interrupted = false;
    try {
      failQueued();
      // One pill wakes every worker: each puts it back for the next before it exits.
      queue.offerFirst(poison);
      interrupted = joinWorkers(me);
      failQueued();
      timer.shutdown();
      interrupted |= joinTimer(me);
    } finally {
      terminated.countDown();
      if (interrupted) {
        me.interrupt();
      }
    }
  }

  private void failQueued() {
    List<Item<I>> left = new ArrayList<>();
    queue.drainTo(left);
    for (Item<I> entry : left) {
      if (entry == poison) {
        queue.offerFirst(poison); // a worker may still be on its way to the queue
      } else if (!entry.request.isFinished()) {
        entry.request.fail(closedBeforeScored(), Outcome.CLOSED);
      }
    }
  }

  /** Returns whether the closing thread was interrupted while it waited. */
  private boolean joinWorkers(Thread me) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + closeTimeoutNanos;
    for (BatchWorker<I> worker : workers) {
      if (worker.thread() != me && !interrupted) {
        interrupted = !join(worker.thread(), deadline - System.nanoTime());
      }
    }
    List<BatchWorker<I>> stuck = new ArrayList<>();
    for (BatchWorker<I> worker : workers) {
      if (worker.thread() != me && worker.thread().isAlive()) {
        worker.thread().interrupt();
        stuck.add(worker);
      }
    }
    long grace = System.nanoTime() + Math.max(closeTimeoutNanos / 5, MIN_GRACE_NANOS);
    for (BatchWorker<I> worker : stuck) {
      if (!interrupted) {
        interrupted = !join(worker.thread(), grace - System.nanoTime());
      }
      if (worker.thread().isAlive()) {
        logger.warn(
            "{} ignored an interrupt {} ms into close(); failing its running batch",
            worker.thread().getName(),
            NANOSECONDS.toMillis(closeTimeoutNanos));
        for (Item<I> entry : worker.running()) {
          entry.request.fail(
              new RerankerClosedException("queue closed while the request's batch was stuck"),
              Outcome.CLOSED);
        }
      }
    }
    return interrupted;
  }

  private boolean joinTimer(Thread me) {
    if (timerThreads.contains(me)) {
      return false; // closed from a deadline callback: the timer ends once the callback returns
    }
    long deadline = System.nanoTime() + closeTimeoutNanos;
    try {
      if (!timer.awaitTermination(closeTimeoutNanos, NANOSECONDS)) {
        logger.warn("deadline timer did not stop: a future callback is blocking it");
        return false;
      }
    } catch (InterruptedException e) {
      return true;
    }
    // awaitTermination returns while the thread is still exiting; callers expect it gone.
    for (Thread thread : List.copyOf(timerThreads)) {
      if (!join(thread, deadline - System.nanoTime())) {
        return true;
      }
    }
    return false;
  }

  /** Joins for at most {@code nanos}; returns false if interrupted. */
  private static boolean join(Thread thread, long nanos) {
    try {
      long millis = Math.max(1, NANOSECONDS.toMillis(nanos));
      thread.join(millis);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** The estimated time to score {@code items} items with every worker busy. */
  private long estimateNanos(double nanosPerItem, long items) {
    double nanos = items * nanosPerItem / workers.size();
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) Math.ceil(nanos);
  }

  /** About how long until {@code waiting} items are scored; at least a millisecond. */
  private Duration retryAfter(double nanosPerItem, int waiting) {
    return Duration.ofNanos(Math.max(1_000_000L, estimateNanos(nanosPerItem, waiting)));
  }

  /** Returns -1 if {@code count} items were reserved, else the number waiting. */
  private int reserve(int count) {
    while (true) {
      int waiting = queuedItems.get();
      if ((long) waiting + count > maxQueuedItems) {
        return waiting;
      }
      if (queuedItems.compareAndSet(waiting, waiting + count)) {
        return -1;
      }
    }
  }

  /**
   * Ended requests leave their entries in the queue, where workers skip them. If workers are stuck
   * (a hung device) while callers time out and retry, those entries would pile up without bound, so
   * once as many are dead as may wait, one thread sweeps them out. Amortized O(1).
   */
  private void noteDead(int entries) {
    if (deadEntries.addAndGet(entries) > maxQueuedItems && purging.compareAndSet(false, true)) {
      try {
        deadEntries.set(0);
        queue.removeIf(entry -> entry != poison && entry.request.isFinished());
      } finally {
        purging.set(false);
      }
    }
  }

  /** Frees a request's items that still waited when it ended; see {@link PendingRequest}. */
  private void releaseWaiting(int items) {
    queuedItems.addAndGet(-items);
    noteDead(items);
  }

  // What the workers share with the front; see BatchWorker.

  LinkedBlockingDeque<Item<I>> deque() {
    return queue;
  }

  boolean isPoison(Item<I> item) {
    return item == poison;
  }

  boolean isClosed() {
    return closed.get();
  }

  Ticker ticker() {
    return ticker;
  }

  QueueStatsRecorder recorder() {
    return stats;
  }

  /** Records a scored batch for admission's throughput estimate. */
  void batchScored(int items, long nanos) {
    stats.batchScored(items, nanos);
    rate.observe(items, nanos);
  }

  int batchSize() {
    return batchSize;
  }

  int windowSize() {
    return windowSize;
  }

  long maxDelayNanos() {
    return maxDelayNanos;
  }

  /** Frees items a worker claimed into a batch from the queue bound. */
  void claimed(int items) {
    queuedItems.addAndGet(-items);
  }

  /**
   * Marks a worker as inside its scorer; false, unmarked, if the queue is closed. Counting before
   * the closed check (both sequentially consistent) means close(), which sets closed before it
   * reads the count, either sees the worker counted or the worker sees closed.
   */
  boolean enterScorer() {
    inScorer.incrementAndGet();
    if (closed.get()) {
      inScorer.decrementAndGet();
      return false;
    }
    return true;
  }

  void exitScorer() {
    inScorer.decrementAndGet();
  }

  static RerankerClosedException closedBeforeScored() {
    return new RerankerClosedException("queue closed before the request was scored");
  }

  /**
   * Returns a non-negative duration in nanoseconds, or {@link Long#MAX_VALUE} when it has more
   * (about 292 years): the one way the reranker turns a {@code Duration} into nanoseconds without
   * overflow.
   */
  public static long saturatedNanos(Duration duration) {
    return duration.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : duration.toNanos();
  }
}
