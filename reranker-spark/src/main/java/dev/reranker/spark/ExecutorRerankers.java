package dev.reranker.spark;

import dev.reranker.Reranker;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rerankers of this JVM (a Spark executor, or the driver in local mode), one per distinct
 * {@link ScoringOptions#rerankerKey()}: loaded by the first task that needs it, shared by every
 * task after it (DJL's Spark predictors hold one model per executor the same way), closed at JVM
 * exit. Tasks lease a reranker; one that no task holds stays loaded for the next stage unless more
 * than {@link #MAX_IDLE} idle ones are cached, then the least recently used idle one is closed.
 */
final class ExecutorRerankers {
  private static final Logger logger = LoggerFactory.getLogger(ExecutorRerankers.class);

  /** Idle rerankers kept loaded: a job compares at most a couple of checkpoints at a time. */
  static final int MAX_IDLE = 2;

  private static final Object lock = new Object();

  /** Access order: the first entry is the least recently leased. Guarded by {@link #lock}. */
  private static final Map<String, Entry> entries = new LinkedHashMap<>(8, 0.75f, true);

  private static final AtomicLong loads = new AtomicLong();
  private static final Map<String, Long> loadsByKey = new ConcurrentHashMap<>();
  private static boolean hookAdded; // guarded by lock

  private ExecutorRerankers() {}

  /** One cached reranker, built on first use; {@code leases} is guarded by {@link #lock}. */
  private static final class Entry {
    private final ScoringOptions options;
    private @Nullable Reranker reranker; // guarded by this
    private @Nullable RuntimeException failure; // guarded by this
    private int leases;

    Entry(ScoringOptions options) {
      this.options = options;
    }

    /** Loads the reranker once; tasks that arrive meanwhile wait for it. */
    synchronized Reranker get() {
      if (reranker == null) {
        if (failure != null) {
          throw failure;
        }
        try {
          long start = System.nanoTime();
          reranker = options.newReranker();
          loads.incrementAndGet();
          loadsByKey.merge(options.rerankerKey(), 1L, Long::sum);
          logger.info(
              "loaded {} in {} ms for this executor's tasks",
              reranker,
              (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
          failure = e;
          throw e;
        }
      }
      return reranker;
    }

    synchronized void close() {
      if (reranker != null) {
        reranker.close();
      }
    }
  }

  /** A task's hold on the shared reranker; closing it releases the hold, once. */
  static final class Lease implements AutoCloseable {
    private final String key;
    private final Entry entry;
    private boolean released; // guarded by lock

    private Lease(String key, Entry entry) {
      this.key = key;
      this.entry = entry;
    }

    /**
     * Returns the shared reranker, loading it if this JVM has not yet.
     *
     * @throws RuntimeException if the reranker cannot be built (every later lease sees the same)
     */
    Reranker reranker() {
      try {
        return entry.get();
      } catch (RuntimeException e) {
        synchronized (lock) {
          entries.remove(key, entry); // a later job may retry, e.g. once the model is in place
        }
        throw e;
      }
    }

    @Override
    public void close() {
      List<Entry> evicted = new ArrayList<>();
      synchronized (lock) {
        if (released) {
          return;
        }
        released = true;
        entry.leases--;
        int idle = 0;
        for (Entry e : entries.values()) {
          idle += e.leases == 0 ? 1 : 0;
        }
        for (Iterator<Entry> it = entries.values().iterator(); idle > MAX_IDLE && it.hasNext(); ) {
          Entry e = it.next();
          if (e.leases == 0) {
            it.remove();
            evicted.add(e);
            idle--;
          }
        }
      }
      evicted.forEach(Entry::close); // outside the lock: close waits for running batches
    }
  }

  /** Leases the reranker of these options; the caller closes the lease when its task ends. */
  static Lease lease(ScoringOptions options) {
    synchronized (lock) {
      if (!hookAdded) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(ExecutorRerankers::closeAll, "reranker-spark-close"));
        hookAdded = true;
      }
      Entry entry = entries.computeIfAbsent(options.rerankerKey(), k -> new Entry(options));
      entry.leases++;
      return new Lease(options.rerankerKey(), entry);
    }
  }

  /** Closes and forgets every cached reranker: what the shutdown hook runs. */
  static void closeAll() {
    List<Entry> all;
    synchronized (lock) {
      all = new ArrayList<>(entries.values());
      entries.clear();
    }
    all.forEach(Entry::close);
  }

  /** Returns how many rerankers this JVM has loaded since it started. */
  static long loads() {
    return loads.get();
  }

  /** Returns how many times this JVM has loaded the reranker of these options. */
  static long loads(ScoringOptions options) {
    return loadsByKey.getOrDefault(options.rerankerKey(), 0L);
  }

  /** Returns how many rerankers are cached now, leased or idle. */
  static int cached() {
    synchronized (lock) {
      return entries.size();
    }
  }
}
