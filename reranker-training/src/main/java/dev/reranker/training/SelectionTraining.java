package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.engine.Engine;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.training.internal.LinearWarmupDecay;
import dev.reranker.training.internal.MixedPrecision;
import dev.reranker.training.internal.Progress;
import dev.reranker.training.internal.SelectionLosses;
import dev.reranker.training.internal.TrainableModel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Response-selection training ({@link RerankerTrainer#fitSelection}) as a {@link TrainingRun.Task}:
 * every step trains {@code batchSize} groups, each the true reply and {@code k} negatives chosen by
 * a {@link NegativeSampler}, under the listwise or pointwise loss; validation ranks each validation
 * example's true reply among its own negatives and random replies of other validation dialogs
 * ({@code validationCandidates} in all, fixed for the run), and MRR picks the best epoch.
 *
 * <p>What is computed once: every context and every text is tokenized once, before the first epoch,
 * and pairs are recombined from the token ids; the validation groups are drawn once. Hard negatives
 * are mined every {@code miningInterval} steps, for the groups of the next {@code miningInterval}
 * steps only, by scoring {@code hardNegativeCandidates} pool replies per example with the current
 * weights (forward passes only); the first {@code miningInterval} steps of a fresh run have none,
 * since a fresh head would only pick at random.
 */
final class SelectionTraining implements TrainingRun.Task {
  private final TrainingRun run;
  private final TrainerConfig config;
  private final ExampleEncoder encoder;
  private final List<SelectionExample> train;
  private final NegativeSampler sampler;
  private final long[][] contexts;
  private final Map<String, long[]> texts = new HashMap<>();
  private final List<EncodedPair> validationPairs = new ArrayList<>();
  private final boolean[] validationLabels;
  private final List<String> validationGroups = new ArrayList<>();
  private final int validationExamples;

  private SelectionTraining(
      TrainingRun run,
      ExampleEncoder encoder,
      List<SelectionExample> train,
      List<SelectionExample> validation) {
    this.run = run;
    this.config = run.config();
    this.encoder = encoder;
    this.train = train;
    this.sampler =
        new NegativeSampler(
            train,
            config.negatives(),
            config.hardNegatives(),
            config.hardNegativeCandidates(),
            config.hardNegativeMargin(),
            config.seed(),
            "negatives");
    this.contexts = new long[train.size()][];
    for (int i = 0; i < train.size(); i++) {
      SelectionExample e = train.get(i);
      List<String> own = new ArrayList<>(1 + e.negatives().size());
      own.add(e.reply());
      own.addAll(e.negatives());
      List<EncodedPair> pairs = encoder.encode(e.dialog(), own);
      contexts[i] = pairs.get(0).context();
      for (int j = 0; j < own.size(); j++) {
        texts.putIfAbsent(own.get(j), pairs.get(j).reply());
      }
    }
    NegativeSampler others =
        new NegativeSampler(
            validation,
            config.validationCandidates() - 1,
            0,
            0,
            0,
            config.seed() + 1,
            "validationCandidates");
    List<Boolean> labels = new ArrayList<>();
    for (int i = 0; i < validation.size(); i++) {
      SelectionExample e = validation.get(i);
      List<String> group = new ArrayList<>(config.validationCandidates());
      group.add(e.reply());
      group.addAll(others.negatives(i, 0, List.of()));
      validationPairs.addAll(encoder.encode(e.dialog(), group));
      for (int j = 0; j < group.size(); j++) {
        labels.add(j == 0);
        validationGroups.add(e.dialogId() + '#' + i);
      }
    }
    this.validationLabels = new boolean[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      validationLabels[i] = labels.get(i);
    }
    this.validationExamples = validation.size();
  }

  /** Returns the task factory of a selection run on these examples. */
  static TrainingRun.TaskFactory factory(
      List<SelectionExample> train, List<SelectionExample> validation) {
    List<SelectionExample> t = List.copyOf(train);
    List<SelectionExample> v = List.copyOf(validation);
    checkArgument(!t.isEmpty(), "train has no selection example");
    checkArgument(!v.isEmpty(), "validation has no selection example");
    return (run, m, encoder) -> new SelectionTraining(run, encoder, t, v);
  }

  /** A SHA-256 of the examples' ids, texts and negatives, in order: resume checks it. */
  static String fingerprint(List<SelectionExample> examples) {
    return TrainingState.fingerprint(
        examples, e -> List.of(e.dialogId(), e.dialog(), e.reply(), e.negatives()));
  }

  @Override
  public String fingerprint() {
    return fingerprint(train);
  }

  @Override
  public int trainSize() {
    return train.size();
  }

  @Override
  public String describeData() {
    return String.format(
        Locale.ROOT,
        "%d train groups of 1+%d pairs (%s loss, %.0f%% of free slots mined) / %d validation "
            + "groups of up to %d candidates",
        train.size(),
        config.negatives(),
        config.loss().name().toLowerCase(Locale.ROOT),
        100 * config.hardNegatives(),
        validationExamples,
        config.validationCandidates());
  }

  @Override
  public double trainEpoch(
      int epoch,
      Trainer trainer,
      TrainableModel m,
      List<Parameter> parameters,
      @Nullable MixedPrecision mixed,
      AtomicInteger step,
      LinearWarmupDecay schedule,
      int stepsPerEpoch) {
    // Seeded per epoch: a resumed run sees the same order, negatives and dropout.
    Engine.getEngine("PyTorch").setRandomSeed((int) (config.seed() * 1009 + epoch));
    List<Integer> indices = new ArrayList<>(train.size());
    for (int i = 0; i < train.size(); i++) {
      indices.add(i);
    }
    List<Integer> order = TrainingRun.shuffled(indices, config.seed() * 31 + epoch);
    int groupSize = 1 + config.negatives();
    List<String> labels = run.labels();
    boolean listwise = config.loss() == SelectionLoss.LISTWISE;
    int chunk = config.miningInterval() * config.batchSize();
    double lossSum = 0;
    int batches = 0;
    int counted = 0;
    String task = String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs());
    PrintStream out = run.out();
    try (Progress progress =
        out == null ? Progress.none() : Progress.start(out, run.bar(), task, stepsPerEpoch)) {
      for (int chunkFrom = 0; chunkFrom < order.size(); chunkFrom += chunk) {
        List<Integer> chunkOrder =
            order.subList(chunkFrom, Math.min(order.size(), chunkFrom + chunk));
        Map<Integer, List<String>> hard =
            config.hardNegatives() > 0 && step.get() > 0 ? mine(m, chunkOrder, epoch) : Map.of();
        for (int from = 0; from < chunkOrder.size(); from += config.batchSize()) {
          List<Integer> batch =
              chunkOrder.subList(from, Math.min(chunkOrder.size(), from + config.batchSize()));
          List<EncodedPair> pairs = new ArrayList<>(batch.size() * groupSize);
          for (int i : batch) {
            List<String> negatives = sampler.negatives(i, epoch, hard.getOrDefault(i, List.of()));
            pairs.add(pair(i, train.get(i).reply()));
            for (String n : negatives) {
              pairs.add(pair(i, n));
            }
          }
          step.incrementAndGet();
          float stepLoss =
              run.step(
                  trainer,
                  m,
                  encoder.batch(pairs),
                  (manager, logits) -> {
                    var scores = SelectionLosses.scores(logits, labels, groupSize);
                    return listwise
                        ? SelectionLosses.listwise(scores)
                        : SelectionLosses.pointwise(scores);
                  },
                  parameters,
                  mixed);
          batches++;
          if (Float.isFinite(stepLoss)) {
            lossSum += stepLoss;
            counted++;
          }
          progress.step(batches, lossSum / Math.max(1, counted), schedule.valueAt(step.get()));
        }
      }
    }
    return lossSum / counted;
  }

  private EncodedPair pair(int example, String text) {
    long[] reply = texts.get(text);
    if (reply == null) {
      throw new IllegalStateException("not tokenized: " + text); // the pool is train's texts
    }
    return encoder.pair(contexts[example], reply);
  }

  /** Mines the hard negatives of these examples with the current weights. */
  private Map<Integer, List<String>> mine(TrainableModel m, List<Integer> examples, int round) {
    List<EncodedPair> pairs = new ArrayList<>();
    List<List<String>> candidates = new ArrayList<>(examples.size());
    for (int i : examples) {
      List<String> c = sampler.miningCandidates(i, round);
      candidates.add(c);
      if (!c.isEmpty()) {
        pairs.add(pair(i, train.get(i).reply()));
        c.forEach(text -> pairs.add(pair(i, text)));
      }
    }
    float[] scores = selectionScores(m, pairs);
    Map<Integer, List<String>> hard = new HashMap<>();
    int at = 0;
    for (int k = 0; k < examples.size(); k++) {
      List<String> c = candidates.get(k);
      if (c.isEmpty()) {
        continue;
      }
      float trueScore = scores[at];
      float[] own = new float[c.size()];
      System.arraycopy(scores, at + 1, own, 0, c.size());
      at += 1 + c.size();
      hard.put(examples.get(k), sampler.pickHard(examples.get(k), c, own, trueScore));
    }
    return hard;
  }

  /** Scores pairs as the loss does: the upvote logit, minus the downvote logit if any. */
  private float[] selectionScores(TrainableModel m, List<EncodedPair> pairs) {
    List<String> labels = run.labels();
    int up = run.upvote();
    int down = labels.indexOf("downvote");
    float[] scores = new float[pairs.size()];
    for (int from = 0; from < pairs.size(); from += config.evalBatchSize()) {
      int to = Math.min(pairs.size(), from + config.evalBatchSize());
      float[][] rows = m.logits(encoder.batch(pairs.subList(from, to)));
      for (int k = from; k < to; k++) {
        float[] row = rows[k - from];
        scores[k] = down >= 0 ? row[up] - row[down] : row[up];
      }
    }
    return scores;
  }

  @Override
  public TrainingRun.Scored validate(TrainableModel m) {
    // Ranked by the served score, the upvote logit: what Reranker will do with the checkpoint.
    int up = run.upvote();
    double[] logits = new double[validationPairs.size()];
    for (int from = 0; from < validationPairs.size(); from += config.evalBatchSize()) {
      int to = Math.min(validationPairs.size(), from + config.evalBatchSize());
      float[][] rows = m.logits(encoder.batch(validationPairs.subList(from, to)));
      for (int k = from; k < to; k++) {
        logits[k] = rows[k - from][up];
      }
    }
    return new TrainingRun.Scored(logits, validationLabels.clone(), validationGroups);
  }

  @Override
  public double criterion(TrainingRun.Scored scored, EvaluationReport raw) {
    // From the logits, not the report's float probabilities: the listwise loss ignores a shift of
    // all scores, so logits may drift past where sigmoid rounds to 1 and ties would hide the order.
    return BinaryMetrics.ranking(scored.logits(), scored.labels(), scored.groups())
        .meanReciprocalRank();
  }

  @Override
  public String criterionName() {
    return "MRR";
  }
}
