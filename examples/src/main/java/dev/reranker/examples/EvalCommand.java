package dev.reranker.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Reranker;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.Quantization;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.BinaryMetrics;
import dev.reranker.training.DatasetSplit;
import dev.reranker.training.EvaluationReport;
import dev.reranker.training.MalformedDialogDataException;
import dev.reranker.training.MalformedReactionLogException;
import dev.reranker.training.RankingEvaluation;
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
import java.util.function.UnaryOperator;

/**
 * {@code eval --data FILE --model DIR|bundled [--split val|train|all] ...}: scores a reaction log
 * through {@link Reranker}, the serving path, with the checkpoint's saved calibration (for {@code
 * bundled}, the bi-encoder's default calibration of the cosine), and prints AUC, accuracy, log
 * loss, ECE, hits@1 and MRR. With {@code train}'s {@code --seed} and {@code --val-fraction}, {@code
 * --split val} sees exactly the records {@code train} held out.
 *
 * <p>{@code eval --dialogs DIR --model DIR|bundled|tfidf|bm25 [--max-examples N] [--seed S]
 * [--candidates N] [--test-fraction F]} measures response selection on the public dialog corpora
 * instead ({@link DialogEval}); with {@code --data}, it adds the AUC on the log's {@code --split}.
 */
final class EvalCommand {
  static final Set<String> DIALOG_OPTIONS =
      Set.of("--dialogs", "--max-examples", "--candidates", "--test-fraction");

  private EvalCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    Set<String> valued = new HashSet<>(ReactionData.OPTIONS);
    valued.addAll(Set.of("--model", "--split", "--batch-size", "--max-seq-len", "--quantization"));
    valued.addAll(DIALOG_OPTIONS);
    ArgParser parser = new ArgParser("eval", valued, Set.of("--no-evidence"));
    ArgParser.Parsed o = parser.parse(args);
    Optional<String> dialogs = o.single("--dialogs");
    if (dialogs.isEmpty()) {
      for (String option : DIALOG_OPTIONS) {
        if (o.single(option).isPresent()) {
          throw parser.fail(option + " applies to --dialogs");
        }
      }
    }
    Optional<ReactionData> data =
        dialogs.isPresent() && o.single("--data").isEmpty()
            ? Optional.empty()
            : Optional.of(ReactionData.of(parser, o));
    String model = ReactionData.require(parser, o, "--model");
    String which = o.single("--split").orElse("val");
    if (!List.of("val", "train", "all").contains(which)) {
      throw parser.fail("--split must be val, train or all, but was '" + which + "'");
    }
    Optional<Integer> batchSize = o.value("--batch-size", "an integer", Integer::parseInt);
    Optional<Integer> maxSeqLen = o.value("--max-seq-len", "an integer", Integer::parseInt);
    boolean evidence = !o.has("--no-evidence");
    if (!evidence && (model.equals("tfidf") || model.equals("bm25") || model.equals("minilm"))) {
      throw parser.fail("--no-evidence applies to a cross-encoder, not to --model " + model);
    }
    Optional<Quantization> quantization = o.choice("--quantization", Quantization.class);
    if (quantization.isPresent() && (model.equals("tfidf") || model.equals("bm25"))) {
      throw parser.fail("--quantization applies to a BERT model, not to --model " + model);
    }
    UnaryOperator<Reranker.Builder> settings =
        builder -> {
          batchSize.ifPresent(builder::batchSize);
          maxSeqLen.ifPresent(builder::maxSeqLen);
          quantization.ifPresent(builder::quantization);
          return builder.evidence(evidence);
        };
    DialogEval dialogEval = null;
    if (dialogs.isPresent()) {
      double testFraction =
          o.value("--test-fraction", "a number", Double::parseDouble)
              .orElse(DialogEval.DEFAULT_TEST_FRACTION);
      if (!(testFraction > 0 && testFraction < 1)) {
        throw parser.fail("--test-fraction must be in (0, 1), but was " + testFraction);
      }
      dialogEval =
          new DialogEval(
              Path.of(dialogs.get()),
              model,
              o.integer("--max-examples", 1, Integer.MAX_VALUE, DialogEval.DEFAULT_MAX_EXAMPLES),
              o.integer("--candidates", 2, 1000, RankingEvaluation.DEFAULT_CANDIDATES),
              testFraction,
              o.value("--seed", "an integer", Long::parseLong).orElse(DialogEval.DEFAULT_SEED),
              settings);
    } else if (model.equals("tfidf") || model.equals("bm25")) {
      throw parser.fail("--model " + model + " applies to --dialogs");
    }
    try {
      List<ReactionRecord> records = List.of();
      if (data.isPresent()) {
        DatasetSplit split = data.get().split(out);
        records =
            switch (which) {
              case "val" -> split.validation();
              case "train" -> split.train();
              default -> {
                List<ReactionRecord> all = new ArrayList<>(split.train());
                all.addAll(split.validation());
                yield all;
              }
            };
      }
      if (dialogEval != null) {
        dialogEval.run(records, out);
        return 0;
      }
      RerankerModel spec = ModelNames.resolve(model);
      Reranker.Builder builder = settings.apply(Reranker.builder().model(spec));
      out.printf(Locale.ROOT, "model:       %s (%s)%n", model, calibrationOf(model));
      long start = System.nanoTime();
      EvaluationReport report;
      try (Reranker reranker = builder.build()) {
        report = ReactionEvaluation.evaluate(reranker, records);
      }
      print(which, records, report, (System.nanoTime() - start) / 1e9, out);
      return 0;
    } catch (MalformedReactionLogException
        | MalformedDialogDataException
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
    if (model.equals("minilm")) {
      return "bi-encoder: cosine with the default calibration sigmoid(10 * cos - 3)";
    }
    if (model.equals("bundled")) {
      return "cross-encoder: its shipped calibration (see its MODEL_CARD.md)";
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
