package dev.reranker.examples;

import com.google.gson.JsonObject;
import dev.reranker.Calibration;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.CalibrationFitter;
import dev.reranker.training.DialogCorpora;
import dev.reranker.training.EvaluationReport;
import dev.reranker.training.EvidenceFitter;
import dev.reranker.training.ModelExport;
import dev.reranker.training.RankingEvaluation;
import dev.reranker.training.RatedExample;
import dev.reranker.training.SelectionExample;
import dev.reranker.training.TurnRating;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * {@code export --checkpoint DIR --out DIR [--float16] [--calibrate-on DIR] ...}: writes a trained
 * checkpoint as a model ships ({@link ModelExport}): float16 weights if asked, and, with {@code
 * --calibrate-on}, P(upvote) refitted (Platt) on a licensed signal, Topical-Chat's turn ratings
 * (see {@link #calibrationSet}); prints the SHA-256 of every file written.
 */
final class ExportCommand {
  static final int DEFAULT_MAX_CALIBRATION = 2000;
  static final int DEFAULT_EVIDENCE_GROUPS = 300;
  private static final String EVIDENCE_FIT_KEY = "reranker_evidence_fit";

  private ExportCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    ArgParser parser =
        new ArgParser(
            "export",
            Set.of(
                "--checkpoint",
                "--out",
                "--calibrate-on",
                "--max-calibration",
                "--seed",
                "--evidence-from",
                "--evidence-groups"),
            Set.of("--float16"));
    ArgParser.Parsed o = parser.parse(args);
    Path checkpoint = Path.of(ReactionData.require(parser, o, "--checkpoint"));
    Path output = Path.of(ReactionData.require(parser, o, "--out"));
    int max = o.integer("--max-calibration", 10, Integer.MAX_VALUE, DEFAULT_MAX_CALIBRATION);
    long seed = o.value("--seed", "an integer", Long::parseLong).orElse(DialogEval.DEFAULT_SEED);
    int evidenceGroups =
        o.integer("--evidence-groups", 2, Integer.MAX_VALUE, DEFAULT_EVIDENCE_GROUPS);
    boolean calibrate = o.single("--calibrate-on").isPresent();
    boolean blend = o.single("--evidence-from").isPresent();
    if (!calibrate
        && (o.single("--max-calibration").isPresent() || o.single("--seed").isPresent())) {
      throw parser.fail("--max-calibration and --seed apply to --calibrate-on");
    }
    if (blend && !calibrate) {
      throw parser.fail("--evidence-from needs --calibrate-on: the blend's P(upvote) is refitted");
    }
    if (!blend && o.single("--evidence-groups").isPresent()) {
      throw parser.fail("--evidence-groups applies to --evidence-from");
    }
    if (checkpoint.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      throw parser.fail("--out must differ from --checkpoint");
    }
    try {
      Calibration calibration = null;
      EvidenceBlend evidence = null;
      JsonObject provenance = new JsonObject();
      if (o.single("--calibrate-on").isPresent()) {
        Path ratings =
            Path.of(o.single("--calibrate-on").orElseThrow())
                .resolve(DialogCorpora.TOPICAL_CHAT)
                .resolve(SelectionData.TOPICAL_CHAT_CALIBRATION);
        if (!Files.isRegularFile(ratings)) {
          throw new IllegalArgumentException("no such file: " + ratings);
        }
        CalibrationSet set = calibrationSet(DialogCorpora.topicalChat(ratings), max, seed);
        double[] logits;
        if (blend) {
          Path corpora = Path.of(o.single("--evidence-from").orElseThrow());
          try (EvidenceFitter fitter = EvidenceFitter.open(RerankerModel.checkpoint(checkpoint))) {
            EvidenceBlend fitted = fitBlend(fitter, corpora, evidenceGroups, seed, provenance, out);
            List<float[][]> pairs = fitter.features(set.dialogs(), singletons(set.replies()));
            logits = new double[pairs.size()];
            for (int i = 0; i < logits.length; i++) {
              logits[i] = pairs.get(i)[0][0];
            }
            double[] blended = EvidenceFitter.scores(fitted, pairs);
            Calibration blendCalibration = CalibrationFitter.platt(blended, set.labels());
            EvaluationReport b = report(blended, set.labels(), blendCalibration);
            out.printf(
                Locale.ROOT,
                "evidence:    blend calibrated on the same turns: Platt scale %.4f, bias %.4f;"
                    + " log loss %.4f, ECE %.4f, AUC %.4f%n",
                blendCalibration.scale(),
                blendCalibration.bias(),
                b.logLoss(),
                b.ece(),
                b.auc());
            evidence = fitted.withCalibration(blendCalibration);
            JsonObject fit = provenance.getAsJsonObject(EVIDENCE_FIT_KEY);
            fit.addProperty("calibration_log_loss", b.logLoss());
            fit.addProperty("calibration_ece", b.ece());
          }
        } else {
          logits = rawLogits(checkpoint, set);
        }
        calibration = CalibrationFitter.platt(logits, set.labels());
        EvaluationReport before = report(logits, set.labels(), Calibration.SIGMOID);
        EvaluationReport after = report(logits, set.labels(), calibration);
        out.printf(
            Locale.ROOT,
            "calibration: %s: %d rated turns (%d Good or Excellent) + %d random replies of other"
                + " conversations (seed %d)%n",
            ratings,
            set.rated(),
            set.goodTurns(),
            set.randomReplies(),
            seed);
        out.printf(
            Locale.ROOT,
            "             Platt scale %.4f, bias %.4f; log loss %.4f -> %.4f, ECE %.4f -> %.4f,"
                + " AUC %.4f%n",
            calibration.scale(),
            calibration.bias(),
            before.logLoss(),
            after.logLoss(),
            before.ece(),
            after.ece(),
            after.auc());
        JsonObject fit = new JsonObject();
        fit.addProperty("data", "topical-chat/" + SelectionData.TOPICAL_CHAT_CALIBRATION);
        fit.addProperty("upvote", "the partner rated the turn Good or Excellent");
        fit.addProperty("rated_turns", set.rated());
        fit.addProperty("good_turns", set.goodTurns());
        fit.addProperty("random_replies_as_downvotes", set.randomReplies());
        fit.addProperty("seed", seed);
        fit.addProperty("log_loss", after.logLoss());
        fit.addProperty("ece", after.ece());
        provenance.add("reranker_calibration_fit", fit);
      }
      Map<String, String> written =
          ModelExport.export(
              checkpoint, output, o.has("--float16"), calibration, evidence, provenance);
      written.forEach((name, sha) -> out.printf(Locale.ROOT, "sha256 %s  %s%n", sha, name));
      return 0;
    } catch (ModelLoadException
        | UncheckedIOException
        | IllegalArgumentException
        | IllegalStateException e) {
      return ReactionData.failed(e, err);
    }
  }

  /**
   * The calibration examples: up to {@code max} rated turns (a seeded sample), each labelled
   * upvoted when its partner rated it Good or Excellent, and as many replies drawn from other
   * conversations of the same file, labelled not upvoted: a served reranker sees off-topic
   * candidates too, and the probability must mean something for them.
   */
  static CalibrationSet calibrationSet(List<RatedExample> examples, int max, long seed) {
    List<RatedExample> rated = examples.stream().filter(r -> r.rating().isPresent()).toList();
    if (rated.size() < 2) {
      throw new IllegalArgumentException("fewer than two rated turns to calibrate on");
    }
    List<RatedExample> sample = RankingEvaluation.sample(rated, Math.min(max, rated.size()), seed);
    SplittableRandom random = new SplittableRandom(seed + 1);
    List<Dialog> dialogs = new ArrayList<>();
    List<String> replies = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    int good = 0;
    int randomReplies = 0;
    for (RatedExample r : sample) {
      boolean upvoted = r.rating().orElseThrow().compareTo(TurnRating.GOOD) >= 0;
      good += upvoted ? 1 : 0;
      dialogs.add(r.example().dialog());
      replies.add(r.example().reply());
      labels.add(upvoted);
      for (int attempt = 0; attempt < 20; attempt++) {
        RatedExample other = rated.get(random.nextInt(rated.size()));
        if (!other.example().dialogId().equals(r.example().dialogId())) {
          dialogs.add(r.example().dialog());
          replies.add(other.example().reply());
          labels.add(false);
          randomReplies++;
          break;
        }
      }
    }
    boolean[] l = new boolean[labels.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = labels.get(i);
    }
    return new CalibrationSet(dialogs, replies, l, sample.size(), good, randomReplies);
  }

  /** Calibration pairs and labels, with counts for the report. */
  record CalibrationSet(
      List<Dialog> dialogs,
      List<String> replies,
      boolean[] labels,
      int rated,
      int goodTurns,
      int randomReplies) {}

  /** The checkpoint's raw upvote logits, through the serving path with the identity calibration. */
  private static double[] rawLogits(Path checkpoint, CalibrationSet set) {
    double[] logits = new double[set.replies().size()];
    try (Reranker reranker =
        Reranker.builder()
            .model(RerankerModel.checkpoint(checkpoint))
            .evidence(false)
            .calibration(Calibration.SIGMOID)
            .maxQueuedPairs(Math.max(10_000, 2 * logits.length))
            .build()) {
      List<CompletableFuture<Ranking>> rankings = new ArrayList<>();
      for (int i = 0; i < logits.length; i++) {
        rankings.add(
            reranker.rankAsync(set.dialogs().get(i), List.of(Candidate.of(set.replies().get(i)))));
      }
      for (int i = 0; i < logits.length; i++) {
        ScoredCandidate c = rankings.get(i).join().all().get(0);
        logits[i] = c.score();
      }
    }
    return logits;
  }

  /**
   * Fits the evidence blend on the train command's validation side of the corpora in {@code
   * corpora} (the dialogs a model trained there with the same seed never saw): up to {@code
   * perSource} examples of each corpus, each with 19 replies of other dialogs of its corpus; adds
   * how to {@code provenance} and prints two lines.
   */
  private static EvidenceBlend fitBlend(
      EvidenceFitter fitter,
      Path corpora,
      int perSource,
      long seed,
      JsonObject provenance,
      PrintStream out) {
    List<SelectionExample> validation =
        SelectionData.split(
                SelectionData.corporaTrainingSide(corpora, out),
                ReactionData.DEFAULT_VAL_FRACTION,
                seed)
            .validation();
    Map<String, List<SelectionExample>> bySource = new TreeMap<>();
    validation.forEach(e -> bySource.computeIfAbsent(e.source(), k -> new ArrayList<>()).add(e));
    List<Dialog> dialogs = new ArrayList<>();
    List<List<String>> candidates = new ArrayList<>();
    JsonObject counts = new JsonObject();
    for (Map.Entry<String, List<SelectionExample>> e : bySource.entrySet()) {
      List<SelectionExample> sample = RankingEvaluation.sample(e.getValue(), perSource, seed);
      sample.forEach(x -> dialogs.add(x.dialog()));
      candidates.addAll(
          RankingEvaluation.candidateLists(
              sample, e.getValue(), RankingEvaluation.DEFAULT_CANDIDATES, seed));
      counts.addProperty(e.getKey(), sample.size());
    }
    List<float[][]> groups = fitter.features(dialogs, candidates);
    EvidenceBlend fitted = EvidenceFitter.fit(groups);
    double before = EvidenceFitter.hitsAt1(groups, null);
    double after = EvidenceFitter.hitsAt1(groups, fitted);
    out.printf(
        Locale.ROOT,
        "evidence:    %d groups of %d (%s) from train's validation side (seed %d): hits@1 %.4f"
            + " cross-encoder alone, %.4f blended%n",
        groups.size(),
        RankingEvaluation.DEFAULT_CANDIDATES,
        counts,
        seed,
        before,
        after);
    out.printf(
        Locale.ROOT,
        "             weights: cross-encoder %.4f, last turn %.4f (centre %.4f), persona %.4f"
            + " (centre %.4f)%n",
        fitted.crossEncoder(),
        fitted.lastTurn(),
        fitted.lastTurnCenter(),
        fitted.persona(),
        fitted.personaCenter());
    JsonObject fit = new JsonObject();
    fit.addProperty("data", "the validation side of train --dialogs on the corpora (fraction 0.2)");
    fit.add("groups", counts);
    fit.addProperty("candidates", RankingEvaluation.DEFAULT_CANDIDATES);
    fit.addProperty("seed", seed);
    fit.addProperty("hits_at_1_cross_encoder", before);
    fit.addProperty("hits_at_1_blend", after);
    provenance.add(EVIDENCE_FIT_KEY, fit);
    return fitted;
  }

  private static List<List<String>> singletons(List<String> replies) {
    return replies.stream().map(List::of).toList();
  }

  private static EvaluationReport report(
      double[] logits, boolean[] labels, Calibration calibration) {
    double[] p = new double[logits.length];
    List<String> groups = new ArrayList<>(p.length);
    for (int i = 0; i < p.length; i++) {
      p[i] = calibration.probability((float) logits[i]);
      groups.add(Integer.toString(i));
    }
    return EvaluationReport.of(p, labels, groups);
  }
}
