package dev.reranker.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.reranker.LatencyStats;
import dev.reranker.Reranker;
import dev.reranker.RerankerClosedException;
import dev.reranker.RerankerStats;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Owns the auto-configured {@link Reranker}: loads it once (at startup, or on first use with {@code
 * reranker.lazy-init}), tells the application's readiness and health about the load, and closes it
 * at shutdown in phase {@link #PHASE}, after the web server's graceful shutdown has drained the
 * requests in flight, so none of them fails with {@link RerankerClosedException}.
 *
 * <p>Thread-safe. {@link #state()} never blocks; a load and {@link #stop()} exclude each other.
 */
public final class RerankerLifecycle implements SmartLifecycle {
  /**
   * The lifecycle phase: below Spring Boot's graceful shutdown of the web server ({@code
   * DEFAULT_PHASE - 1024}) and its stop ({@code DEFAULT_PHASE - 2048}). Phases stop from the
   * highest down, so the reranker closes after the server answered its last request; it starts
   * before the server does.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  /** Where the reranker is in its life. */
  public enum State {
    /** Not asked for yet ({@code reranker.lazy-init}). */
    NOT_LOADED,
    /** The model is loading. */
    LOADING,
    /** Loaded and serving. */
    LOADED,
    /** The load failed; it is not retried. */
    FAILED,
    /** Closed at shutdown. */
    CLOSED
  }

  private static final RerankerStats NOTHING_YET =
      new RerankerStats(
          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, LatencyStats.EMPTY, LatencyStats.EMPTY, LatencyStats.EMPTY);

  private final Supplier<Reranker> loader;
  private final ApplicationEventPublisher events;
  private final Supplier<@Nullable ApplicationAvailability> availability;
  private final Object lock = new Object();
  private volatile State state = State.NOT_LOADED;
  private volatile @Nullable Reranker reranker;
  private volatile @Nullable RuntimeException failure;
  private volatile boolean running;

  /**
   * @param loader builds the reranker, loading its model; called at most once
   * @param events where readiness changes are published
   * @param availability the application's availability, if known: a load that starts while the
   *     application accepts traffic takes readiness down until it is done
   */
  RerankerLifecycle(
      Supplier<Reranker> loader,
      ApplicationEventPublisher events,
      Supplier<@Nullable ApplicationAvailability> availability) {
    this.loader = requireNonNull(loader, "loader");
    this.events = requireNonNull(events, "events");
    this.availability = requireNonNull(availability, "availability");
  }

  /** Returns the current state, without waiting for a load in progress. */
  public State state() {
    return state;
  }

  /** Returns the reranker if it is loaded (or was, before it closed), else empty. */
  @Nullable Reranker loaded() {
    return reranker;
  }

  /** Returns why the load failed, once {@link State#FAILED}. */
  @Nullable RuntimeException failure() {
    return failure;
  }

  /**
   * Returns the reranker, loading it on the first call. While a load runs after the application
   * became ready, readiness is {@link ReadinessState#REFUSING_TRAFFIC}; it goes back to accepting
   * when the load succeeds, and stays refusing when it fails.
   *
   * @throws IllegalStateException if the reranker was closed
   * @throws RuntimeException the load's failure, on this call and every later one
   */
  Reranker reranker() {
    Reranker loadedAlready = reranker;
    if (loadedAlready != null && state == State.LOADED) {
      return loadedAlready;
    }
    synchronized (lock) {
      switch (state) {
        case LOADED -> {
          return requireNonNull(reranker);
        }
        case FAILED -> throw requireNonNull(failure);
        case CLOSED -> throw new IllegalStateException("the reranker was closed at shutdown");
        // Other threads wait for the lock and see LOADED or FAILED: only the loader calls back.
        case LOADING -> throw new IllegalStateException("the reranker's loader asked for it");
        case NOT_LOADED -> {}
      }
      ApplicationAvailability app = availability.get();
      boolean takeReadiness =
          app != null && app.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
      state = State.LOADING;
      if (takeReadiness) {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
      }
      Reranker built;
      try {
        built = loader.get();
      } catch (RuntimeException e) {
        failure = e;
        state = State.FAILED;
        throw e;
      }
      reranker = built;
      state = State.LOADED;
      if (takeReadiness) {
        AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
      }
      return built;
    }
  }

  /** Returns the reranker's stats, or all zeros while it is not loaded; never loads it. */
  RerankerStats stats() {
    Reranker r = reranker;
    return r != null ? r.stats() : NOTHING_YET;
  }

  @Override
  public void start() {
    running = true;
  }

  /**
   * Closes the reranker, if it was loaded: still-queued requests would fail with {@link
   * RerankerClosedException}, but in phase {@link #PHASE} the web server has drained them already.
   * Waits for a load in progress first.
   */
  @Override
  public void stop() {
    synchronized (lock) {
      running = false;
      state = State.CLOSED;
      Reranker r = reranker;
      if (r != null) {
        r.close();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public String toString() {
    return "RerankerLifecycle{" + state + "}";
  }
}
