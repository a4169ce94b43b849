package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import dev.reranker.model.BaselineConfig;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.CalibrationMethod;
import dev.reranker.training.DatasetSplit;
import dev.reranker.training.EpochSummary;
import dev.reranker.training.HeadType;
import dev.reranker.training.MalformedReactionLogException;
import dev.reranker.training.RerankerTrainer;
import dev.reranker.training.SelectionExample;
import dev.reranker.training.SelectionLoss;
import dev.reranker.training.TrainingResult;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code train --data FILE --out DIR [--init bundled|baseline|PATH] [--epochs N] ...}: fine-tunes a
 * cross-encoder (or trains the QA-LSTM baseline) with {@link RerankerTrainer} on a reaction log,
 * split by dialog as {@link EvalCommand} splits it, and prints the best epoch. With {@code
 * --dialogs FILE|DIR} instead of {@code --data}, trains response selection ({@link
 * RerankerTrainer#fitSelection}) on selection examples ({@link SelectionData}; {@code --loss},
 * {@code --negatives}, {@code --hard-negatives}, {@code --validation-candidates}). With {@code
 * --data} and {@code --anchor-dialogs FILE|DIR}, reaction fine-tuning keeps relevance: every step
 * also trains response selection on those dialogs ({@link RerankerTrainer#fit(List, List, List)}).
 * Progress goes to stderr.
 */
final class TrainCommand {
  /** The options of response-selection training, which need {@code --dialogs}. */
  static final Set<String> SELECTION_OPTIONS =
      Set.of(
          "--loss",
          "--negatives",
          "--hard-negatives",
          "--validation-candidates",
          "--max-per-source",
          "--max-validation");

  /** Relevance anchors read per corpus by default with {@code --anchor-dialogs}. */
  static final int DEFAULT_ANCHORS_PER_SOURCE = 1000;

  private TrainCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    Set<String> valued = new HashSet<>(ReactionData.OPTIONS);
    valued.addAll(SELECTION_OPTIONS);
    valued.add("--dialogs");
    valued.add("--anchor-dialogs");
    valued.add("--anchor-weight");
    valued.addAll(
        Set.of(
            "--init",
            "--out",
            "--epochs",
            "--batch-size",
            "--lr",
            "--patience",
            "--warmup",
            "--max-grad-norm",
            "--max-seq-len",
            "--calibration",
            "--head",
            "--layers"));
    ArgParser parser =
        new ArgParser("train", valued, Set.of("--resume", "--multi-label", "--mixed-precision"));
    ArgParser.Parsed o = parser.parse(args);
    boolean selection = o.single("--dialogs").isPresent();
    if (selection && o.single("--data").isPresent()) {
      throw parser.fail("give --data (reactions) or --dialogs (response selection), not both");
    }
    if (selection && o.single("--format").isPresent()) {
      throw parser.fail("--format applies to --data; --dialogs is JSONL or a corpora folder");
    }
    boolean anchored = o.single("--anchor-dialogs").isPresent();
    if (selection && anchored) {
      throw parser.fail("--anchor-dialogs applies to --data (reactions), not to --dialogs");
    }
    if (!anchored && o.single("--anchor-weight").isPresent()) {
      throw parser.fail("--anchor-weight applies with --anchor-dialogs");
    }
    if (!selection) {
      for (String option : SELECTION_OPTIONS) {
        boolean anchorOption = option.equals("--max-per-source") || option.equals("--negatives");
        if (o.single(option).isPresent() && !(anchored && anchorOption)) {
          throw parser.fail(option + " applies to --dialogs (response selection)");
        }
      }
    }
    SelectionData dialogs = selection ? SelectionData.of(parser, o) : null;
    ReactionData data = selection ? null : ReactionData.of(parser, o);
    long seed = dialogs != null ? dialogs.seed() : requireNonNull(data).seed();
    Path output = Path.of(ReactionData.require(parser, o, "--out"));
    RerankerTrainer.Builder builder =
        RerankerTrainer.builder()
            .output(output)
            .seed(seed)
            .resume(o.has("--resume"))
            .multiLabel(o.has("--multi-label"))
            .mixedPrecision(o.has("--mixed-precision"))
            .progress(err);
    String init = o.single("--init").orElse("bundled");
    Optional<Integer> layers =
        o.single("--layers").isPresent()
            ? Optional.of(o.integer("--layers", 1, 1000, 0))
            : Optional.empty();
    if (layers.isPresent() && init.equals("baseline")) {
      throw parser.fail("--layers applies to a BERT --init, not to the baseline");
    }
    Optional<Integer> epochs = o.value("--epochs", "an integer", Integer::parseInt);
    Optional<Integer> batchSize = o.value("--batch-size", "an integer", Integer::parseInt);
    Optional<Float> lr = o.value("--lr", "a number", Float::parseFloat);
    Optional<Integer> patience = o.value("--patience", "an integer", Integer::parseInt);
    Optional<Double> warmup = o.value("--warmup", "a number", Double::parseDouble);
    Optional<Double> maxGradNorm = o.value("--max-grad-norm", "a number", Double::parseDouble);
    Optional<Integer> maxSeqLen = o.value("--max-seq-len", "an integer", Integer::parseInt);
    Optional<CalibrationMethod> calibration = o.choice("--calibration", CalibrationMethod.class);
    Optional<HeadType> head = o.value("--head", "single or two", TrainCommand::head);
    Optional<SelectionLoss> loss = o.choice("--loss", SelectionLoss.class);
    Optional<Integer> negatives =
        o.single("--negatives").isPresent()
            ? Optional.of(o.integer("--negatives", 1, 255, 0))
            : Optional.empty();
    Optional<Double> hard = o.value("--hard-negatives", "a number in [0, 1]", TrainCommand::share);
    Optional<Double> anchorWeight = o.value("--anchor-weight", "a number", Double::parseDouble);
    Optional<Integer> candidates =
        o.single("--validation-candidates").isPresent()
            ? Optional.of(o.integer("--validation-candidates", 2, 1000, 0))
            : Optional.empty();
    try {
      if (init.equals("baseline")) {
        builder.baseline(BaselineConfig.talk());
      } else {
        RerankerModel start =
            switch (init) {
              case "bundled" -> RerankerModel.bundled();
              case "minilm" -> RerankerModel.miniLmBiEncoder();
              default -> RerankerModel.checkpoint(Path.of(init));
            };
        builder.model(layers.isPresent() ? start.firstLayers(layers.get()) : start);
      }
      // Values out of range reach the builder, whose message names the option and the value.
      epochs.ifPresent(builder::epochs);
      batchSize.ifPresent(builder::batchSize);
      lr.ifPresent(builder::learningRate);
      patience.ifPresent(builder::patience);
      warmup.ifPresent(builder::warmupFraction);
      maxGradNorm.ifPresent(builder::maxGradNorm);
      maxSeqLen.ifPresent(builder::maxSeqLen);
      calibration.ifPresent(builder::calibration);
      head.ifPresent(builder::head);
      loss.ifPresent(builder::loss);
      negatives.ifPresent(builder::negatives);
      hard.ifPresent(builder::hardNegatives);
      candidates.ifPresent(builder::validationCandidates);
      anchorWeight.ifPresent(builder::anchorWeight);
      RerankerTrainer trainer = builder.build();
      if (dialogs != null) {
        SelectionData.Split split = dialogs.split(out);
        print(trainer.fitSelection(split.train(), split.validation()), out);
      } else {
        DatasetSplit split = requireNonNull(data).split(out);
        List<SelectionExample> anchors = List.of();
        if (anchored) {
          int perSource =
              o.integer("--max-per-source", 1, Integer.MAX_VALUE, DEFAULT_ANCHORS_PER_SOURCE);
          anchors =
              SelectionData.anchors(
                  Path.of(o.single("--anchor-dialogs").orElseThrow()), perSource, seed, out);
        }
        print(trainer.fit(split.train(), split.validation(), anchors), out);
      }
      return 0;
    } catch (MalformedReactionLogException
        | ModelLoadException
        | UncheckedIOException
        | IllegalArgumentException
        | IllegalStateException e) {
      return ReactionData.failed(e, err);
    }
  }

  private static double share(String text) {
    double value = Double.parseDouble(text);
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(text);
    }
    return value;
  }

  private static HeadType head(String name) {
    return switch (name) {
      case "single" -> HeadType.SINGLE_LOGIT;
      case "two" -> HeadType.TWO_LABELS;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static void print(TrainingResult result, PrintStream out) {
    EpochSummary best = result.best();
    out.printf(Locale.ROOT, "model:       %s%n", result.model());
    result
        .initialValidation()
        .ifPresent(r -> out.printf(Locale.ROOT, "untrained:   %s%n", r.summary()));
    out.printf(
        Locale.ROOT,
        "best epoch:  %d of %d%s%n",
        best.epoch(),
        result.history().size(),
        result.stoppedEarly() ? " (stopped early)" : "");
    out.printf(Locale.ROOT, "validation:  %s%n", best.validation().summary());
    out.printf(
        Locale.ROOT,
        "calibration: scale %.4f, bias %.4f (uncalibrated log loss %.4f, " + "ECE %.4f)%n",
        best.calibration().scale(),
        best.calibration().bias(),
        best.uncalibrated().logLoss(),
        best.uncalibrated().ece());
    out.printf(Locale.ROOT, "checkpoint:  %s%n", result.checkpoint());
    out.printf(
        Locale.ROOT,
        "time:        %.1f s%s%n",
        result.trainingTime().toMillis() / 1000.0,
        result.resumedFromEpoch() > 0
            ? " (this run, resumed after epoch " + result.resumedFromEpoch() + ")"
            : "");
  }
}
