package dev.reranker;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The reranker could not take the request: its queue was full ({@code maxQueuedPairs}), or, from
 * the throughput it measured, the request could not finish before its deadline ({@code timeout}).
 * It was rejected at once; nothing of it was scored. Retry after {@link #retryAfter()} where known,
 * or shed load.
 */
public final class RerankerOverloadedException extends RerankerException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /** Creates the exception, without a retry hint. */
  public RerankerOverloadedException(String message) {
    this(message, null);
  }

  /**
   * Creates the exception.
   *
   * @param retryAfter about how long until the queue has drained what waits now; null if unknown
   */
  public RerankerOverloadedException(String message, @Nullable Duration retryAfter) {
    super(message, null);
    this.retryAfter = retryAfter;
  }

  /**
   * Returns about how long until the work waiting at rejection is done, from the measured
   * throughput; empty before the reranker has measured it.
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
