package dev.reranker;

/** A request was not answered before its deadline; its pairs that had not run were dropped. */
public final class RerankerTimeoutException extends RerankerException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public RerankerTimeoutException(String message) {
    super(message, null);
  }
}
