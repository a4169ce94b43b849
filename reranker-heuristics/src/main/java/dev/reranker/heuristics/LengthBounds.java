package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.StringJoiner;
import java.util.function.ToIntFunction;

/**
 * Length bounds for {@link Heuristics#length(LengthBounds)}: inclusive minimum and maximum in
 * characters (Unicode code points, so an emoji counts once) and in tokens (as counted by a {@link
 * #tokenCounter()}, by default {@link Heuristics#wordCounter()}). Immutable and thread-safe if the
 * token counter is.
 *
 * <pre>{@code
 * LengthBounds tweetSized = LengthBounds.builder().maxChars(280).maxTokens(60).build();
 * }</pre>
 */
public final class LengthBounds {
  private static final LengthBounds DEFAULTS = builder().build();

  private final int minChars;
  private final int maxChars;
  private final int minTokens;
  private final int maxTokens;
  private final ToIntFunction<String> tokenCounter;
  private final String description;

  private LengthBounds(Builder b) {
    this.minChars = b.minChars;
    this.maxChars = b.maxChars;
    this.minTokens = b.minTokens;
    this.maxTokens = b.maxTokens;
    this.tokenCounter = b.tokenCounter;
    this.description = b.toString();
  }

  /** Returns the default bounds: every {@code DEFAULT_*} constant of {@link Builder}. */
  public static LengthBounds defaults() {
    return DEFAULTS;
  }

  /** Returns a builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the fewest code points a reply may have. */
  public int minChars() {
    return minChars;
  }

  /** Returns the most code points a reply may have. */
  public int maxChars() {
    return maxChars;
  }

  /** Returns the fewest tokens a reply may have. */
  public int minTokens() {
    return minTokens;
  }

  /** Returns the most tokens a reply may have. */
  public int maxTokens() {
    return maxTokens;
  }

  /** Returns the function that counts a reply's tokens. */
  public ToIntFunction<String> tokenCounter() {
    return tokenCounter;
  }

  /** Lists the options that differ from the defaults. */
  @Override
  public String toString() {
    return description;
  }

  /** Builds {@link LengthBounds}; reusable after {@link #build()}. Not thread-safe. */
  public static final class Builder {
    /** Default {@link #minChars}: 1. */
    public static final int DEFAULT_MIN_CHARS = 1;

    /** Default {@link #maxChars}: 500. */
    public static final int DEFAULT_MAX_CHARS = 500;

    /** Default {@link #minTokens}: 1, so punctuation-only replies go. */
    public static final int DEFAULT_MIN_TOKENS = 1;

    /** Default {@link #maxTokens}: 100. */
    public static final int DEFAULT_MAX_TOKENS = 100;

    private int minChars = DEFAULT_MIN_CHARS;
    private int maxChars = DEFAULT_MAX_CHARS;
    private int minTokens = DEFAULT_MIN_TOKENS;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private ToIntFunction<String> tokenCounter = Heuristics.wordCounter();
    private boolean customCounter;

    private Builder() {}

    /**
     * Sets the fewest code points a reply may have.
     *
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder minChars(int minChars) {
      checkNotNegative("minChars", minChars);
      this.minChars = minChars;
      return this;
    }

    /**
     * Sets the most code points a reply may have.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder maxChars(int maxChars) {
      checkPositive("maxChars", maxChars);
      this.maxChars = maxChars;
      return this;
    }

    /**
     * Sets the fewest tokens a reply may have; 0 turns the lower token bound off.
     *
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder minTokens(int minTokens) {
      checkNotNegative("minTokens", minTokens);
      this.minTokens = minTokens;
      return this;
    }

    /**
     * Sets the most tokens a reply may have; {@link Integer#MAX_VALUE} turns the upper token bound
     * off (with {@code minTokens(0)} the counter is never called).
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder maxTokens(int maxTokens) {
      checkPositive("maxTokens", maxTokens);
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Sets how tokens are counted, for instance with the model's own tokenizer; it must be
     * thread-safe and return a non-negative count. Default: {@link Heuristics#wordCounter()}.
     *
     * @throws NullPointerException if {@code tokenCounter} is null
     */
    @CanIgnoreReturnValue
    public Builder tokenCounter(ToIntFunction<String> tokenCounter) {
      this.tokenCounter = requireNonNull(tokenCounter, "tokenCounter");
      this.customCounter = true;
      return this;
    }

    /**
     * Returns the bounds.
     *
     * @throws IllegalStateException if a minimum exceeds its maximum
     */
    public LengthBounds build() {
      if (minChars > maxChars) {
        throw new IllegalStateException(
            "minChars (" + minChars + ") must not exceed maxChars (" + maxChars + ")");
      }
      if (minTokens > maxTokens) {
        throw new IllegalStateException(
            "minTokens (" + minTokens + ") must not exceed maxTokens (" + maxTokens + ")");
      }
      return new LengthBounds(this);
    }

    /** Lists the options that differ from the defaults. */
    @Override
    public String toString() {
      StringJoiner s = new StringJoiner(", ", "{", "}");
      if (minChars != DEFAULT_MIN_CHARS) {
        s.add("minChars=" + minChars);
      }
      if (maxChars != DEFAULT_MAX_CHARS) {
        s.add("maxChars=" + maxChars);
      }
      if (minTokens != DEFAULT_MIN_TOKENS) {
        s.add("minTokens=" + minTokens);
      }
      if (maxTokens != DEFAULT_MAX_TOKENS) {
        s.add("maxTokens=" + maxTokens);
      }
      if (customCounter) {
        s.add("tokenCounter=" + tokenCounter);
      }
      return s.toString();
    }

    private static void checkPositive(String option, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(option + " must be positive, but was " + value);
      }
    }

    private static void checkNotNegative(String option, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(option + " must not be negative, but was " + value);
      }
    }
  }
}
