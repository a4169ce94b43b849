package dev.reranker;

/** The reranker was closed before the request was scored, or the request came after close. */
public final class RerankerClosedException extends RerankerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public RerankerClosedException(String message) {
    super(message, null);
  }
}
