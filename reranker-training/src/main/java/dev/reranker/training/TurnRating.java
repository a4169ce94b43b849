package dev.reranker.training;

import java.util.Locale;
import java.util.Optional;

/**
 * Topical-Chat's rating of a message by the conversation partner, worst first. A per-message
 * quality signal, skewed towards the good end (most messages are rated {@link #GOOD} or better).
 */
public enum TurnRating {
  POOR,
  NOT_GOOD,
  PASSABLE,
  GOOD,
  EXCELLENT;

  /**
   * Parses the dataset's spelling ({@code "Not Good"}, {@code "Excellent"}); empty for a blank
   * rating.
   *
   * @throws IllegalArgumentException if the text is none of the five ratings
   */
  public static Optional<TurnRating> parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    String name = t.toUpperCase(Locale.ROOT).replace(' ', '_');
    for (TurnRating r : values()) {
      if (r.name().equals(name)) {
        return Optional.of(r);
      }
    }
    throw new IllegalArgumentException("unknown turn_rating '" + text + "'");
  }
}
