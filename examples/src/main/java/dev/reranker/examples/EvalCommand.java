package dev.reranker.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Reranker;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.BinaryMetrics;
import dev.reranker.training.DatasetSplit;
import dev.reranker.training.EvaluationReport;
import dev.reranker.training.MalformedReactionLogException;
import dev.reranker.training.ReactionEvaluation;
import dev.reranker.training.ReactionRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code eval --data FILE --model DIR|bundled [--split val|train|all] ...}: scores a reaction log
 * through {@link Reranker}, the serving path, with the checkpoint's saved calibration (for {@code
 * bundled}, the bi-encoder's default calibration of the cosine), and prints AUC, accuracy, log
 * loss, ECE, hits@1 and MRR. With {@code train}'s {@code --seed} and {@code --val-fraction}, {@code
 * --split val} sees exactly the records {@code train} held out.
 */
final class EvalCommand {
  private EvalCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    Set<String> valued = new HashSet<>(ReactionData.OPTIONS);
    valued.addAll(Set.of("--model", "--split", "--batch-size", "--max-seq-len"));
    ArgParser parser = new ArgParser("eval", valued, Set.of());
    ArgParser.Parsed o = parser.parse(args);
    ReactionData data = ReactionData.of(parser, o);
    String model = ReactionData.require(parser, o, "--model");
    String which = o.single("--split").orElse("val");
    if (!List.of("val", "train", "all").contains(which)) {
      throw parser.fail("--split must be val, train or all, but was '" + which + "'");
    }
    Optional<Integer> batchSize = o.value("--batch-size", "an integer", Integer::parseInt);
    Optional<Integer> maxSeqLen = o.value("--max-seq-len", "an integer", Integer::parseInt);
    try {
      DatasetSplit split = data.split(out);
      List<ReactionRecord> records =
          switch (which) {
            case "val" -> split.validation();
            case "train" -> split.train();
            default -> {
              List<ReactionRecord> all = new ArrayList<>(split.train());
              all.addAll(split.validation());
              yield all;
            }
          };
      RerankerModel spec =
          model.equals("bundled")
              ? RerankerModel.bundled()
              : RerankerModel.checkpoint(Path.of(model));
      Reranker.Builder builder = Reranker.builder().model(spec);
      batchSize.ifPresent(builder::batchSize);
      maxSeqLen.ifPresent(builder::maxSeqLen);
      out.printf(Locale.ROOT, "model:       %s (%s)%n", model, calibrationOf(model));
      long start = System.nanoTime();
      EvaluationReport report;
      try (Reranker reranker = builder.build()) {
        report = ReactionEvaluation.evaluate(reranker, records);
      }
      print(which, records, report, (System.nanoTime() - start) / 1e9, out);
      return 0;
    } catch (MalformedReactionLogException
        | ModelLoadException
        | UncheckedIOException
        | IllegalArgumentException
        | IllegalStateException e) {
      return ReactionData.failed(e, err);
    }
  }

  private static void print(
      String which,
      List<ReactionRecord> records,
      EvaluationReport report,
      double seconds,
      PrintStream out) {
    out.printf(
        Locale.ROOT,
        "split:       %s, %d records (%d rated, %.1f%% upvotes)%n",
        which,
        records.size(),
        report.examples(),
        report.examples() == 0 ? 0.0 : 100.0 * report.positives() / report.examples());
    out.printf(Locale.ROOT, "AUC:         %.4f%n", report.auc());
    out.printf(Locale.ROOT, "accuracy:    %.4f%n", report.accuracy());
    out.printf(Locale.ROOT, "log loss:    %.4f%n", report.logLoss());
    out.printf(
        Locale.ROOT,
        "ECE:         %.4f (%d equal-width bins)%n",
        report.ece(),
        BinaryMetrics.DEFAULT_ECE_BINS);
    if (report.groups() > 0) {
      out.printf(
          Locale.ROOT,
          "hits@1/%.1f:  %.4f (%d contexts with 2+ candidates)%n",
          report.candidatesPerGroup(),
          report.hitsAt1(),
          report.groups());
      out.printf(Locale.ROOT, "MRR:         %.4f%n", report.mrr());
    } else {
      out.println("hits@1, MRR: n/a (no context has two or more rated candidates)");
    }
    out.printf(Locale.ROOT, "time:        %.1f s load + score%n", seconds);
  }

  private static String calibrationOf(String model) {
    if (model.equals("bundled")) {
      return "bi-encoder: cosine with the default calibration sigmoid(10 * cos - 3)";
    }
    Path config = Path.of(model).resolve("config.json");
    try {
      JsonObject json =
          JsonParser.parseString(Files.readString(config, StandardCharsets.UTF_8))
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
}
