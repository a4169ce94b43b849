package dev.reranker.jmh;

import static org.apache.spark.sql.functions.col;

import dev.reranker.Candidate;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.Turn;
import dev.reranker.model.RerankerModel;
import dev.reranker.spark.RerankerSpark;
import dev.reranker.spark.ScoringOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's overhead on one machine: the same (context, reply) pairs scored by {@link
 * RerankerSpark#score} in local mode and by one {@link Reranker} called directly, in pairs/s. Not a
 * JMH benchmark: a Spark session and two models per fork would make the suite's smoke run minutes
 * longer, and what matters is one ratio of two long runs. Both sides are warmed up (model loaded,
 * JIT compiled, the executor's reranker cached) and then run alternately, so a neighbour's load on
 * a shared machine hits both; the medians are compared.
 *
 * <ul>
 *   <li>direct: one reranker (bundled model, batches of 32), each pair ranked alone with {@code
 *       rankAsync}, as many pairs in flight as Spark's tasks keep together ({@code tasks x 256}),
 *       so the batches are as full as Spark's;
 *   <li>spark: the same pairs as a DataFrame of {@code tasks} partitions in {@code local[tasks]},
 *       through {@code RerankerSpark.score} with the same reranker settings, into Spark's {@code
 *       noop} sink (every row computed, nothing written).
 * </ul>
 *
 * <pre>
 * java [Spark's --add-opens] -cp reranker-jmh/target/benchmarks.jar dev.reranker.jmh.SparkOverhead \
 *     [pairs (1000)] [rounds (3)] [tasks (2)] [markdown file]
 * </pre>
 *
 * {@code bash reranker-jmh/run.sh spark} runs it with the flags and writes {@code
 * results/spark-overhead.md}.
 */
public final class SparkOverhead {
  private static final int BATCH_SIZE = 32;

  private static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("persona", strings(), false),
              DataTypes.createStructField("context", strings(), false),
              DataTypes.createStructField("speakers", strings(), false),
              DataTypes.createStructField("response", DataTypes.StringType, false)));

  private SparkOverhead() {}

  /** One pair of the workload, as the direct side scores it. */
  private record Pair(dev.reranker.Dialog dialog, String reply) {}

  public static void main(String[] args) throws IOException {
    // Before any logger exists: Spark and DJL log through slf4j-simple, warnings only.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark.util.Utils", "error");
    System.setProperty(
        "org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error");
    System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path markdown = args.length > 3 ? Path.of(args[3]) : null;

    List<Pair> work = new ArrayList<>(pairs);
    List<Row> rows = new ArrayList<>(pairs);
    outer:
    for (Workload.Request request : Workload.standard()) {
      for (Candidate c : request.candidates()) {
        if (work.size() == pairs) {
          break outer;
        }
        work.add(new Pair(request.dialog(), c.text()));
        rows.add(row(request.dialog(), c.text()));
      }
    }
    String loadStart = Report.loadAverage();
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + tasks + "]")
            .appName("reranker-spark-overhead")
            .config("spark.ui.enabled", false)
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
    ScoringOptions options = ScoringOptions.builder().batchSize(BATCH_SIZE).build();
    Dataset<Row> frame =
        spark
            .createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, tasks),
                SCHEMA)
            .cache();
    long cached = frame.count(); // the input is in memory before any timing
    double[] direct = new double[rounds];
    double[] sparkRate = new double[rounds];
    long rssBefore = residentMegabytes();
    long rssLoaded;
    try (Reranker reranker =
        Reranker.builder()
            .model(RerankerModel.bundled())
            .batchSize(BATCH_SIZE)
            .maxQueuedPairs(1 << 20)
            .build()) {
      int inFlight = tasks * ScoringOptions.DEFAULT_IN_FLIGHT;
      // Warm-up: JIT, both models loaded (the executor's on the first Spark job).
      scoreDirect(reranker, work.subList(0, Math.min(work.size(), 256)), inFlight);
      rssLoaded = residentMegabytes() - rssBefore; // this model, loaded and run once
      scoreSpark(frame.limit(256), options);
      for (int r = 0; r < rounds; r++) {
        direct[r] = pairs / seconds(() -> scoreDirect(reranker, work, inFlight));
        sparkRate[r] = cached / seconds(() -> scoreSpark(frame, options));
        System.out.printf(
            Locale.ROOT,
            "round %d: direct %.1f pairs/s, spark %.1f pairs/s%n",
            r + 1,
            direct[r],
            sparkRate[r]);
      }
    } finally {
      spark.stop();
    }
    double d = median(direct);
    double s = median(sparkRate);
    String report =
        String.join(
            "\n",
            "| | |",
            "|---|---|",
            "| date (UTC) | "
                + ZonedDateTime.now(ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
                + " |",
            "| CPU | "
                + Report.cpuModel()
                + ", nproc "
                + Runtime.getRuntime().availableProcessors()
                + " |",
            "| Java, Spark | " + System.getProperty("java.version") + ", " + spark.version() + " |",
            "| load average (start, end) | " + loadStart + "; " + Report.loadAverage() + " |",
            "| resident memory of one reranker (bundled model, loaded and run once) | +"
                + rssLoaded
                + " MB |",
            "| workload | "
                + pairs
                + " pairs of Workload.standard(), bundled model, batches of "
                + BATCH_SIZE
                + ", "
                + tasks
                + " tasks / local["
                + tasks
                + "] |",
            "",
            "| path | pairs/s per round | median |",
            "|---|---|---|",
            String.format(Locale.ROOT, "| one `Reranker`, direct | %s | %.1f |", list(direct), d),
            String.format(
                Locale.ROOT,
                "| `RerankerSpark.score`, local[%d] | %s | %.1f |",
                tasks,
                list(sparkRate),
                s),
            String.format(Locale.ROOT, "| Spark's overhead | | %.1f%% |", 100 * (1 - s / d)),
            "");
    System.out.println();
    System.out.print(report);
    if (markdown != null) {
      Files.writeString(markdown, report, StandardCharsets.UTF_8);
      System.out.println("wrote " + markdown);
    }
  }

  /** This process's resident set (VmRSS), in MB; 0 where /proc is missing. */
  static long residentMegabytes() {
    long bytes = dev.reranker.internal.NativeMemoryTrimmer.residentBytes();
    return bytes < 0 ? 0 : bytes >> 20; // not Linux: no figure
  }

  private static void scoreSpark(Dataset<Row> frame, ScoringOptions options) {
    // Every row is scored and nothing is kept: Spark's noop sink, made for measuring.
    RerankerSpark.score(frame, options)
        .where(col("error").isNull())
        .write()
        .format("noop")
        .mode("overwrite")
        .save();
  }

  /** Ranks every pair alone, at most {@code inFlight} at a time, as each Spark task does. */
  private static void scoreDirect(Reranker reranker, List<Pair> work, int inFlight) {
    ArrayDeque<CompletableFuture<Ranking>> window = new ArrayDeque<>();
    double sink = 0;
    for (Pair p : work) {
      if (window.size() == inFlight) {
        sink += window.poll().join().all().get(0).probability();
      }
      window.add(reranker.rankAsync(p.dialog(), List.of(Candidate.of(p.reply()))));
    }
    while (!window.isEmpty()) {
      sink += window.poll().join().all().get(0).probability();
    }
    if (Double.isNaN(sink)) {
      throw new IllegalStateException("a pair was not scored");
    }
  }

  private static double seconds(Runnable run) {
    long start = System.nanoTime();
    run.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String list(double[] values) {
    List<String> out = new ArrayList<>();
    for (double v : values) {
      out.add(String.format(Locale.ROOT, "%.1f", v));
    }
    return String.join(", ", out);
  }

  private static Row row(dev.reranker.Dialog dialog, String reply) {
    List<String> context = new ArrayList<>();
    List<String> speakers = new ArrayList<>();
    for (Turn t : dialog.turns()) {
      context.add(t.text());
      speakers.add(t.speaker() == Turn.Speaker.USER ? "user" : "bot");
    }
    return RowFactory.create(seq(dialog.botPersona()), seq(context), seq(speakers), reply);
  }

  private static Object seq(List<String> list) {
    return CollectionConverters.asScala(list).toSeq();
  }

  private static org.apache.spark.sql.types.DataType strings() {
    return DataTypes.createArrayType(DataTypes.StringType, false);
  }
}
