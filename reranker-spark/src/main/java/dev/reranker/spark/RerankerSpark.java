package dev.reranker.spark;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores and evaluates logged (context, reply) pairs on Spark with a reranker. Stateless; the
 * methods only build Spark plans (scoring runs when an action runs them) except {@link #evaluate},
 * which runs its jobs.
 *
 * <p>How the work splits: every partition of the input is a task; the tasks of one executor JVM
 * share one reranker (one copy of the model, loaded by the first task, closed at JVM exit), and
 * each task keeps up to {@link ScoringOptions#inFlight()} pairs in that reranker's batching queue,
 * so the executor's tasks together fill its batches. The model's threads, not the task slots, do
 * the arithmetic: give an executor as many cores as libtorch should use.
 */
public final class RerankerSpark {
  private RerankerSpark() {}

  /**
   * Returns {@code logs} with four columns appended, one row per input row, in order: {@code
   * probability} (double, the model's calibrated P(upvote)), {@code score} (double, the ranking
   * score: the calibrated logit plus the heuristics' adjustments), {@code verdicts} (only when
   * heuristics or a factory are configured: an array of {@code struct<heuristic, action, reason,
   * scoreChange>}) and {@code error} (string). A row whose context is null, whose reply is null or
   * empty, whose speakers do not match its messages, or whose scoring failed gets null probability
   * and score and the reason in {@code error}; it never fails the job. A reply a heuristic drops
   * before the model has a null probability, no error and the drop in its verdicts.
   *
   * <p>Input columns (names from {@code options}): the messages, oldest first ({@code
   * array<string>}, required), the reply ({@code string}, required), the speakers ({@code
   * array<string>} of {@code human}, {@code user} or {@code bot}, optional) and the bot's persona
   * facts ({@code array<string>}, optional); other columns pass through. Each row is ranked as one
   * candidate, with {@code Reranker.rankAsync}.
   *
   * @throws IllegalArgumentException if a required column is missing, an input column has another
   *     type, or an output column's name is already taken
   */
  public static Dataset<Row> score(Dataset<Row> logs, ScoringOptions options) {
    requireNonNull(logs, "logs");
    requireNonNull(options, "options");
    StructType schema = logs.schema();
    int context = required(schema, options.contextColumn(), "contextColumn", true);
    int candidate = required(schema, options.candidateColumn(), "candidateColumn", false);
    int speakers = optional(schema, options.speakersColumn());
    int persona = optional(schema, options.personaColumn());
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    fields.add(
        output(schema, options.probabilityColumn(), "probabilityColumn", DataTypes.DoubleType));
    fields.add(output(schema, options.scoreColumn(), "scoreColumn", DataTypes.DoubleType));
    if (options.hasVerdicts()) {
      fields.add(output(schema, options.verdictsColumn(), "verdictsColumn", VERDICTS));
    }
    fields.add(output(schema, options.errorColumn(), "errorColumn", DataTypes.StringType));
    StructType scored = DataTypes.createStructType(fields);
    return logs.mapPartitions(
        new PartitionScorer(options, context, candidate, speakers, persona), Encoders.row(scored));
  }

  /**
   * Computes the metrics of a scored log on the cluster: AUC (exact), accuracy, log loss and ECE
   * over the rows with a label and a probability, and hits@1 and MRR over the groups of {@link
   * EvaluationOptions#groupBy()} with two or more candidates and an upvote. Each metric is the one
   * {@code dev.reranker.training.BinaryMetrics} computes on the same rows, up to the order of
   * floating-point sums. Runs a few Spark jobs over {@code scored}, which it persists meanwhile, so
   * that a plan that scores runs the model once.
   *
   * @throws IllegalArgumentException if the probability column is missing or not numeric, or the
   *     label is not boolean
   */
  public static LogEvaluation evaluate(Dataset<Row> scored, EvaluationOptions options) {
    requireNonNull(scored, "scored");
    requireNonNull(options, "options");
    return LogEvaluator.evaluate(scored, options);
  }

  /** The verdicts column: one struct per heuristic decision, in the order they were made. */
  static final DataType VERDICTS =
      DataTypes.createArrayType(
          DataTypes.createStructType(
              List.of(
                  DataTypes.createStructField("heuristic", DataTypes.StringType, false),
                  DataTypes.createStructField("action", DataTypes.StringType, false),
                  DataTypes.createStructField("reason", DataTypes.StringType, false),
                  DataTypes.createStructField("scoreChange", DataTypes.DoubleType, false))),
          false);

  private static final DataType STRINGS = DataTypes.createArrayType(DataTypes.StringType);

  private static int required(StructType schema, String name, String option, boolean array) {
    int index = indexOf(schema, name);
    if (index < 0) {
      throw new IllegalArgumentException(
          String.format(
              "no column '%s' in %s; name yours with ScoringOptions.Builder.%s(...)",
              name, Arrays.toString(schema.fieldNames()), option));
    }
    checkType(schema.fields()[index], array ? STRINGS : DataTypes.StringType);
    return index;
  }

  private static int optional(StructType schema, String name) {
    int index = indexOf(schema, name);
    if (index >= 0) {
      checkType(schema.fields()[index], STRINGS);
    }
    return index;
  }

  private static StructField output(StructType schema, String name, String option, DataType type) {
    if (indexOf(schema, name) >= 0) {
      throw new IllegalArgumentException(
          String.format(
              "the input already has a column '%s'; name the output with "
                  + "ScoringOptions.Builder.%s(...)",
              name, option));
    }
    return DataTypes.createStructField(name, type, true);
  }

  private static void checkType(StructField field, DataType expected) {
    DataType actual = field.dataType();
    boolean ok =
        expected instanceof ArrayType
            ? actual instanceof ArrayType a && a.elementType().equals(DataTypes.StringType)
            : actual.equals(expected);
    if (!ok) {
      throw new IllegalArgumentException(
          String.format(
              "column '%s' must be %s, but was %s",
              field.name(), expected.simpleString(), actual.simpleString()));
    }
  }

  private static int indexOf(StructType schema, String name) {
    String[] names = schema.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
