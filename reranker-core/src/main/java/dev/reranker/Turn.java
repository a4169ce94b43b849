package dev.reranker;

import static java.util.Objects.requireNonNull;

/**
 * One message of a dialog: who said it and what.
 *
 * @param speaker who wrote the message
 * @param text the message; may be empty, never null
 */
public record Turn(Speaker speaker, String text) {

  /** Who wrote a turn. */
  public enum Speaker {
    /** The human user. */
    USER,
    /** The bot. */
    BOT
  }

  /**
   * Creates a turn.
   *
   * @throws NullPointerException if an argument is null
   */
  public Turn {
    requireNonNull(speaker, "speaker");
    requireNonNull(text, "text");
  }

  /** Returns a turn written by the user. */
  public static Turn user(String text) {
    return new Turn(Speaker.USER, text);
  }

  /** Returns a turn written by the bot. */
  public static Turn bot(String text) {
    return new Turn(Speaker.BOT, text);
  }
}
