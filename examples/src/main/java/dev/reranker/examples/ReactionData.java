package dev.reranker.examples;

import dev.reranker.training.DatasetSplit;
import dev.reranker.training.ReactionLog;
import dev.reranker.training.ReactionLogFormat;
import dev.reranker.training.ReactionRecord;
import dev.reranker.training.RerankerTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The reaction log that {@code train} and {@code eval} read, from the options they share ({@code
 * --data}, {@code --format}, {@code --seed}, {@code --val-fraction}), and their failure line. Both
 * split by dialog with the same defaults, so {@code eval --split val} sees the records {@code
 * train} held out.
 */
final class ReactionData {
  static final Set<String> OPTIONS = Set.of("--data", "--format", "--seed", "--val-fraction");
  static final double DEFAULT_VAL_FRACTION = 0.2;

  private final Path data;
  private final ReactionLogFormat format;
  private final long seed;
  private final double fraction;

  private ReactionData(Path data, ReactionLogFormat format, long seed, double fraction) {
    this.data = data;
    this.format = format;
    this.seed = seed;
    this.fraction = fraction;
  }

  /** Checks the shared options; reads nothing yet. */
  static ReactionData of(ArgParser parser, ArgParser.Parsed options) throws UsageException {
    Path data = Path.of(require(parser, options, "--data"));
    ReactionLogFormat format = options.choice("--format", ReactionLogFormat.class).orElse(null);
    if (format == null) {
      try {
        format = ReactionLogFormat.of(data);
      } catch (IllegalArgumentException e) {
        throw parser.fail(e.getMessage() + "; pass --format jsonl|tsv");
      }
    }
    long seed =
        options
            .value("--seed", "an integer", Long::parseLong)
            .orElse(RerankerTrainer.Builder.DEFAULT_SEED);
    double fraction =
        options
            .value("--val-fraction", "a number", Double::parseDouble)
            .orElse(DEFAULT_VAL_FRACTION);
    if (!(fraction >= 0 && fraction < 1)) {
      throw parser.fail("--val-fraction must be in [0, 1), but was " + fraction);
    }
    return new ReactionData(data, format, seed, fraction);
  }

  /** Returns a required option's value. */
  static String require(ArgParser parser, ArgParser.Parsed options, String name)
      throws UsageException {
    return options.single(name).orElseThrow(() -> parser.fail("missing " + name));
  }

  /** Returns the split's seed, also the trainer's. */
  long seed() {
    return seed;
  }

  /**
   * Reads the log and splits it by dialog, printing one line about it.
   *
   * @throws dev.reranker.training.MalformedReactionLogException naming the file and line
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  DatasetSplit split(PrintStream out) {
    ReactionLog log = ReactionLog.read(data, format);
    DatasetSplit split = log.split(fraction, seed);
    out.printf(
        Locale.ROOT,
        "data:        %s: %d records from %d dialogs; split by dialog "
            + "(seed %d, fraction %.2f): %d train (%d dialogs), %d validation (%d dialogs)%n",
        data,
        log.size(),
        dialogs(log.records()),
        seed,
        fraction,
        split.train().size(),
        dialogs(split.train()),
        split.validation().size(),
        dialogs(split.validation()));
    return split;
  }

  /** Reports a failure of the data, the model or training on one line; returns exit code 1. */
  static int failed(RuntimeException e, PrintStream err) {
    err.println(("error: " + e.getMessage()).replaceAll("[\\r\\n]+", " "));
    return 1;
  }

  private static int dialogs(List<ReactionRecord> records) {
    Set<String> ids = new HashSet<>();
    records.forEach(r -> ids.add(r.dialogId()));
    return ids.size();
  }
}
