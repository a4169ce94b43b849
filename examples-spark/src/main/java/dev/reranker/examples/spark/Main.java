package dev.reranker.examples.spark;

import static org.apache.spark.sql.functions.col;

import dev.reranker.spark.EvaluationOptions;
import dev.reranker.spark.LogEvaluation;
import dev.reranker.spark.RerankerSpark;
import dev.reranker.spark.ScoringOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar reranker-examples-spark.jar --data PATH [--format json|parquet] [--model
 * bundled|DIR] [--master URL] [--partitions N] [--in-flight N] [--batch-size N] [--limit N] [--out
 * DIR]}: scores a reaction log with {@link RerankerSpark} (one reranker per executor JVM) and
 * prints the throughput and the distributed evaluation. Runs in Spark's local mode ({@code
 * local[*]} unless {@code --master} says otherwise) from the jar, or on a cluster under {@code
 * spark-submit}, whose master wins. Exit codes: 0 done, 1 failed (Spark's failure: an unreadable
 * file, a model that cannot load, a lost executor), 2 bad arguments (with exactly one line on
 * stderr).
 */
public final class Main {
  static final String USAGE =
      """
      usage: java -jar reranker-examples-spark.jar --data FILE|DIR [--format json|parquet]
             [--model bundled|DIR] [--master URL] [--partitions N] [--in-flight N]
             [--batch-size N] [--limit N] [--out DIR]

        score a reaction log (JSON Lines or Parquet) on Apache Spark, one reranker per
        executor, and print pairs/s and the evaluation computed on Spark; local mode
        (--master, default local[*]) unless spark-submit chose a master

        --data FILE|DIR        the log: one file, or a folder of part files
        --format json|parquet  default: parquet for a name ending .parquet, else json
        --model bundled|DIR    the bundled model (default) or a HuggingFace checkpoint folder
        --master URL           local mode's master (default local[*]); ignored under
                               spark-submit, whose master wins
        --partitions N         split the input into N partitions (default: as read)
        --in-flight N          pairs each task keeps in the batching queue (default %d)
        --batch-size N         the reranker's batch size (default 32)
        --limit N              score only the first N rows
        --out DIR              also write the scored rows as Parquet to DIR, a new folder
      """
          .formatted(ScoringOptions.DEFAULT_IN_FLIGHT);

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

  private Main() {}

  /** Runs the example and exits with its code. */
  public static void main(String[] args) {
    System.setProperty("offline", "true"); // before anything touches DJL: never reach the network
    // UTF-8 whatever the platform's console encoding, so that replies in errors survive intact.
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = run(Arrays.asList(args), out, err);
    out.flush();
    System.exit(code);
  }

  /** Runs the example on {@code args} and returns its exit code; never calls System.exit. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (BadArguments e) {
      err.println(e.getMessage());
      return 2;
    }
    return score(settings, out, err);
  }

  private static int score(Settings s, PrintStream out, PrintStream err) {
    ScoringOptions options =
        ScoringOptions.builder()
            .model(s.model())
            .batchSize(s.batchSize())
            .inFlight(s.inFlight())
            .build();
    // Spark's netty reads direct buffers by reflection on Java 17; its launcher sets this too.
    System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    SparkSession.Builder builder = SparkSession.builder().appName("reranker-spark-example");
    if (System.getProperty("spark.master") == null) { // spark-submit sets it; else local mode
      builder
          .master(Objects.requireNonNullElse(s.master(), "local[*]"))
          .config("spark.ui.enabled", false)
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      Dataset<Row> logs =
          s.format().equals("json") ? spark.read().json(s.data()) : spark.read().parquet(s.data());
      if (s.limit() > 0) {
        logs = logs.limit(s.limit());
      }
      if (s.partitions() > 0) {
        logs = logs.repartition(s.partitions());
      }
      Dataset<Row> scored =
          RerankerSpark.score(logs, options).persist(StorageLevel.MEMORY_AND_DISK());
      int split = scored.javaRDD().getNumPartitions();
      out.printf(
          Locale.ROOT,
          "data:        %s (%s, %d partition%s)%n",
          s.data(),
          s.format(),
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
          s.model(),
          s.batchSize(),
          s.inFlight());
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
      String target = s.out();
      if (target != null) {
        scored.write().parquet(target);
        out.println("wrote:       " + target + " (Parquet: the input's columns, scored)");
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
      out.flush();
      spark.stop();
    }
  }

  /** The checked arguments. */
  private record Settings(
      String data,
      String format,
      String model,
      @Nullable String master,
      int partitions,
      int limit,
      int batchSize,
      int inFlight,
      @Nullable String out) {

    /**
     * Parses {@code --name value} and {@code --name=value}, each option at most once; a value that
     * is itself an option name is taken as a missing value.
     */
    static Settings parse(List<String> args) throws BadArguments {
      Map<String, String> given = new HashMap<>();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        if (!OPTIONS.contains(name)) {
          throw new BadArguments(
              arg.startsWith("--")
                  ? "unknown option '" + arg + "'"
                  : "unexpected argument '" + arg + "'");
        }
        String value;
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size() && !OPTIONS.contains(args.get(i + 1).split("=", 2)[0])) {
          value = args.get(++i);
        } else {
          throw new BadArguments("option " + name + " needs a value");
        }
        if (given.put(name, value) != null) {
          throw new BadArguments("option " + name + " given twice");
        }
      }
      String data = given.get("--data");
      if (data == null) {
        throw new BadArguments("no --data given");
      }
      if (!Files.exists(path("--data", data))) {
        throw new BadArguments("--data '" + data + "' does not exist");
      }
      String format =
          given.getOrDefault("--format", data.endsWith(".parquet") ? "parquet" : "json");
      if (!format.equals("json") && !format.equals("parquet")) {
        throw new BadArguments("--format must be json or parquet, but was '" + format + "'");
      }
      String model = given.getOrDefault("--model", ScoringOptions.BUNDLED);
      if (!model.equals(ScoringOptions.BUNDLED)) {
        Path folder = path("--model", model);
        if (!Files.isDirectory(folder)) {
          throw new BadArguments(
              "--model '"
                  + model
                  + (Files.exists(folder)
                      ? "' is not a folder (expected a HuggingFace checkpoint folder)"
                      : "' does not exist"));
        }
      }
      String target = given.get("--out");
      if (target != null && Files.exists(path("--out", target))) {
        throw new BadArguments("--out '" + target + "' exists; give a new folder");
      }
      return new Settings(
          data,
          format,
          model,
          given.get("--master"),
          integer(given, "--partitions", 1, 100_000, 0),
          integer(given, "--limit", 1, Integer.MAX_VALUE, 0),
          integer(given, "--batch-size", 1, 4096, 32),
          integer(given, "--in-flight", 1, 65_536, ScoringOptions.DEFAULT_IN_FLIGHT),
          target);
    }

    private static Path path(String option, String text) throws BadArguments {
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw new BadArguments(option + " '" + text + "' is not a valid path");
      }
    }

    /** An integer option in [min, max], or {@code otherwise} when absent. */
    private static int integer(
        Map<String, String> given, String name, int min, int max, int otherwise)
        throws BadArguments {
      String text = given.get(name);
      if (text == null) {
        return otherwise;
      }
      try {
        int value = Integer.parseInt(text.strip());
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below, with the range
      }
      throw new BadArguments(
          name + " must be an integer in [" + min + ", " + max + "], but was '" + text + "'");
    }
  }

  /** Bad arguments: their one-line message goes to stderr, and the example exits with 2. */
  private static final class BadArguments extends Exception {
    private static final long serialVersionUID = 1L;

    BadArguments(String problem) {
      // One line on stderr, whatever the user typed into an argument.
      super(("spark: " + problem + " (see --help)").replaceAll("[\\r\\n]+", " "));
    }
  }
}
