package dev.reranker.examples;

import static org.apache.spark.sql.functions.col;

import dev.reranker.spark.EvaluationOptions;
import dev.reranker.spark.LogEvaluation;
import dev.reranker.spark.RerankerSpark;
import dev.reranker.spark.ScoringOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code spark --data PATH [--format json|parquet] [--model bundled|DIR] [--master URL]
 * [--partitions N] [--in-flight N] [--batch-size N] [--limit N] [--out DIR]}: scores a reaction log
 * with {@link RerankerSpark} (one reranker per executor JVM) and prints the throughput and the
 * distributed evaluation. Runs in Spark's local mode ({@code local[*]} unless {@code --master} says
 * otherwise) from the examples jar, or on a cluster under {@code spark-submit}, whose master wins.
 */
final class SparkCommand {
  private static final Set<String> OPTIONS =
      Set.of(
          "--data",
          "--format",
          "--model",
          "--master",
          "--partitions",
          "--in-flight",
          "--batch-size",
          "--limit",
          "--out");

  /** The reaction log's context key: the groups of hits@1 and MRR, where the columns exist. */
  private static final List<String> CONTEXT_KEY =
      List.of("dialog_id", "persona", "context", "speakers");

  private SparkCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    ArgParser parser = new ArgParser("spark", OPTIONS, Set.of());
    ArgParser.Parsed o = parser.parse(args);
    String data = o.single("--data").orElseThrow(() -> parser.fail("no --data given"));
    if (!Files.exists(Path.of(data))) {
      throw parser.fail("--data '" + data + "' does not exist");
    }
    String format = o.single("--format").orElse(data.endsWith(".parquet") ? "parquet" : "json");
    if (!format.equals("json") && !format.equals("parquet")) {
      throw parser.fail("--format must be json or parquet, but was '" + format + "'");
    }
    String model = ScoringOptions.BUNDLED;
    if (o.single("--model").filter(m -> !m.equals(ScoringOptions.BUNDLED)).isPresent()) {
      model = o.modelPath().orElseThrow().toString();
    }
    int partitions = o.integer("--partitions", 1, 100_000, 0);
    int limit = o.integer("--limit", 1, Integer.MAX_VALUE, 0);
    int batchSize = o.integer("--batch-size", 1, 4096, 32);
    int inFlight = o.integer("--in-flight", 1, 65_536, ScoringOptions.DEFAULT_IN_FLIGHT);
    ScoringOptions options =
        ScoringOptions.builder().model(model).batchSize(batchSize).inFlight(inFlight).build();
    Optional<String> target = o.single("--out");
    if (target.isPresent() && Files.exists(Path.of(target.get()))) {
      throw parser.fail("--out '" + target.get() + "' exists; give a new folder");
    }

    // Spark's netty reads direct buffers by reflection on Java 17; its launcher sets this too.
    System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    SparkSession.Builder builder = SparkSession.builder().appName("reranker-spark-example");
    if (System.getProperty("spark.master") == null) { // spark-submit sets it; else local mode
      builder
          .master(o.single("--master").orElse("local[*]"))
          .config("spark.ui.enabled", false)
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      Dataset<Row> logs =
          format.equals("json") ? spark.read().json(data) : spark.read().parquet(data);
      if (limit > 0) {
        logs = logs.limit(limit);
      }
      if (partitions > 0) {
        logs = logs.repartition(partitions);
      }
      Dataset<Row> scored =
          RerankerSpark.score(logs, options).persist(StorageLevel.MEMORY_AND_DISK());
      int split = scored.javaRDD().getNumPartitions();
      out.printf(
          Locale.ROOT,
          "data:        %s (%s, %d partition%s)%n",
          data,
          format,
          split,
          split == 1 ? "" : "s");
      out.printf(
          Locale.ROOT,
          "spark:       %s, Spark %s, %d task slots%n",
          spark.sparkContext().master(),
          spark.version(),
          spark.sparkContext().defaultParallelism());
      out.printf(
          Locale.ROOT,
          "model:       %s, batches of %d, %d pairs in flight per task%n",
          model,
          batchSize,
          inFlight);
      long start = System.nanoTime();
      long rows = scored.count(); // scores every row, once: the result is persisted
      double seconds = (System.nanoTime() - start) / 1e9;
      long errors = scored.where(col(options.errorColumn()).isNotNull()).count();
      out.printf(
          Locale.ROOT,
          "scored:      %d rows in %.1f s (%.0f pairs/s, model load included), %d errors%n",
          rows,
          seconds,
          rows / seconds,
          errors);
      for (Row r : scored.where(col(options.errorColumn()).isNotNull()).limit(3).collectAsList()) {
        out.println("  error:     " + r.getAs(options.errorColumn()));
      }
      List<String> names = Arrays.asList(scored.schema().fieldNames());
      if (names.contains("reaction")) {
        List<Column> key = new ArrayList<>();
        CONTEXT_KEY.stream().filter(names::contains).forEach(c -> key.add(col(c)));
        long evaluationStart = System.nanoTime();
        LogEvaluation evaluation =
            RerankerSpark.evaluate(
                scored,
                EvaluationOptions.builder()
                    .label(EvaluationOptions.upvoted("reaction"))
                    .groupBy(key.toArray(Column[]::new))
                    .build());
        out.println("evaluation:  " + evaluation.summary());
        out.printf(
            Locale.ROOT,
            "             computed on Spark in %.1f s%n",
            (System.nanoTime() - evaluationStart) / 1e9);
      } else {
        out.println("evaluation:  none (no 'reaction' column)");
      }
      if (target.isPresent()) {
        scored.write().parquet(target.get());
        out.println("wrote:       " + target.get() + " (Parquet: the input's columns, scored)");
      }
      scored.unpersist();
      return 0;
    } catch (RuntimeException e) {
      // Spark's own failures (an unreadable file, a lost executor): one line, exit 1.
      err.println(
          ("spark: " + e.getClass().getSimpleName() + ": " + e.getMessage())
              .replaceAll("[\\r\\n]+", " "));
      return 1;
    } finally {
      spark.stop();
    }
  }
}
