package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A user's reaction to a bot reply, as a companion bot logs it.
 *
 * <p>The binary target ("was the reply good?") is {@link #polarity()}: {@link #UPVOTE}, {@link
 * #LOVE} and {@link #FUNNY} are positive; {@link #DOWNVOTE}, {@link #MEANINGLESS} and {@link
 * #OFFENSIVE} are negative; {@link #NONE} (seen, not rated) has no polarity and is left out of the
 * binary head's loss and of the binary metrics. The multi-label head, when enabled, learns each of
 * {@link #LOVE}, {@link #FUNNY}, {@link #MEANINGLESS} and {@link #OFFENSIVE} separately.
 */
public enum Reaction {
  /** Thumbs up. */
  UPVOTE(Boolean.TRUE),
  /** Thumbs down. */
  DOWNVOTE(Boolean.FALSE),
  /** A positive reaction: the user loved the reply. */
  LOVE(Boolean.TRUE),
  /** A positive reaction: the reply was funny. */
  FUNNY(Boolean.TRUE),
  /** A negative reaction: the reply made no sense. */
  MEANINGLESS(Boolean.FALSE),
  /** A negative reaction: the reply was offensive. */
  OFFENSIVE(Boolean.FALSE),
  /** No reaction: the reply was shown and not rated. */
  NONE(null);

  private final @Nullable Boolean polarity;

  Reaction(@Nullable Boolean polarity) {
    this.polarity = polarity;
  }

  /** Returns whether the reaction counts as an upvote, or empty for {@link #NONE}. */
  public Optional<Boolean> polarity() {
    return Optional.ofNullable(polarity);
  }

  /** Returns the lower-case name used in logs and as a label name ("upvote"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a logged reaction: a name in any case ("upvote", "Downvote"), or {@code 1}/{@code 0} for
   * upvote/downvote.
   *
   * @throws IllegalArgumentException naming the value and the accepted ones if it is none of them
   */
  public static Reaction parse(String text) {
    requireNonNull(text, "text");
    String t = text.strip();
    if (t.equals("1")) {
      return UPVOTE;
    }
    if (t.equals("0")) {
      return DOWNVOTE;
    }
    try {
      return valueOf(t.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown reaction '"
              + text
              + "', expected one of upvote, downvote, love, funny, "
              + "meaningless, offensive, none, 1, 0",
          e);
    }
  }
}
