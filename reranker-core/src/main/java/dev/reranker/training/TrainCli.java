package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Reranker;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code train} and {@code eval} commands, for a launcher to call with the arguments after
 * the command name's position ({@code args[0]} is {@code train} or {@code eval}).
 *
 * <pre>
 * train --data FILE [--format jsonl|tsv] [--init bundled|baseline|PATH] --out DIR
 *       [--epochs N] [--batch-size N] [--lr X] [--seed N] [--val-fraction F] [--resume]
 *       [--patience N] [--warmup F] [--max-grad-norm X] [--max-seq-len N]
 *       [--calibration platt|temperature|none] [--head single|two] [--multi-label]
 *       [--mixed-precision]
 * eval  --data FILE [--format jsonl|tsv] --model DIR|bundled [--split val|train|all]
 *       [--seed N] [--val-fraction F] [--batch-size N] [--max-seq-len N]
 * </pre>
 *
 * <p>Both split the data by dialog with {@code --seed} (default 42) and {@code --val-fraction}
 * (default 0.2), so {@code eval --split val} with the same two values sees exactly the
 * validation records {@code train} held out. {@code train} trains on the rest; {@code eval} scores
 * through {@link Reranker}, the serving path, with the checkpoint's saved calibration (for {@code
 * bundled}, the bi-encoder's default calibration of the cosine).
 */
public final class TrainCli {
  /** Exit status: done. */
  public static final int OK = 0;
  /** Exit status: the data, the model or training failed. */
  public static final int FAILED = 1;
  /** Exit status: bad arguments; the usage went to {@code err}. */
  public static final int USAGE = 2;

  static final String USAGE_TEXT = String.join("\n",
      "usage:",
      "  train --data FILE [--format jsonl|tsv] [--init bundled|baseline|PATH] --out DIR",
      "        [--epochs N] [--batch-size N] [--lr X] [--seed N] [--val-fraction F] [--resume]",
      "        [--patience N] [--warmup F] [--max-grad-norm X] [--max-seq-len N]",
      "        [--calibration platt|temperature|none] [--head single|two] [--multi-label]",
      "        [--mixed-precision]   (float16 with float32 master weights: for a CUDA GPU)",
      "  eval  --data FILE [--format jsonl|tsv] --model DIR|bundled [--split val|train|all]",
      "        [--seed N] [--val-fraction F] [--batch-size N] [--max-seq-len N]");

  private static final Set<String> FLAGS = Set.of("--resume", "--multi-label",
      "--mixed-precision");
  private static final Set<String> TRAIN_OPTIONS = Set.of("--data", "--format", "--init",
      "--out", "--epochs", "--batch-size", "--lr", "--seed", "--val-fraction", "--resume",
      "--patience", "--warmup", "--max-grad-norm", "--max-seq-len", "--calibration", "--head",
      "--multi-label", "--mixed-precision");
  private static final Set<String> EVAL_OPTIONS = Set.of("--data", "--format", "--model",
      "--split", "--seed", "--val-fraction", "--batch-size", "--max-seq-len");

  private TrainCli() {}

  /**
   * Runs {@code train} or {@code eval}.
   *
   * @param args the command and its options
   * @return {@link #OK}, {@link #FAILED} or {@link #USAGE}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    requireNonNull(args, "args");
    requireNonNull(out, "out");
    requireNonNull(err, "err");
    if (args.length == 0 || !(args[0].equals("train") || args[0].equals("eval"))) {
      err.println(args.length == 0 ? "no command" : "unknown command '" + args[0] + "'");
      err.println(USAGE_TEXT);
      return USAGE;
    }
    boolean train = args[0].equals("train");
    Map<String, String> options;
    try {
      options = parse(args, train ? TRAIN_OPTIONS : EVAL_OPTIONS);
      require(options, "--data");
      require(options, train ? "--out" : "--model");
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    }
    try {
      return train ? train(options, out, err) : eval(options, out);
    } catch (UsageException e) {
      err.println(e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    } catch (MalformedReactionLogException | ModelLoadException | UncheckedIOException
        | IllegalArgumentException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    }
  }

  private static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private static Map<String, String> parse(String[] args, Set<String> allowed) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown option '" + name + "' for " + args[0]);
      }
      if (FLAGS.contains(name)) {
        options.put(name, "true");
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        options.put(name, args[++i]);
      }
    }
    return options;
  }

  private static void require(Map<String, String> options, String name) {
    if (!options.containsKey(name)) {
      throw new IllegalArgumentException("missing " + name);
    }
  }

  private static int train(Map<String, String> o, PrintStream out, PrintStream err) {
    DatasetSplit split = split(o, out);
    RerankerTrainer.Builder builder = RerankerTrainer.builder()
        .output(Path.of(o.get("--out")))
        .seed(longOption(o, "--seed", RerankerTrainer.Builder.DEFAULT_SEED))
        .resume(o.containsKey("--resume"))
        .multiLabel(o.containsKey("--multi-label"))
        .mixedPrecision(o.containsKey("--mixed-precision"))
        .progress(err);
    String init = o.getOrDefault("--init", "bundled");
    switch (init) {
      case "bundled" -> builder.model(RerankerModel.bundled());
      case "baseline" -> builder.baseline(BaselineConfig.talk());
      default -> builder.model(RerankerModel.checkpoint(Path.of(init)));
    }
    if (o.containsKey("--epochs")) {
      builder.epochs(intOption(o, "--epochs"));
    }
    if (o.containsKey("--batch-size")) {
      builder.batchSize(intOption(o, "--batch-size"));
    }
    if (o.containsKey("--lr")) {
      builder.learningRate((float) doubleOption(o, "--lr"));
    }
    if (o.containsKey("--patience")) {
      builder.patience(intOption(o, "--patience"));
    }
    if (o.containsKey("--warmup")) {
      builder.warmupFraction(doubleOption(o, "--warmup"));
    }
    if (o.containsKey("--max-grad-norm")) {
      builder.maxGradNorm(doubleOption(o, "--max-grad-norm"));
    }
    if (o.containsKey("--max-seq-len")) {
      builder.maxSeqLen(intOption(o, "--max-seq-len"));
    }
    if (o.containsKey("--calibration")) {
      builder.calibration(enumOption(o, "--calibration", CalibrationMethod.class));
    }
    if (o.containsKey("--head")) {
      String head = o.get("--head");
      builder.head(switch (head) {
        case "single" -> HeadType.SINGLE_LOGIT;
        case "two" -> HeadType.TWO_LABELS;
        default -> throw new UsageException("--head must be single or two, but was " + head);
      });
    }
    TrainingResult result = builder.build().fit(split.train(), split.validation());
    EpochSummary best = result.best();
    out.printf(Locale.ROOT, "model:       %s%n", result.model());
    result.initialValidation().ifPresent(r ->
        out.printf(Locale.ROOT, "untrained:   %s%n", r.summary()));
    out.printf(Locale.ROOT, "best epoch:  %d of %d%s%n", best.epoch(), result.history().size(),
        result.stoppedEarly() ? " (stopped early)" : "");
    out.printf(Locale.ROOT, "validation:  %s%n", best.validation().summary());
    out.printf(Locale.ROOT, "calibration: scale %.4f, bias %.4f (uncalibrated log loss %.4f, "
            + "ECE %.4f)%n", best.calibration().scale(), best.calibration().bias(),
        best.uncalibrated().logLoss(), best.uncalibrated().ece());
    out.printf(Locale.ROOT, "checkpoint:  %s%n", result.checkpoint());
    out.printf(Locale.ROOT, "time:        %.1f s%s%n", result.trainingTime().toMillis() / 1000.0,
        result.resumedFromEpoch() > 0
            ? " (this run, resumed after epoch " + result.resumedFromEpoch() + ")" : "");
    return OK;
  }

  private static int eval(Map<String, String> o, PrintStream out) {
    DatasetSplit split = split(o, out);
    String which = o.getOrDefault("--split", "val");
    List<ReactionRecord> records = switch (which) {
      case "val" -> split.validation();
      case "train" -> split.train();
      case "all" -> {
        List<ReactionRecord> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        yield all;
      }
      default -> throw new UsageException("--split must be val, train or all, but was " + which);
    };
    String model = o.get("--model");
    RerankerModel spec = model.equals("bundled")
        ? RerankerModel.bundled() : RerankerModel.checkpoint(Path.of(model));
    Reranker.Builder builder = Reranker.builder().model(spec);
    if (o.containsKey("--batch-size")) {
      builder.batchSize(intOption(o, "--batch-size"));
    }
    if (o.containsKey("--max-seq-len")) {
      builder.maxSeqLen(intOption(o, "--max-seq-len"));
    }
    out.printf(Locale.ROOT, "model:       %s (%s)%n", model, calibrationOf(model));
    long start = System.nanoTime();
    EvaluationReport report;
    try (Reranker reranker = builder.build()) {
      report = ReactionEvaluation.evaluate(reranker, records);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "split:       %s, %d records (%d rated, %.1f%% upvotes)%n", which,
        records.size(), report.examples(),
        report.examples() == 0 ? 0.0 : 100.0 * report.positives() / report.examples());
    out.printf(Locale.ROOT, "AUC:         %.4f%n", report.auc());
    out.printf(Locale.ROOT, "accuracy:    %.4f%n", report.accuracy());
    out.printf(Locale.ROOT, "log loss:    %.4f%n", report.logLoss());
    out.printf(Locale.ROOT, "ECE:         %.4f (%d equal-width bins)%n", report.ece(),
        BinaryMetrics.DEFAULT_ECE_BINS);
    if (report.groups() > 0) {
      out.printf(Locale.ROOT, "hits@1/%.1f:  %.4f (%d contexts with 2+ candidates)%n",
          report.candidatesPerGroup(), report.hitsAt1(), report.groups());
      out.printf(Locale.ROOT, "MRR:         %.4f%n", report.mrr());
    } else {
      out.println("hits@1, MRR: n/a (no context has two or more rated candidates)");
    }
    out.printf(Locale.ROOT, "time:        %.1f s load + score%n", seconds);
    return OK;
  }

  private static String calibrationOf(String model) {
    if (model.equals("bundled")) {
      return "bi-encoder: cosine with the default calibration sigmoid(10 * cos - 3)";
    }
    Path config = Path.of(model).resolve("config.json");
    try {
      JsonObject json = JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8))
          .getAsJsonObject();
      if (json.has("reranker_calibration")) {
        JsonObject c = json.getAsJsonObject("reranker_calibration");
        return "saved calibration: scale " + c.get("scale") + ", bias " + c.get("bias");
      }
      return "no saved calibration: the default applies";
    } catch (IOException | RuntimeException e) {
      return "config.json unreadable: " + e.getMessage();
    }
  }

  private static DatasetSplit split(Map<String, String> o, PrintStream out) {
    Path data = Path.of(o.get("--data"));
    ReactionLogFormat format = o.containsKey("--format")
        ? enumOption(o, "--format", ReactionLogFormat.class) : formatOf(data);
    ReactionLog log = ReactionLog.read(data, format);
    long seed = longOption(o, "--seed", RerankerTrainer.Builder.DEFAULT_SEED);
    double fraction = o.containsKey("--val-fraction") ? doubleOption(o, "--val-fraction") : 0.2;
    DatasetSplit split;
    try {
      split = log.split(fraction, seed);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--val-fraction: " + e.getMessage());
    }
    out.printf(Locale.ROOT, "data:        %s: %d records from %d dialogs; split by dialog "
            + "(seed %d, fraction %.2f): %d train (%d dialogs), %d validation (%d dialogs)%n",
        data, log.size(), dialogs(log.records()), seed, fraction, split.train().size(),
        dialogs(split.train()), split.validation().size(), dialogs(split.validation()));
    return split;
  }

  private static ReactionLogFormat formatOf(Path data) {
    try {
      return ReactionLogFormat.of(data);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + "; pass --format jsonl|tsv");
    }
  }

  private static int dialogs(List<ReactionRecord> records) {
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.dialogId()));
    return ids.size();
  }

  private static int intOption(Map<String, String> o, String name) {
    try {
      return Integer.parseInt(o.get(name));
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be an integer, but was '" + o.get(name) + "'");
    }
  }

  private static long longOption(Map<String, String> o, String name, long fallback) {
    if (!o.containsKey(name)) {
      return fallback;
    }
    try {
      return Long.parseLong(o.get(name));
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be an integer, but was '" + o.get(name) + "'");
    }
  }

  private static double doubleOption(Map<String, String> o, String name) {
    try {
      return Double.parseDouble(o.get(name));
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a number, but was '" + o.get(name) + "'");
    }
  }

  private static <E extends Enum<E>> E enumOption(Map<String, String> o, String name,
      Class<E> type) {
    String value = o.get(name);
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw new UsageException(name + " must be one of " + String.join(", ", names)
          + ", but was '" + value + "'");
    }
  }
}
