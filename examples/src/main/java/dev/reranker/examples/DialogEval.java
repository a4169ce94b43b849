package dev.reranker.examples;

import dev.reranker.Reranker;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.Bm25Scorer;
import dev.reranker.training.DailyDialogDev;
import dev.reranker.training.DialogCorpora;
import dev.reranker.training.DialogSplit;
import dev.reranker.training.RankingEvaluation;
import dev.reranker.training.ReactionRecord;
import dev.reranker.training.ReplyScorer;
import dev.reranker.training.SelectionExample;
import dev.reranker.training.TfIdfScorer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code eval --dialogs DIR}: response selection on the public dialog corpora. Hits@1/N and MRR on
 * held-out Synthetic-Persona-Chat dialogs (N - 1 replies of other held-out dialogs as distractors),
 * pairwise accuracy on DailyDialog++ dev against its random and its adversarial negatives, and,
 * with {@code --data}, AUC on a reaction log's records. The model is a checkpoint, the bundled one
 * (both through {@link Reranker}), or a lexical baseline ({@code tfidf}, {@code bm25}) fitted on
 * the training side's replies.
 */
final class DialogEval {
  static final int DEFAULT_MAX_EXAMPLES = 500;
  static final double DEFAULT_TEST_FRACTION = 0.1;
  static final long DEFAULT_SEED = 42;

  private final Path dialogs;
  private final String model;
  private final int maxExamples;
  private final int candidates;
  private final double testFraction;
  private final long seed;
  private final java.util.function.UnaryOperator<Reranker.Builder> settings;

  DialogEval(
      Path dialogs,
      String model,
      int maxExamples,
      int candidates,
      double testFraction,
      long seed,
      java.util.function.UnaryOperator<Reranker.Builder> settings) {
    this.dialogs = dialogs;
    this.model = model;
    this.maxExamples = maxExamples;
    this.candidates = candidates;
    this.testFraction = testFraction;
    this.seed = seed;
    this.settings = settings;
  }

  /**
   * The Synthetic-Persona-Chat examples of the corpora folder {@code dialogs}: both its files, the
   * ones present (none: empty). Evaluation and training split them the same way.
   */
  static List<SelectionExample> syntheticPersonaChat(Path dialogs) {
    Path spc = dialogs.resolve(DialogCorpora.SYNTHETIC_PERSONA_CHAT);
    List<SelectionExample> all = new ArrayList<>();
    for (String f : List.of("valid.csv", "test.csv")) {
      if (Files.isRegularFile(spc.resolve(f))) {
        all.addAll(DialogCorpora.syntheticPersonaChat(spc.resolve(f)));
      }
    }
    return all;
  }

  /**
   * Reads the corpora found under the folder, scores them and prints the table.
   *
   * @throws IllegalArgumentException if the folder holds neither corpus
   * @throws dev.reranker.training.MalformedDialogDataException naming the file and line
   */
  void run(List<ReactionRecord> reactions, PrintStream out) {
    long start = System.nanoTime();
    Path spc = dialogs.resolve("synthetic-persona-chat");
    Path ddpp = dialogs.resolve("dailydialog-plusplus");
    boolean hasSpc = Files.isRegularFile(spc.resolve("valid.csv"));
    boolean hasDdpp = Files.isRegularFile(ddpp.resolve("dev.json"));
    if (!hasSpc && !hasDdpp) {
      throw new IllegalArgumentException(
          dialogs
              + " holds neither synthetic-persona-chat/valid.csv nor dailydialog-plusplus/dev.json");
    }
    List<String> trainReplies = new ArrayList<>();
    DialogSplit split = null;
    if (hasSpc) {
      split = DialogSplit.of(syntheticPersonaChat(dialogs), 0, testFraction, seed);
      split.train().forEach(e -> trainReplies.add(e.reply()));
    }
    DailyDialogDev dev = null;
    if (hasDdpp) {
      dev = DialogCorpora.dailyDialogDev(ddpp.resolve("dev.json"));
      Path positives = ddpp.resolve("data_positives.json");
      if (Files.isRegularFile(positives)) {
        DialogCorpora.dailyDialogPositives(positives).forEach(e -> trainReplies.add(e.reply()));
      }
    }
    out.printf(
        Locale.ROOT,
        "dialogs:     %s (seed %d, up to %d examples per set)%n",
        dialogs,
        seed,
        maxExamples);
    Reranker reranker = null;
    try {
      ReplyScorer scorer;
      switch (model) {
        case "tfidf" -> scorer = TfIdfScorer.fit(nonEmpty(trainReplies));
        case "bm25" -> scorer = Bm25Scorer.fit(nonEmpty(trainReplies));
        default -> {
          RerankerModel spec = ModelNames.resolve(model);
          reranker = settings.apply(Reranker.builder().model(spec)).build();
          scorer = ReplyScorer.of(reranker);
        }
      }
      out.printf(Locale.ROOT, "model:       %s%s%n", model, describe(trainReplies.size()));
      out.printf(
          Locale.ROOT,
          "%-56s %8s %10s %7s %9s%n",
          "set",
          "examples",
          "hits@1/" + candidates,
          "MRR",
          "pairwise");
      if (split != null) {
        List<SelectionExample> heldOut = split.test();
        List<SelectionExample> sample = RankingEvaluation.sample(heldOut, maxExamples, seed);
        RankingEvaluation.RankingReport r =
            RankingEvaluation.ranking(scorer, sample, heldOut, candidates, seed);
        out.printf(
            Locale.ROOT,
            "%-56s %8d %10.4f %7.4f %9s%n",
            String.format(
                Locale.ROOT, "synthetic-persona-chat, %.0f%% held out", 100 * testFraction),
            r.examples(),
            r.hitsAt1(),
            r.meanReciprocalRank(),
            "-");
      }
      if (dev != null) {
        Set<String> ids = new LinkedHashSet<>();
        dev.randomNegatives().forEach(e -> ids.add(e.dialogId()));
        Set<String> kept =
            new LinkedHashSet<>(RankingEvaluation.sample(List.copyOf(ids), maxExamples, seed));
        pairwiseRow(
            out, "dailydialog++ dev, random negatives", scorer, dev.randomNegatives(), kept);
        pairwiseRow(
            out,
            "dailydialog++ dev, adversarial negatives",
            scorer,
            dev.adversarialNegatives(),
            kept);
      }
      if (!reactions.isEmpty()) {
        double auc = RankingEvaluation.reactionAuc(scorer, reactions);
        out.printf(
            Locale.ROOT,
            "%-56s %8d %10s %7s %9s  AUC %.4f%n",
            "reactions (--data, --split)",
            reactions.size(),
            "-",
            "-",
            "-",
            auc);
      }
    } finally {
      if (reranker != null) {
        reranker.close();
      }
    }
    out.printf(Locale.ROOT, "time:        %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  private static void pairwiseRow(
      PrintStream out,
      String name,
      ReplyScorer scorer,
      List<SelectionExample> examples,
      Set<String> kept) {
    List<SelectionExample> chosen =
        examples.stream().filter(e -> kept.contains(e.dialogId())).toList();
    RankingEvaluation.PairwiseReport p = RankingEvaluation.pairwise(scorer, chosen);
    out.printf(
        Locale.ROOT,
        "%-56s %8d %10s %7s %9.4f%n",
        name + " (" + kept.size() + " contexts)",
        chosen.size(),
        "-",
        "-",
        p.accuracy());
  }

  private String describe(int documents) {
    return switch (model) {
      case "tfidf", "bm25" -> " (IDF from " + documents + " training-side replies)";
      case "bundled", "minilm" -> " (" + ModelNames.describe(model) + ", through Reranker)";
      default -> " (checkpoint, through Reranker)";
    };
  }

  private static List<String> nonEmpty(List<String> documents) {
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("no training-side replies to fit the baseline on");
    }
    return documents;
  }
}
