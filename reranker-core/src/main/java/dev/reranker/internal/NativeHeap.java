package dev.reranker.internal;

import com.google.common.annotations.VisibleForTesting;
import com.sun.jna.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes glibc keep and reuse freed large blocks while a training run is open, instead of mapping
 * fresh pages for each one and unmapping them on free.
 *
 * <p>Why: glibc serves every block over its mmap threshold (at most 32 MB) with its own {@code
 * mmap} and returns it with {@code munmap}, so a training step, whose activations and gradients are
 * dozens of blocks of 10 to 60 MB, faults in and zeroes many of them afresh every step. {@link
 * #reuseFreedMemory} sets {@code M_MMAP_MAX} to 0 (large blocks come from the heap, where freed
 * ones are reused; glibc still maps a block larger than a thread arena's 64 MB heap on its own) and
 * {@code M_TRIM_THRESHOLD} to 2 GiB (no heap shrinks after a step). Measured on 2 cores: a
 * 480-group run of the shipped recipe took 7.2 s per step instead of 8.2 (same losses to the last
 * digit: where a block lives does not change the arithmetic), reranker-jmh's {@code
 * TrainingBenchmark} 8.4 s instead of 9.1 per step of 128 full 80-token rows. The price is resident
 * memory: each thread's arena keeps what it freed until the run ends.
 *
 * <p>Closing the last open {@link Reuse} restores glibc's defaults (65,536 and 128 KiB; glibc's
 * dynamic mmap threshold stays off once set, a small cost) and trims the heaps ({@code
 * malloc_trim(0)}), which hands the kept blocks back to the system. Where glibc is absent the calls
 * do nothing. Thread-safe; nested runs share one setting.
 */
public final class NativeHeap {
  private static final Logger logger = LoggerFactory.getLogger(NativeHeap.class);

  // glibc's <malloc.h> parameter numbers and its defaults on 64-bit Linux
  static final int M_TRIM_THRESHOLD = -1;
  static final int M_MMAP_MAX = -4;
  static final int DEFAULT_MMAP_MAX = 65_536;
  static final int DEFAULT_TRIM_THRESHOLD = 128 * 1024;
  static final int REUSE_TRIM_THRESHOLD = Integer.MAX_VALUE; // 2 GiB - 1

  private static final NativeHeap SHARED = new NativeHeap(glibcMallopt());

  /** glibc's {@code mallopt}: returns whether the setting was accepted. */
  @FunctionalInterface
  @VisibleForTesting
  interface Mallopt {
    boolean set(int parameter, int value);
  }

  private final @Nullable Mallopt mallopt;
  private int open;

  @VisibleForTesting
  NativeHeap(@Nullable Mallopt mallopt) {
    this.mallopt = mallopt;
  }

  /**
   * Keeps freed large blocks for reuse until the returned handle (and every other open one) is
   * closed.
   */
  public static Reuse reuseFreedMemory() {
    return SHARED.open();
  }

  @VisibleForTesting
  synchronized Reuse open() {
    if (mallopt != null && open++ == 0) {
      boolean ok =
          mallopt.set(M_MMAP_MAX, 0) && mallopt.set(M_TRIM_THRESHOLD, REUSE_TRIM_THRESHOLD);
      logger.debug("glibc: large blocks reuse freed heap memory ({})", ok ? "set" : "refused");
    }
    return new Reuse();
  }

  private synchronized void release() {
    if (mallopt != null && --open == 0) {
      mallopt.set(M_MMAP_MAX, DEFAULT_MMAP_MAX);
      mallopt.set(M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD);
      NativeMemoryTrimmer.shared().trimNow();
      logger.debug("glibc: malloc defaults restored and the heap trimmed");
    }
  }

  @VisibleForTesting
  synchronized int openCount() {
    return open;
  }

  private static @Nullable Mallopt glibcMallopt() {
    Function f = Glibc.function("mallopt");
    if (f == null) {
      return null;
    }
    return (parameter, value) -> f.invokeInt(new Object[] {parameter, value}) == 1;
  }

  /** An open request to reuse freed memory; {@link #close} ends it. Idempotent. */
  public final class Reuse implements AutoCloseable {
    private boolean closed;

    private Reuse() {}

    @Override
    public void close() {
      synchronized (NativeHeap.this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release();
    }
  }
}
