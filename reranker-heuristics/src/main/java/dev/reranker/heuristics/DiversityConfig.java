package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Options for {@link Heuristics#diversity(DiversityConfig)}: sample the reply among the best {@link
 * #topK()} with probabilities {@code softmax(score / temperature)}. Immutable, but it holds its
 * random generator, so two heuristics built from one config share draws.
 *
 * <pre>{@code
 * DiversityConfig playful = DiversityConfig.builder().topK(3).temperature(0.7).seed(42).build();
 * }</pre>
 */
public final class DiversityConfig {
  private final int topK;
  private final double temperature;
  private final RandomGenerator random;
  private final String description;

  private DiversityConfig(Builder b) {
    this.topK = b.topK;
    this.temperature = b.temperature;
    this.random =
        b.random != null
            ? b.random
            : b.seeded ? new SplittableRandom(b.seed) : new SplittableRandom();
    this.description = b.toString();
  }

  /** Returns a builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns how many of the best candidates are sampled from. */
  public int topK() {
    return topK;
  }

  /** Returns the softmax temperature: near 0 is argmax, large is uniform over the top k. */
  public double temperature() {
    return temperature;
  }

  /** Returns the random generator draws come from. */
  public RandomGenerator random() {
    return random;
  }

  /** Lists the options that differ from the defaults. */
  @Override
  public String toString() {
    return description;
  }

  /** Builds a {@link DiversityConfig}; reusable after {@link #build()}. Not thread-safe. */
  public static final class Builder {
    /** Default {@link #topK}: 3. */
    public static final int DEFAULT_TOP_K = 3;

    /** Default {@link #temperature}: 1, sampling by the model's own odds. */
    public static final double DEFAULT_TEMPERATURE = 1.0;

    private int topK = DEFAULT_TOP_K;
    private double temperature = DEFAULT_TEMPERATURE;
    private boolean seeded;
    private long seed;
    private @Nullable RandomGenerator random;

    private Builder() {}

    /**
     * Sets how many of the best candidates are sampled from.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder topK(int topK) {
      if (topK <= 0) {
        throw new IllegalArgumentException("topK must be positive, but was " + topK);
      }
      this.topK = topK;
      return this;
    }

    /**
     * Sets the softmax temperature.
     *
     * @throws IllegalArgumentException if not positive and finite
     */
    @CanIgnoreReturnValue
    public Builder temperature(double temperature) {
      if (!(temperature > 0 && Double.isFinite(temperature))) {
        throw new IllegalArgumentException(
            "temperature must be positive and finite, but was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /**
     * Draws from a {@link SplittableRandom} with this seed, made at {@link #build()}: the same
     * sequence of rankings gets the same samples. Replaces a {@link #random} set before.
     */
    @CanIgnoreReturnValue
    public Builder seed(long seed) {
      this.seed = seed;
      this.seeded = true;
      this.random = null;
      return this;
    }

    /**
     * Draws from {@code random}; the heuristic serialises its draws on it, so it need not be
     * thread-safe. Replaces a {@link #seed} set before. Default: an unseeded {@link
     * SplittableRandom}.
     *
     * @throws NullPointerException if {@code random} is null
     */
    @CanIgnoreReturnValue
    public Builder random(RandomGenerator random) {
      this.random = requireNonNull(random, "random");
      this.seeded = false;
      return this;
    }

    /** Returns the options. */
    public DiversityConfig build() {
      return new DiversityConfig(this);
    }

    /** Lists the options that differ from the defaults. */
    @Override
    public String toString() {
      StringJoiner s = new StringJoiner(", ", "{", "}");
      if (topK != DEFAULT_TOP_K) {
        s.add("topK=" + topK);
      }
      if (temperature != DEFAULT_TEMPERATURE) {
        s.add("temperature=" + temperature);
      }
      if (seeded) {
        s.add("seed=" + seed);
      }
      if (random != null) {
        s.add("random=" + random);
      }
      return s.toString();
    }
  }
}
