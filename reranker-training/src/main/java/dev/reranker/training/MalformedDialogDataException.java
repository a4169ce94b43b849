package dev.reranker.training;

import java.nio.file.Path;

/**
 * Thrown when a dialog corpus file cannot be read as its format says; the message names the file,
 * where in it (a line, a record or a conversation id) and the problem: {@code test.csv:record 12
 * (line 340): expected 3 fields, but was 2}.
 */
public final class MalformedDialogDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String location;
  private final String problem;

  /**
   * Creates an exception.
   *
   * @param file the corpus file
   * @param location where in the file, e.g. {@code "line 17"} or {@code "conversation t_42"}
   * @param problem what is wrong there
   */
  public MalformedDialogDataException(Path file, String location, String problem) {
    super(file + ":" + location + ": " + problem);
    this.file = file.toString();
    this.location = location;
    this.problem = problem;
  }

  /** Returns the file's path, as given. */
  public String file() {
    return file;
  }

  /** Returns where in the file the problem is, e.g. {@code "line 17"}. */
  public String location() {
    return location;
  }

  /** Returns what is wrong, without the file and location. */
  public String problem() {
    return problem;
  }
}
