package dev.reranker.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.jspecify.annotations.Nullable;

/**
 * What {@link RerankerSpark#evaluate} measures: the label, the probability column and the columns
 * that group the candidates of one context. Immutable; used on the driver only.
 */
public final class EvaluationOptions {
  /** The number of equal-width ECE bins, as {@code BinaryMetrics.DEFAULT_ECE_BINS}. */
  public static final int DEFAULT_ECE_BINS = 15;

  private final Column label;
  private final String probabilityColumn;
  private final List<Column> groupBy;
  private final int eceBins;

  private EvaluationOptions(Builder b) {
    this.label = requireNonNull(b.label);
    this.probabilityColumn = b.probabilityColumn;
    this.groupBy = List.copyOf(b.groupBy);
    this.eceBins = b.eceBins;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the polarity of a logged reaction, as the reaction log reader reads it: true for {@code
   * upvote}, {@code love}, {@code funny} and {@code 1}, false for {@code downvote}, {@code
   * meaningless}, {@code offensive} and {@code 0} (any case, surrounding spaces ignored), null for
   * anything else ({@code none}: such rows are left out).
   */
  public static Column upvoted(String reactionColumn) {
    requireNonNull(reactionColumn, "reactionColumn");
    Column r = lower(trim(col(reactionColumn).cast("string")));
    return when(r.isin("upvote", "love", "funny", "1"), true)
        .when(r.isin("downvote", "meaningless", "offensive", "0"), false);
  }

  /** Returns the label: true for an upvote, false for a downvote, null to leave a row out. */
  public Column label() {
    return label;
  }

  /** Returns the column of P(upvote). */
  public String probabilityColumn() {
    return probabilityColumn;
  }

  /** Returns the columns whose values group the candidates of one context; empty: no groups. */
  public List<Column> groupBy() {
    return groupBy;
  }

  /** Returns the number of ECE bins. */
  public int eceBins() {
    return eceBins;
  }

  @Override
  public String toString() {
    return "EvaluationOptions{label="
        + label
        + ", probabilityColumn="
        + probabilityColumn
        + ", groupBy="
        + groupBy
        + ", eceBins="
        + eceBins
        + "}";
  }

  /**
   * Configures {@link EvaluationOptions}: setters check their argument ({@link
   * IllegalArgumentException}), {@link #build()} that a label was set ({@link
   * IllegalStateException}). Reusable after {@code build()}.
   */
  public static final class Builder {
    private @Nullable Column label;
    private String probabilityColumn = ScoringOptions.Builder.DEFAULT_PROBABILITY_COLUMN;
    private List<Column> groupBy = List.of();
    private int eceBins = DEFAULT_ECE_BINS;

    private Builder() {}

    /**
     * Sets the label: a boolean expression, true for an upvote, null to leave the row out, e.g.
     * {@link EvaluationOptions#upvoted(String) upvoted("reaction")} or {@code col("clicked")}.
     */
    @CanIgnoreReturnValue
    public Builder label(Column label) {
      this.label = requireNonNull(label, "label");
      return this;
    }

    /** Sets the column of P(upvote) (default {@code probability}). */
    @CanIgnoreReturnValue
    public Builder probabilityColumn(String name) {
      requireNonNull(name, "name");
      checkArgument(!name.isBlank(), "probabilityColumn must not be blank");
      this.probabilityColumn = name;
      return this;
    }

    /**
     * Groups the candidates that answer one context by these columns, for hits@1 and MRR (default:
     * none). For the reaction log: {@code dialog_id}, {@code persona}, {@code context} and {@code
     * speakers}, the context key of the reaction log reader.
     *
     * @throws IllegalArgumentException if a column is null
     */
    @CanIgnoreReturnValue
    public Builder groupBy(Column... columns) {
      requireNonNull(columns, "columns");
      for (int i = 0; i < columns.length; i++) {
        checkArgument(columns[i] != null, "groupBy[%s] is null", i);
      }
      this.groupBy = new ArrayList<>(Arrays.asList(columns));
      return this;
    }

    /**
     * Sets the number of equal-width ECE bins (default 15).
     *
     * @throws IllegalArgumentException if {@code bins} is not in [1, 10000]
     */
    @CanIgnoreReturnValue
    public Builder eceBins(int bins) {
      checkArgument(bins >= 1 && bins <= 10_000, "eceBins must be in [1, 10000], but was %s", bins);
      this.eceBins = bins;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalStateException if no label was set
     */
    public EvaluationOptions build() {
      checkState(label != null, "call label(...) before build(), e.g. upvoted(\"reaction\")");
      return new EvaluationOptions(this);
    }
  }
}
