package dev.reranker;

import org.jspecify.annotations.Nullable;

/**
 * Base of the failures a {@link Reranker} reports through its futures (and throws from its
 * synchronous methods): overload, timeout, close, and scoring faults.
 */
public class RerankerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message and an optional cause. */
  public RerankerException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
