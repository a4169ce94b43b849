package dev.reranker;

/**
 * The model failed on a batch: every request with a pair in that batch fails with this exception;
 * other batches, and the reranker itself, carry on.
 */
public final class ScoringException extends RerankerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ScoringException(String message, Throwable cause) {
    super(message, cause);
  }
}
