package dev.reranker.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark jobs behind {@link RerankerSpark#evaluate}. Each metric follows {@code
 * dev.reranker.training.BinaryMetrics}; where that sorts or groups in memory, this aggregates:
 *
 * <ul>
 *   <li>AUC: a histogram of (probability, upvotes, downvotes), range-partitioned in probability
 *       order; one job sums each partition's downvotes, a second adds {@code upvotes(v) *
 *       (downvotes below v + downvotes(v) / 2)} per distinct probability with the partition's
 *       offset, in exact integers. That is the Mann-Whitney U with mid-ranks, so the AUC is exact.
 *   <li>ECE: counts and sums per bin, combined on the driver in bin order.
 *   <li>hits@1 and MRR: per group, the best upvote's probability (a window over the group) and the
 *       downvotes at or above it.
 * </ul>
 */
final class LogEvaluator {
  private static final double EPSILON = 1e-15; // BinaryMetrics.EPSILON
  private static final String P = "_p";
  private static final String Y = "_y";
  private static final String KEY = "_k";

  private LogEvaluator() {}

  static LogEvaluation evaluate(Dataset<Row> scored, EvaluationOptions options) {
    String probability = options.probabilityColumn();
    if (!Arrays.asList(scored.schema().fieldNames()).contains(probability)) {
      throw new IllegalArgumentException(
          String.format(
              "no column '%s' in %s; name yours with EvaluationOptions.Builder"
                  + ".probabilityColumn(...)",
              probability, Arrays.toString(scored.schema().fieldNames())));
    }
    DataType pType = scored.schema().apply(probability).dataType();
    if (!(pType instanceof NumericType)) {
      throw new IllegalArgumentException(
          String.format(
              "column '%s' must be numeric, but was %s", probability, pType.simpleString()));
    }
    List<Column> select = new ArrayList<>();
    select.add(col(probability).cast("double").as(P));
    select.add(options.label().as(Y));
    for (int i = 0; i < options.groupBy().size(); i++) {
      select.add(options.groupBy().get(i).as(KEY + i));
    }
    Dataset<Row> labelled = scored.select(select.toArray(Column[]::new));
    DataType yType = labelled.schema().apply(Y).dataType();
    if (!(yType instanceof BooleanType)) {
      throw new IllegalArgumentException(
          String.format(
              "the label must be boolean, e.g. EvaluationOptions.upvoted(\"reaction\"), but was %s",
              yType.simpleString()));
    }
    // The metrics read the log several times; scoring it must happen once.
    Dataset<Row> base = labelled.where(col(Y).isNotNull()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return metrics(base, options);
    } finally {
      base.unpersist();
    }
  }

  private static LogEvaluation metrics(Dataset<Row> base, EvaluationOptions options) {
    Column p = col(P);
    Column y = col(Y);
    // greatest() skips nulls: an unscored row would count as EPSILON without the guard.
    Column clamped = when(p.isNotNull(), least(lit(1 - EPSILON), greatest(lit(EPSILON), p)));
    Row totals =
        base.agg(
                count(when(p.isNull(), 1)),
                count(p),
                sum(when(p.isNotNull().and(y), 1L).otherwise(0L)),
                sum(when(p.isNotNull().and(p.geq(0.5).equalTo(y)), 1L).otherwise(0L)),
                sum(negate(when(y, log(clamped)).otherwise(log1p(negate(clamped))))))
            .first();
    long unscored = totals.getLong(0);
    long n = totals.getLong(1);
    long positives = n == 0 ? 0 : totals.getLong(2);
    if (n == 0) {
      return new LogEvaluation(
          0,
          0,
          unscored,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          0,
          Double.NaN,
          Double.NaN,
          Double.NaN);
    }
    double accuracy = (double) totals.getLong(3) / n;
    double logLoss = totals.getDouble(4) / n;
    Dataset<Row> rated = base.where(p.isNotNull());
    double ece = ece(rated, options.eceBins(), n);
    double auc =
        positives == 0 || positives == n ? Double.NaN : auc(rated, positives, n - positives);
    long groups = 0;
    double hitsAt1 = Double.NaN;
    double mrr = Double.NaN;
    double candidatesPerGroup = Double.NaN;
    if (!options.groupBy().isEmpty()) {
      Row ranking = ranking(rated, options.groupBy().size());
      groups = ranking.getLong(0);
      if (groups > 0) {
        hitsAt1 = (double) ranking.getLong(1) / groups;
        mrr = ranking.getDouble(2) / groups;
        candidatesPerGroup = (double) ranking.getLong(3) / groups;
      }
    }
    return new LogEvaluation(
        n,
        positives,
        unscored,
        auc,
        accuracy,
        logLoss,
        ece,
        groups,
        hitsAt1,
        mrr,
        candidatesPerGroup);
  }

  /** BinaryMetrics.expectedCalibrationError: bin k holds [k/bins, (k+1)/bins), the last 1.0. */
  private static double ece(Dataset<Row> rated, int bins, long n) {
    Column bin = least(lit(bins - 1), greatest(lit(0), floor(col(P).multiply(bins)))).cast("int");
    List<Row> perBin =
        rated
            .groupBy(bin.as("bin"))
            .agg(count(lit(1)), sum(col(P)), sum(when(col(Y), 1L).otherwise(0L)))
            .collectAsList();
    long[] count = new long[bins];
    double[] probabilitySum = new double[bins];
    long[] upvotes = new long[bins];
    for (Row r : perBin) {
      int b = r.getInt(0);
      count[b] = r.getLong(1);
      probabilitySum[b] = r.getDouble(2);
      upvotes[b] = r.getLong(3);
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        ece +=
            (double) count[b]
                / n
                * Math.abs(probabilitySum[b] / count[b] - (double) upvotes[b] / count[b]);
      }
    }
    return ece;
  }

  /** The exact AUC from a distributed, probability-ordered histogram; see the class comment. */
  private static double auc(Dataset<Row> rated, long positives, long negatives) {
    JavaRDD<Row> histogram =
        rated
            .groupBy(col(P))
            .agg(
                sum(when(col(Y), 1L).otherwise(0L)).as("up"),
                sum(when(col(Y), 0L).otherwise(1L)).as("down"))
            .orderBy(col(P))
            .javaRDD();
    // Job 1: the downvotes of each partition; the offsets before each follow on the driver.
    List<long[]> perPartition =
        histogram
            .mapPartitionsWithIndex(
                (index, rows) -> {
                  long down = 0;
                  while (rows.hasNext()) {
                    down += rows.next().getLong(2);
                  }
                  return List.of(new long[] {index, down}).iterator();
                },
                true)
            .collect();
    long[] below = new long[histogram.getNumPartitions()];
    long[] down = new long[below.length];
    for (long[] pd : perPartition) {
      down[(int) pd[0]] = pd[1];
    }
    for (int i = 1; i < below.length; i++) {
      below[i] = below[i - 1] + down[i - 1];
    }
    // Job 2: twice the U statistic, sum of up(v) * (2 * down below v + down(v)), exactly.
    List<BigInteger> twiceU =
        histogram
            .mapPartitionsWithIndex(
                (Integer index, Iterator<Row> rows) -> {
                  long seen = below[index];
                  BigInteger sum = BigInteger.ZERO;
                  while (rows.hasNext()) {
                    Row r = rows.next();
                    long up = r.getLong(1);
                    long d = r.getLong(2);
                    if (up > 0) {
                      sum =
                          sum.add(
                              BigInteger.valueOf(up)
                                  .multiply(
                                      BigInteger.valueOf(seen)
                                          .shiftLeft(1)
                                          .add(BigInteger.valueOf(d))));
                    }
                    seen += d;
                  }
                  return List.of(sum).iterator();
                },
                true)
            .collect();
    BigInteger total = twiceU.stream().reduce(BigInteger.ZERO, BigInteger::add);
    BigInteger pairs =
        BigInteger.valueOf(positives).multiply(BigInteger.valueOf(negatives)).shiftLeft(1);
    return new BigDecimal(total).divide(new BigDecimal(pairs), MathContext.DECIMAL64).doubleValue();
  }

  /**
   * BinaryMetrics.ranking: groups of two or more with an upvote; rank = 1 + the downvotes scoring
   * at least as high as the group's best upvote. Returns (groups, hits, sum of 1/rank, candidates).
   */
  private static Row ranking(Dataset<Row> rated, int keys) {
    Column[] key = new Column[keys];
    for (int i = 0; i < keys; i++) {
      key[i] = col(KEY + i);
    }
    Column best = max(when(col(Y), col(P))).over(Window.partitionBy(key));
    Dataset<Row> perGroup =
        rated
            .withColumn("_best", best)
            .groupBy(key)
            .agg(
                count(lit(1)).as("_n"),
                max(col("_best")).as("_best"),
                sum(when(not(col(Y)).and(col(P).geq(col("_best"))), 1L).otherwise(0L)).as("_above"))
            .where(col("_n").geq(2).and(col("_best").isNotNull()));
    Column rank = col("_above").plus(1);
    return perGroup
        .agg(
            count(lit(1)),
            sum(when(rank.equalTo(1), 1L).otherwise(0L)),
            sum(lit(1.0).divide(rank)),
            sum(col("_n")))
        .first();
  }
}
