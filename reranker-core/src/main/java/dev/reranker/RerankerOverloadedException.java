package dev.reranker;

/**
 * The reranker's queue was full: the request was rejected at once, nothing of it was scored. Retry
 * later or shed load; {@code maxQueuedPairs} sets the bound.
 */
public final class RerankerOverloadedException extends RerankerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public RerankerOverloadedException(String message) {
    super(message, null);
  }
}
