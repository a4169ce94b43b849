package dev.reranker.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.training.BinaryMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The distributed metrics against BinaryMetrics on the same rows. */
class LogEvaluationTest {
  /** Sums in another order; every count is exact. */
  private static final double SUMS = 1e-12;

  private static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("dialog_id", DataTypes.StringType, true),
              DataTypes.createStructField(
                  "context", DataTypes.createArrayType(DataTypes.StringType), true),
              DataTypes.createStructField("probability", DataTypes.DoubleType, true),
              DataTypes.createStructField("upvote", DataTypes.BooleanType, true)));

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.session();
  }

  /** A scored log: ties (a fifth of the probabilities on a coarse grid), groups of 1 to 5. */
  private static List<Row> log(int contexts, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < contexts; c++) {
      String dialog = "d" + (c / 3);
      List<String> context = List.of("message " + (c % 3), "and " + r.nextInt(4));
      for (int k = 1 + r.nextInt(5); k > 0; k--) {
        double p = r.nextInt(5) == 0 ? r.nextInt(11) / 10.0 : (float) r.nextDouble();
        boolean upvote = r.nextDouble() < 0.25 + 0.5 * p; // informative, not perfect
        Double probability = r.nextInt(40) == 0 ? null : p; // unscored rows
        Boolean label = r.nextInt(50) == 0 ? null : upvote; // unrated rows
        rows.add(RowFactory.create(dialog, TestLogs.seq(context), probability, label));
      }
    }
    return rows;
  }

  private static Dataset<Row> frame(List<Row> rows, int partitions) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(context.parallelize(rows, partitions), SCHEMA);
  }

  @Test
  void equalsBinaryMetricsOnTheSameRows() {
    List<Row> rows = log(1500, 7);
    LogEvaluation spark =
        RerankerSpark.evaluate(
            frame(rows, 7),
            EvaluationOptions.builder()
                .label(col("upvote"))
                .groupBy(col("dialog_id"), col("context"))
                .build());

    List<Double> p = new ArrayList<>();
    List<Boolean> y = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    long unscored = 0;
    for (Row row : rows) {
      if (row.isNullAt(3)) {
        continue;
      }
      if (row.isNullAt(2)) {
        unscored++;
        continue;
      }
      p.add(row.getDouble(2));
      y.add(row.getBoolean(3));
      keys.add(row.getString(0) + "\u0000" + row.getList(1));
    }
    double[] probabilities = p.stream().mapToDouble(Double::doubleValue).toArray();
    boolean[] labels = new boolean[y.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = y.get(i);
    }
    BinaryMetrics.RankingMetrics ranking = BinaryMetrics.ranking(probabilities, labels, keys);

    assertThat(spark.examples()).isEqualTo(labels.length);
    assertThat(spark.positives()).isEqualTo(y.stream().filter(b -> b).count());
    assertThat(spark.unscored()).isEqualTo(unscored).isPositive();
    assertThat(spark.auc())
        .isCloseTo(BinaryMetrics.rocAuc(probabilities, labels), within(SUMS))
        .isBetween(0.6, 0.9);
    assertThat(spark.accuracy()).isEqualTo(BinaryMetrics.accuracy(probabilities, labels));
    assertThat(spark.logLoss())
        .isCloseTo(BinaryMetrics.logLoss(probabilities, labels), within(SUMS));
    assertThat(spark.ece())
        .isCloseTo(BinaryMetrics.expectedCalibrationError(probabilities, labels), within(SUMS));
    assertThat(spark.groups()).isEqualTo(ranking.groups()).isGreaterThan(100);
    assertThat(spark.hitsAt1()).isEqualTo(ranking.hitsAt1());
    assertThat(spark.mrr()).isCloseTo(ranking.meanReciprocalRank(), within(SUMS));
    assertThat(spark.candidatesPerGroup()).isCloseTo(ranking.meanCandidates(), within(SUMS));
  }

  @Test
  void theAucIsExactAcrossPartitionsAndTies() {
    // Every probability tied with others, spread over more partitions than distinct values.
    List<Row> rows = new ArrayList<>();
    double[] p = new double[400];
    boolean[] y = new boolean[400];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < p.length; i++) {
      p[i] = r.nextInt(6) / 5.0;
      y[i] = r.nextDouble() < p[i];
      rows.add(RowFactory.create("d", TestLogs.seq(List.of()), p[i], y[i]));
    }
    LogEvaluation evaluation =
        RerankerSpark.evaluate(
            frame(rows, 9), EvaluationOptions.builder().label(col("upvote")).build());
    assertThat(evaluation.auc()).isEqualTo(BinaryMetrics.rocAuc(p, y));
    assertThat(evaluation.groups()).isZero();
    assertThat(evaluation.hitsAt1()).isNaN();
  }

  @Test
  void oneClassHasNoAuc() {
    List<Row> rows =
        List.of(
            RowFactory.create("d", TestLogs.seq(List.of()), 0.9, true),
            RowFactory.create("d", TestLogs.seq(List.of()), 0.2, true));
    LogEvaluation evaluation =
        RerankerSpark.evaluate(
            frame(rows, 1), EvaluationOptions.builder().label(col("upvote")).build());
    assertThat(evaluation.auc()).isNaN();
    assertThat(evaluation.accuracy()).isEqualTo(0.5);
    assertThat(evaluation.summary()).startsWith("AUC NaN  accuracy 0.5000");
  }

  @Test
  void reactionsReadAsTheReactionLogReadsThem() {
    StructType schema =
        DataTypes.createStructType(
            List.of(
                DataTypes.createStructField("reaction", DataTypes.StringType, true),
                DataTypes.createStructField("probability", DataTypes.DoubleType, true)));
    List<Row> rows = new ArrayList<>();
    for (String reaction :
        new String[] {
          " Upvote", "love", "FUNNY", "1", "downvote", "meaningless", "offensive", "0"
        }) {
      rows.add(RowFactory.create(reaction, 0.7));
    }
    rows.add(RowFactory.create("none", 0.7));
    rows.add(RowFactory.create(null, 0.7));
    rows.add(RowFactory.create("shrug", 0.7));
    LogEvaluation evaluation =
        RerankerSpark.evaluate(
            spark.createDataFrame(rows, schema),
            EvaluationOptions.builder().label(EvaluationOptions.upvoted("reaction")).build());
    assertThat(evaluation.examples()).isEqualTo(8);
    assertThat(evaluation.positives()).isEqualTo(4);
  }

  @Test
  void checksItsColumns() {
    Dataset<Row> rows = frame(log(5, 1), 1);
    EvaluationOptions upvote = EvaluationOptions.builder().label(col("upvote")).build();
    assertThatThrownBy(() -> RerankerSpark.evaluate(rows.drop("probability"), upvote))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no column 'probability' in [dialog_id, context, upvote]; name yours with"
                + " EvaluationOptions.Builder.probabilityColumn(...)");
    assertThatThrownBy(
            () -> RerankerSpark.evaluate(rows.withColumn("probability", col("dialog_id")), upvote))
        .hasMessage("column 'probability' must be numeric, but was string");
    assertThatThrownBy(
            () ->
                RerankerSpark.evaluate(
                    rows, EvaluationOptions.builder().label(col("dialog_id")).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the label must be boolean, e.g. EvaluationOptions.upvoted(\"reaction\"), but was"
                + " string");
  }

  @Test
  void scoringRunsOnceForAllTheMetrics() {
    List<TestLogs.Example> examples = TestLogs.generate(30, 9);
    FakeRerankers.resetCounters();
    Dataset<Row> scored =
        RerankerSpark.score(
            TestLogs.frame(spark, examples, 3),
            ScoringOptions.builder().reranker(FakeRerankers::byLength).build());
    LogEvaluation evaluation =
        RerankerSpark.evaluate(
            scored,
            EvaluationOptions.builder()
                .label(EvaluationOptions.upvoted("reaction"))
                .groupBy(col("dialog_id"), col("persona"), col("context"), col("speakers"))
                .build());
    assertThat(evaluation.examples()).isEqualTo(examples.size());
    assertThat(FakeRerankers.scoredPairs.get()).isEqualTo(examples.size());
  }
}
