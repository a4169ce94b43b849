package dev.reranker.training;

import java.nio.file.Path;

/**
 * Thrown when a reaction log has a line that cannot be read; the message names the file, the line
 * number (1-based) and the problem: {@code reactions.jsonl:17: missing 'response'}.
 */
public final class MalformedReactionLogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final String problem;

  /**
   * Creates an exception.
   *
   * @param file the log file
   * @param line the 1-based line number
   * @param problem what is wrong with the line
   */
  public MalformedReactionLogException(Path file, long line, String problem) {
    super(file + ":" + line + ": " + problem);
    this.file = file.toString();
    this.line = line;
    this.problem = problem;
  }

  /** Returns the log file's path, as given. */
  public String file() {
    return file;
  }

  /** Returns the 1-based number of the bad line. */
  public long line() {
    return line;
  }

  /** Returns what is wrong with the line, without the file and line number. */
  public String problem() {
    return problem;
  }
}
