package dev.reranker.examples;

/**
 * Bad command-line arguments: the command prints the one-line message and exits with 2. Also thrown
 * for {@code --help}, which prints the usage and exits with 0.
 */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean help;

  UsageException(String message) {
    this(message, false);
  }

  private UsageException(String message, boolean help) {
    // One line on stderr, whatever the user typed into an argument.
    super(message.replaceAll("[\\r\\n]+", " "));
    this.help = help;
  }

  static UsageException help() {
    return new UsageException("help", true);
  }

  /** Returns whether the user asked for help rather than made a mistake. */
  boolean isHelp() {
    return help;
  }
}
