package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.StringJoiner;

/**
 * Options for {@link Heuristics#repeatedQuestion(RepeatedQuestionConfig)}: when a reply asks a
 * question the bot already asked, either lower its score by {@link #penalty()} after the model (the
 * default) or drop it before the model ({@link Builder#drop()}). Immutable.
 *
 * <pre>{@code
 * RepeatedQuestionConfig strict = RepeatedQuestionConfig.builder()
 *     .similarity(Similarity.charTrigram(0.7))
 *     .drop()
 *     .build();
 * }</pre>
 */
public final class RepeatedQuestionConfig {
  private static final RepeatedQuestionConfig DEFAULTS = builder().build();

  private final Similarity similarity;
  private final int window;
  private final float penalty;
  private final boolean drop;
  private final String description;

  private RepeatedQuestionConfig(Builder b) {
    this.similarity = b.similarity;
    this.window = b.window;
    this.penalty = b.penalty;
    this.drop = b.drop;
    this.description = b.toString();
  }

  /** Returns the defaults: every {@code DEFAULT_*} constant of {@link Builder}, penalising. */
  public static RepeatedQuestionConfig defaults() {
    return DEFAULTS;
  }

  /** Returns a builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns when two questions count as the same. */
  public Similarity similarity() {
    return similarity;
  }

  /** Returns how many of the bot's latest turns are searched for earlier questions. */
  public int window() {
    return window;
  }

  /** Returns how much a repeated question lowers the score (positive); unused when dropping. */
  public float penalty() {
    return penalty;
  }

  /** Returns whether a repeated question drops the reply before the model, not penalises it. */
  public boolean drops() {
    return drop;
  }

  /** Lists the options that differ from the defaults. */
  @Override
  public String toString() {
    return description;
  }

  /** Builds a {@link RepeatedQuestionConfig}; reusable after {@link #build()}. Not thread-safe. */
  public static final class Builder {
    /** Default {@link #similarity}: {@code Similarity.tokenJaccard(0.8)}. */
    public static final Similarity DEFAULT_SIMILARITY = Heuristics.DEFAULT_SIMILARITY;

    /** Default {@link #window}: every bot turn of the dialog. */
    public static final int DEFAULT_WINDOW = Integer.MAX_VALUE;

    /** Default {@link #penalty}: 2 (a logit; takes P(upvote) 0.5 down to about 0.12). */
    public static final float DEFAULT_PENALTY = 2f;

    private Similarity similarity = DEFAULT_SIMILARITY;
    private int window = DEFAULT_WINDOW;
    private float penalty = DEFAULT_PENALTY;
    private boolean drop;

    private Builder() {}

    /**
     * Sets when two questions count as the same.
     *
     * @throws NullPointerException if {@code similarity} is null
     */
    @CanIgnoreReturnValue
    public Builder similarity(Similarity similarity) {
      this.similarity = requireNonNull(similarity, "similarity");
      return this;
    }

    /**
     * Sets how many of the bot's latest turns are searched for earlier questions.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder window(int window) {
      if (window <= 0) {
        throw new IllegalArgumentException("window must be positive, but was " + window);
      }
      this.window = window;
      return this;
    }

    /**
     * Penalises a repeated question by lowering the reply's score by {@code penalty}, after the
     * model (the default mode).
     *
     * @throws IllegalArgumentException if {@code penalty} is not positive and finite
     */
    @CanIgnoreReturnValue
    public Builder penalty(float penalty) {
      if (!(penalty > 0 && Float.isFinite(penalty))) {
        throw new IllegalArgumentException(
            "penalty must be positive and finite, but was " + penalty);
      }
      this.penalty = penalty;
      this.drop = false;
      return this;
    }

    /** Drops a reply that repeats a question, before the model scores it. */
    @CanIgnoreReturnValue
    public Builder drop() {
      this.drop = true;
      return this;
    }

    /** Returns the options. */
    public RepeatedQuestionConfig build() {
      return new RepeatedQuestionConfig(this);
    }

    /** Lists the options that differ from the defaults. */
    @Override
    public String toString() {
      StringJoiner s = new StringJoiner(", ", "{", "}");
      if (!similarity.equals(DEFAULT_SIMILARITY)) {
        s.add("similarity=" + similarity);
      }
      if (window != DEFAULT_WINDOW) {
        s.add("window=" + window);
      }
      if (drop) {
        s.add("drop");
      } else if (penalty != DEFAULT_PENALTY) {
        s.add("penalty=" + penalty);
      }
      return s.toString();
    }
  }
}
