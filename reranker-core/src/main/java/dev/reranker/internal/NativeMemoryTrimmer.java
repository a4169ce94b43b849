package dev.reranker.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.annotations.VisibleForTesting;
import com.sun.jna.Function;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the C heap's free memory back to the operating system now and then, with glibc's {@code
 * malloc_trim(0)}, for as long as a reranker that runs a model is open.
 *
 * <p>Why: libtorch allocates every tensor with {@code malloc}, and a serving process allocates
 * tensors of a new size in nearly every batch (the packed forward's token count varies). glibc
 * keeps the freed chunks in its arenas for reuse, fragmented, and returns only the top of a heap to
 * the system on its own, so a busy service's resident memory climbs for a long time (the serve
 * soak: 1.4 GB more over 100,000 pairs) although nothing leaks. {@code malloc_trim(0)} releases
 * every whole free page of every arena; measured on {@code serve} under load, each trim brought the
 * resident size back to about the same floor (1.78 to 1.80 GB) where it had climbed to 2.3 to 2.6
 * GB in between. It locks one arena at a time, so it is safe beside running forwards.
 *
 * <p>One trimmer per process ({@link #shared()}), on one daemon thread, started by the first {@link
 * #register registration} and stopped with the last; it trims at the shortest registered interval.
 * Where {@code malloc_trim} does not exist (not Linux, musl, JNA unable to load) the registrations
 * do nothing, and one DEBUG line says so. Thread-safe.
 */
public final class NativeMemoryTrimmer {
  private static final Logger logger = LoggerFactory.getLogger(NativeMemoryTrimmer.class);

  private static final NativeMemoryTrimmer SHARED = new NativeMemoryTrimmer(glibcTrim());

  /** One trim: returns whether any memory went back to the system. */
  @FunctionalInterface
  @VisibleForTesting
  interface Trim {
    boolean trim();
  }

  private final @Nullable Trim trim;
  private final List<Registration> registrations = new ArrayList<>();
  private final AtomicLong trims = new AtomicLong();
  private final AtomicLong trimNanos = new AtomicLong();
  private @Nullable ScheduledExecutorService executor;
  private @Nullable ScheduledFuture<?> task;
  private @Nullable Duration scheduled;

  @VisibleForTesting
  NativeMemoryTrimmer(@Nullable Trim trim) {
    this.trim = trim;
  }

  /** The process's trimmer. */
  public static NativeMemoryTrimmer shared() {
    return SHARED;
  }

  /** Whether this process can trim ({@code malloc_trim} found). */
  public boolean available() {
    return trim != null;
  }

  /** How many trims ran since the process started. */
  public long trims() {
    return trims.get();
  }

  /** The time all trims took, in nanoseconds. */
  public long trimNanos() {
    return trimNanos.get();
  }

  /**
   * Trims every {@code interval} until the returned registration is closed (the shortest interval
   * of all open registrations wins).
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public synchronized Registration register(Duration interval) {
    requireNonNull(interval, "interval");
    checkArgument(
        !interval.isNegative() && !interval.isZero(),
        "interval must be positive, but was %s",
        interval);
    Registration r = new Registration(interval);
    if (trim != null) {
      registrations.add(r);
      reschedule();
    }
    return r;
  }

  private synchronized void unregister(Registration r) {
    if (registrations.remove(r)) {
      reschedule();
    }
  }

  private void reschedule() {
    Duration shortest = null;
    for (Registration r : registrations) {
      if (shortest == null || r.interval.compareTo(shortest) < 0) {
        shortest = r.interval;
      }
    }
    if (shortest != null && shortest.equals(scheduled)) {
      return;
    }
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    scheduled = shortest;
    if (shortest == null) {
      if (executor != null) {
        executor.shutdown();
        executor = null;
      }
      return;
    }
    if (executor == null) {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "reranker-native-memory-trim");
                thread.setDaemon(true);
                return thread;
              });
    }
    long nanos = shortest.toNanos();
    task = executor.scheduleWithFixedDelay(this::trimNow, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Trims once, now, on the calling thread; false if this process cannot trim. */
  public boolean trimNow() {
    Trim t = trim;
    if (t == null) {
      return false;
    }
    long rssBefore = logger.isDebugEnabled() ? residentBytes() : -1;
    long start = System.nanoTime();
    boolean released;
    try {
      released = t.trim();
    } catch (RuntimeException e) {
      logger.debug("malloc_trim failed", e);
      return false;
    }
    long nanos = System.nanoTime() - start;
    trims.incrementAndGet();
    trimNanos.addAndGet(nanos);
    if (rssBefore >= 0) {
      logger.debug(
          "malloc_trim(0) in {} ms: resident {} MB -> {} MB",
          String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6),
          rssBefore >> 20,
          residentBytes() >> 20);
    }
    return released;
  }

  /** The process's resident size ({@code VmRSS} of {@code /proc/self/status}), or -1 if unknown. */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          List<String> fields =
              com.google.common.base.Splitter.on(' ').omitEmptyStrings().splitToList(line);
          return Long.parseLong(fields.get(1)) * 1024L; // "VmRSS:   123456 kB"
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** glibc's {@code malloc_trim}, or null where there is none. */
  private static @Nullable Trim glibcTrim() {
    Function mallocTrim = Glibc.function("malloc_trim");
    if (mallocTrim == null) {
      return null; // Glibc logged why; native memory is not trimmed
    }
    return () -> mallocTrim.invokeInt(new Object[] {0L}) != 0;
  }

  /** An open request to trim; {@link #close} ends it. Idempotent. */
  public final class Registration implements AutoCloseable {
    private final Duration interval;

    private Registration(Duration interval) {
      this.interval = interval;
    }

    /** The interval this registration asked for. */
    public Duration interval() {
      return interval;
    }

    @Override
    public void close() {
      unregister(this);
    }
  }

  @VisibleForTesting
  synchronized boolean running() {
    return task != null;
  }
}
