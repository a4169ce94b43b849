package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import dev.reranker.Calibration;
import dev.reranker.internal.NativeHeap;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.lstm.QaLstmModel;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.scoring.ModelScorer;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import dev.reranker.training.ExampleEncoder.Example;
import dev.reranker.training.internal.BertTrainable;
import dev.reranker.training.internal.LinearWarmupDecay;
import dev.reranker.training.internal.LossScaler;
import dev.reranker.training.internal.MixedPrecision;
import dev.reranker.training.internal.Progress;
import dev.reranker.training.internal.QaLstmTrainable;
import dev.reranker.training.internal.ReactionLoss;
import dev.reranker.training.internal.SelectionLosses;
import dev.reranker.training.internal.TrainableModel;
import dev.reranker.training.internal.TrainingStep;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One {@link RerankerTrainer#fit} or {@link RerankerTrainer#fitSelection} call, step by step:
 * {@link #resumeState()} (or check the output folder is free), {@link #openModel}, make the {@link
 * Task} (which encodes the data), validate the starting point, then per epoch {@link
 * Task#trainEpoch} and {@link #endEpoch} (validate, calibrate, keep the best checkpoint by the
 * task's criterion, save {@code last/}, decide on early stopping). Owns and closes everything it
 * creates.
 */
final class TrainingRun implements AutoCloseable {
  private final TrainerConfig config;
  private final List<String> labels;
  private final int upvote;
  private final Device device;
  private final @Nullable PrintStream out;
  private final boolean bar;
  private final Checkpoints checkpoints;
  private final TaskFactory taskFactory;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /**
   * What one kind of training (reaction records, response selection) gives the shared loop: its
   * data encoded, an epoch of steps, validation scores, and the criterion that picks the best
   * epoch. Made by a {@link TaskFactory} once the model, and so its tokenizer, is open.
   */
  interface Task {
    /** Returns what resume compares: a digest of the training data. */
    String fingerprint();

    /** Returns the units of one epoch (records, or groups), {@code batchSize} to a step. */
    int trainSize();

    /** Describes the data for the log: "400 train / 100 validation records". */
    String describeData();

    /** Trains one epoch; returns the mean loss of its finite steps. */
    double trainEpoch(
        int epoch,
        Trainer trainer,
        TrainableModel m,
        List<Parameter> parameters,
        @Nullable MixedPrecision mixed,
        AtomicInteger step,
        LinearWarmupDecay schedule,
        int stepsPerEpoch);

    /** Scores the validation set with the current weights. */
    Scored validate(TrainableModel m);

    /**
     * Returns the value that picks the best epoch (higher is better), from the validation scores or
     * their uncalibrated report.
     */
    double criterion(Scored scored, EvaluationReport raw);

    /** Names {@link #criterion} for the log: "AUC", "MRR". */
    String criterionName();
  }

  /** Validation scores: the upvote logit of every example, its label, and its group key. */
  record Scored(double[] logits, boolean[] labels, List<String> groups) {}

  /** Makes the {@link Task} of a run once its model and encoder are open. */
  interface TaskFactory {
    Task create(TrainingRun run, TrainableModel m, ExampleEncoder encoder);
  }

  TrainingRun(
      TrainerConfig config,
      List<ReactionRecord> train,
      List<ReactionRecord> validation,
      List<SelectionExample> anchors) {
    this(config, reactions(List.copyOf(train), List.copyOf(validation), List.copyOf(anchors)));
  }

  TrainingRun(TrainerConfig config, TaskFactory taskFactory) {
    this.config = config;
    this.labels = config.labels();
    this.upvote = ModelScorer.upvoteIndex(labels);
    this.device =
        config.device() != null
            ? config.device()
            : dev.reranker.internal.DjlRuntime.defaultDevice();
    this.out = config.progress();
    this.bar = config.progressBar() != null ? config.progressBar() : interactive();
    this.checkpoints = new Checkpoints(requireNonNull(config.output()), config);
    this.taskFactory = taskFactory;
  }

  TrainerConfig config() {
    return config;
  }

  List<String> labels() {
    return labels;
  }

  int upvote() {
    return upvote;
  }

  @Nullable PrintStream out() {
    return out;
  }

  boolean bar() {
    return bar;
  }

  /**
   * The best epoch so far (by the task's criterion: AUC for reactions, MRR for selection; the state
   * file calls it {@code best_auc} either way), the patience counter and the history: restored on
   * resume.
   */
  private static final class Standing {
    final List<EpochSummary> history;
    double bestAuc;
    int bestEpoch;
    int stale;
    boolean stopped;

    Standing(@Nullable TrainingState state) {
      history = new ArrayList<>(state != null ? state.history() : List.of());
      bestAuc = state != null ? state.bestAuc() : Double.NEGATIVE_INFINITY;
      bestEpoch = state != null ? state.bestEpoch() : 0;
      stale = state != null ? state.epochsWithoutImprovement() : 0;
      stopped = state != null && state.stoppedEarly();
    }
  }

  TrainingResult fit() {
    long started = System.nanoTime();
    // Large activations reuse freed heap memory instead of fresh pages each step (about 12%
    // faster steps, see NativeHeap); closed last, after the model, so the memory goes back then.
    closeables.add(NativeHeap.reuseFreedMemory());
    TrainingState state = resumeState();
    TrainableModel m = openModel(state);
    checkArgument(
        config.maxSeqLen() <= m.maxPositions(),
        "maxSeqLen (%s) exceeds the model's %s positions",
        config.maxSeqLen(),
        m.maxPositions());
    ExampleEncoder encoder =
        new ExampleEncoder(m.tokenizerJson(), labels, config.maxSeqLen(), config.maxReplyTokens());
    closeables.add(encoder);

    Task task = taskFactory.create(this, m, encoder);
    String fingerprint = task.fingerprint();
    if (state != null) {
      checkState(
          state.trainFingerprint().equals(fingerprint),
          "cannot resume %s: the training records differ from the ones it was trained on",
          checkpoints.last());
    }

    int stepsPerEpoch = (task.trainSize() + config.batchSize() - 1) / config.batchSize();
    int totalSteps = stepsPerEpoch * config.epochs();
    int warmupSteps = (int) Math.round(config.warmupFraction() * totalSteps);
    float lr = config.peakLearningRate();
    log(
        "training %s on %s, %s",
        m,
        device,
        config.mixedPrecision()
            ? "mixed precision ("
                + config.mixedPrecisionType()
                + " forward and backward, float32 "
                + "master weights, dynamic loss scale)"
            : "float32");
    if (config.mixedPrecision() && !device.isGpu()) {
      log(
          "note: mixed precision is no faster than float32 on %s (slower without AVX512-FP16); "
              + "it pays off on CUDA",
          device);
    }
    log(
        "%s, %d steps x %d epochs, batch %d, lr %.1e, warm-up %d steps, max grad norm %.1f",
        task.describeData(),
        stepsPerEpoch,
        config.epochs(),
        config.batchSize(),
        lr,
        warmupSteps,
        config.maxGradNorm());

    AtomicInteger step = new AtomicInteger(state != null ? state.globalStep() : 0);
    LinearWarmupDecay schedule = new LinearWarmupDecay(lr, warmupSteps, totalSteps, step::get);
    Optimizer optimizer =
        Optimizer.adamW()
            .optLearningRateTracker(schedule)
            .optWeightDecays(config.weightDecay())
            .build();

    Standing standing = new Standing(state);
    int firstEpoch = state != null ? state.epoch() + 1 : 1;
    Optional<EvaluationReport> initial = Optional.empty();
    if (state != null) {
      log(
          "resuming after epoch %d (step %d, best %s %.4f at epoch %d)%s",
          state.epoch(),
          state.globalStep(),
          task.criterionName(),
          state.bestAuc(),
          state.bestEpoch(),
          standing.stopped ? ": it had stopped early" : "");
    } else {
      EvaluationReport before = report(task.validate(m), Calibration.SIGMOID);
      initial = Optional.of(before);
      log("before training: validation %s", before.summary());
    }

    MixedPrecision mixed = mixedPrecision(m, optimizer);
    // In mixed precision the DJL Trainer runs forward and backward on the float16 copy; its
    // step() is never called: MixedPrecision.step updates the float32 master weights.
    Model working = mixed != null ? mixed.workingModel() : m.djlModel();
    DefaultTrainingConfig trainingConfig =
        new DefaultTrainingConfig(new ReactionLoss())
            .optOptimizer(optimizer)
            .optDevices(new Device[] {device});
    try (Trainer trainer = new Trainer(working, trainingConfig)) {
      trainer.initialize(m.initShapes());
      List<Parameter> parameters = new ArrayList<>();
      working.getBlock().getParameters().values().forEach(parameters::add);
      for (int epoch = firstEpoch; epoch <= config.epochs() && !standing.stopped; epoch++) {
        long epochStart = System.nanoTime();
        double trainLoss =
            task.trainEpoch(epoch, trainer, m, parameters, mixed, step, schedule, stepsPerEpoch);
        EpochSummary summary =
            endEpoch(
                epoch,
                step.get(),
                trainLoss,
                m,
                task,
                Duration.ofNanos(System.nanoTime() - epochStart),
                standing,
                mixed);
        checkpoints.saveLast(
            m,
            summary,
            new TrainingState(
                config.modelType(),
                labels,
                epoch,
                step.get(),
                stepsPerEpoch,
                standing.bestAuc,
                standing.bestEpoch,
                standing.stale,
                standing.stopped,
                fingerprint,
                config.seed(),
                standing.history));
      }
    }
    checkState(
        standing.bestEpoch > 0,
        "no epoch was trained: epochs (%s) were already done",
        config.epochs());
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    TrainingResult result =
        new TrainingResult(
            checkpoints.output(),
            m.toString(),
            m.parameterCount(),
            initial,
            standing.history,
            standing.bestEpoch,
            standing.stopped,
            firstEpoch - 1,
            elapsed);
    log(
        "best epoch %d: %s; checkpoint %s (calibration scale %.4f, bias %.4f); %s",
        standing.bestEpoch,
        result.best().validation().summary(),
        checkpoints.output(),
        result.best().calibration().scale(),
        result.best().calibration().bias(),
        Progress.clockOf(elapsed));
    return result;
  }

  /**
   * Returns the state to resume from, or null for a fresh run, which needs a free output folder.
   *
   * @throws IllegalStateException if the folder holds a checkpoint and resume is off, or the state
   *     is of another model or head
   */
  private @Nullable TrainingState resumeState() {
    TrainingState state = null;
    if (config.resume() && checkpoints.resumable()) {
      state = TrainingState.read(checkpoints.last());
    } else {
      checkState(
          !checkpoints.occupied(),
          "output folder %s already holds a checkpoint: resume(true) to continue it, or choose "
              + "another folder",
          checkpoints.output());
      if (config.resume()) {
        log("no training state in %s: starting fresh", checkpoints.last());
      }
    }
    if (state != null) {
      checkState(
          state.modelType().equals(config.modelType()) && state.labels().equals(labels),
          "cannot resume %s: it trained a %s with labels %s, but this trainer has a %s with "
              + "labels %s",
          checkpoints.last(),
          state.modelType(),
          state.labels(),
          config.modelType(),
          labels);
    }
    return state;
  }

  /** Opens the model to train: the resumed one, else the initial one; closed by {@link #close}. */
  private TrainableModel openModel(@Nullable TrainingState state) {
    TrainableModel m = state != null ? loadTrainable() : initialModel();
    closeables.add(m);
    return m;
  }

  private TrainableModel initialModel() {
    if (config.baseline() != null) {
      String tokenizer =
          config.tokenizerJson() != null ? config.tokenizerJson() : BundledModel.tokenizerJson();
      return new QaLstmTrainable(
          QaLstmModel.random(config.baseline(), labels, tokenizer, config.seed(), device));
    }
    RerankerModel spec = config.model() != null ? config.model() : RerankerModel.bundled();
    EncoderModel loaded = spec.load(device);
    if (!(loaded instanceof NativeBert bert)) {
      loaded.close();
      throw new IllegalArgumentException(
          "only the native BERT can be fine-tuned, but "
              + spec
              + " loaded as "
              + loaded.getClass().getSimpleName());
    }
    if (bert.config().labels().equals(labels)) {
      return new BertTrainable(bert); // a cross-encoder with this head: keep it
    }
    try (bert) {
      Map<String, HostTensor> encoder = new LinkedHashMap<>(bert.weights());
      encoder.keySet().removeIf(name -> name.startsWith("classifier."));
      log(
          "%s: adding a fresh %sclassifier %s",
          spec, encoder.containsKey("pooler.dense.weight") ? "" : "pooler and ", labels);
      return new BertTrainable(
          NativeBert.withRandomRest(
              bert.config().withLabels(labels),
              encoder,
              bert.tokenizerJson(),
              config.seed(),
              device));
    }
  }

  private TrainableModel loadTrainable() {
    EncoderModel loaded = RerankerModel.checkpoint(checkpoints.last()).load(device);
    if (loaded instanceof QaLstmModel lstm) {
      return new QaLstmTrainable(lstm);
    }
    if (loaded instanceof NativeBert bert && bert.kind() == ModelKind.CROSS_ENCODER) {
      return new BertTrainable(bert);
    }
    loaded.close();
    throw new IllegalStateException(
        checkpoints.last() + " does not hold a trainable cross-encoder");
  }

  private @Nullable MixedPrecision mixedPrecision(TrainableModel m, Optimizer optimizer) {
    if (!config.mixedPrecision()) {
      return null;
    }
    if (!(m instanceof BertTrainable bert)) {
      throw new IllegalStateException(
          "mixedPrecision(true) applies to the native BERT only, "
              + "but this trainer trains "
              + m);
    }
    MixedPrecision mixed =
        new MixedPrecision(bert.bert(), config.mixedPrecisionType(), optimizer, new LossScaler());
    closeables.add(mixed);
    return mixed;
  }

  /** Reaction training: sigmoid cross-entropy per record, AUC picks the best epoch. */
  private static TaskFactory reactions(
      List<ReactionRecord> trainRecords,
      List<ReactionRecord> validationRecords,
      List<SelectionExample> anchorExamples) {
    return (run, m, encoder) -> {
      List<Example> trainSet = encoder.training(trainRecords);
      List<Example> validationSet = encoder.validation(validationRecords);
      checkArgument(!trainSet.isEmpty(), "no training record has a reaction this head can learn");
      long positives = validationSet.stream().filter(e -> e.label()).count();
      checkArgument(
          positives > 0 && positives < validationSet.size(),
          "validation needs upvotes and downvotes for AUC, but has %s upvotes of %s rated records",
          positives,
          validationSet.size());
      RelevanceAnchors anchors =
          anchorExamples.isEmpty()
              ? null
              : new RelevanceAnchors(
                  encoder,
                  anchorExamples,
                  anchorGroups(run.config),
                  run.config.negatives(),
                  run.config.seed());
      return run.new ReactionTask(encoder, trainSet, validationSet, trainRecords, anchors);
    };
  }

  /** Anchor groups per step: about as many pairs as the reaction batch, at least one group. */
  static int anchorGroups(TrainerConfig config) {
    return Math.max(1, Math.round(config.batchSize() / (1f + config.negatives())));
  }

  private final class ReactionTask implements Task {
    private final ExampleEncoder encoder;
    private final List<Example> trainSet;
    private final List<Example> validationSet;
    private final List<ReactionRecord> trainRecords;
    private final @Nullable RelevanceAnchors anchors;

    ReactionTask(
        ExampleEncoder encoder,
        List<Example> trainSet,
        List<Example> validationSet,
        List<ReactionRecord> trainRecords,
        @Nullable RelevanceAnchors anchors) {
      this.encoder = encoder;
      this.trainSet = trainSet;
      this.validationSet = validationSet;
      this.trainRecords = trainRecords;
      this.anchors = anchors;
    }

    @Override
    public String fingerprint() {
      String records = TrainingState.fingerprint(trainRecords);
      return anchors == null ? records : records + "+" + anchors.fingerprint();
    }

    @Override
    public int trainSize() {
      return trainSet.size();
    }

    @Override
    public String describeData() {
      String records =
          String.format(
              Locale.ROOT,
              "%d train / %d validation records",
              trainSet.size(),
              validationSet.size());
      return anchors == null
          ? records
          : records
              + String.format(
                  Locale.ROOT,
                  "; each step also %d relevance-anchor groups of 1+%d pairs (listwise, weight %s)",
                  anchorGroups(config),
                  anchors.groupSize() - 1,
                  config.anchorWeight());
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
      return reactionEpoch(
          epoch,
          trainer,
          m,
          encoder,
          trainSet,
          anchors,
          parameters,
          mixed,
          step,
          schedule,
          stepsPerEpoch);
    }

    @Override
    public Scored validate(TrainableModel m) {
      List<String> groups = new ArrayList<>(validationSet.size());
      validationSet.forEach(e -> groups.add(e.group()));
      return new Scored(evaluate(m, encoder, validationSet), labelsOf(validationSet), groups);
    }

    @Override
    public double criterion(Scored scored, EvaluationReport raw) {
      return raw.auc();
    }

    @Override
    public String criterionName() {
      return "AUC";
    }
  }

  /** Trains one epoch over a seeded shuffle; returns the mean loss of the finite steps. */
  private double reactionEpoch(
      int epoch,
      Trainer trainer,
      TrainableModel m,
      ExampleEncoder encoder,
      List<Example> trainSet,
      @Nullable RelevanceAnchors anchors,
      List<Parameter> parameters,
      @Nullable MixedPrecision mixed,
      AtomicInteger step,
      LinearWarmupDecay schedule,
      int stepsPerEpoch) {
    // Seeded per epoch: a resumed run sees the same shuffle and dropout as an unbroken one.
    Engine.getEngine("PyTorch").setRandomSeed((int) (config.seed() * 1009 + epoch));
    List<Example> order = shuffled(trainSet, config.seed() * 31 + epoch);
    ReactionLoss loss = new ReactionLoss();
    double lossSum = 0;
    int batches = 0;
    int counted = 0;
    String task = String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs());
    try (Progress progress =
        out == null ? Progress.none() : Progress.start(out, bar, task, stepsPerEpoch)) {
      for (int from = 0; from < order.size(); from += config.batchSize()) {
        List<Example> batch =
            order.subList(from, Math.min(order.size(), from + config.batchSize()));
        step.incrementAndGet();
        float stepLoss;
        if (anchors == null) {
          stepLoss =
              step(
                  trainer,
                  m,
                  encoder.tokens(batch),
                  (manager, logits) ->
                      loss.evaluate(encoder.targets(manager, batch), new NDList(logits)),
                  parameters,
                  mixed);
        } else {
          // One forward over the reactions and the anchor groups; the losses add, the anchors'
          // weighted by anchorWeight.
          List<EncodedPair> pairs = new ArrayList<>();
          batch.forEach(e -> pairs.add(e.pair()));
          pairs.addAll(anchors.next(epoch));
          int n = batch.size();
          int groupSize = anchors.groupSize();
          stepLoss =
              step(
                  trainer,
                  m,
                  encoder.batch(pairs),
                  (manager, logits) ->
                      loss.evaluate(
                              encoder.targets(manager, batch),
                              new NDList(logits.get(new NDIndex("0:{}", n))))
                          .add(
                              SelectionLosses.listwise(
                                      SelectionLosses.scores(
                                          logits.get(new NDIndex("{}:", n)), labels, groupSize))
                                  .mul((float) config.anchorWeight())),
                  parameters,
                  mixed);
        }
        batches++;
        // a skipped mixed-precision step may have overflowed in the forward already
        if (Float.isFinite(stepLoss)) {
          lossSum += stepLoss;
          counted++;
        }
        progress.step(batches, lossSum / Math.max(1, counted), schedule.valueAt(step.get()));
      }
    }
    return lossSum / counted;
  }

  /** One optimizer step on one batch of pairs; returns its loss. */
  float step(
      Trainer trainer,
      TrainableModel m,
      TokenBatch tokens,
      TrainingStep.Loss loss,
      List<Parameter> parameters,
      @Nullable MixedPrecision mixed) {
    return TrainingStep.run(trainer, m, tokens, loss, parameters, mixed, config.maxGradNorm());
  }

  /**
   * Evaluates and calibrates the epoch's model, saves it when its AUC is the best so far, updates
   * {@code standing} (patience, early stop) and logs the epoch.
   */
  private EpochSummary endEpoch(
      int epoch,
      int globalStep,
      double trainLoss,
      TrainableModel m,
      Task task,
      Duration duration,
      Standing standing,
      @Nullable MixedPrecision mixed) {
    Scored scored = task.validate(m);
    Calibration calibration =
        CalibrationFitter.fit(config.calibration(), scored.logits(), scored.labels());
    EvaluationReport raw = report(scored, Calibration.SIGMOID);
    EvaluationReport calibrated = report(scored, calibration);
    double criterion = task.criterion(scored, raw);
    boolean improved = criterion > standing.bestAuc + 1e-9;
    m.setCalibration(calibration);
    EpochSummary summary =
        new EpochSummary(
            epoch, globalStep, trainLoss, calibrated, raw, calibration, duration, improved);
    if (improved) {
      standing.bestAuc = criterion;
      standing.bestEpoch = epoch;
      standing.stale = 0;
      checkpoints.saveBest(m, summary);
    } else {
      standing.stale++;
    }
    standing.history.add(summary);
    standing.stopped =
        config.patience() > 0 && standing.stale >= config.patience() && epoch < config.epochs();
    log(
        "epoch %d/%d: train loss %.4f; validation %s; %s%s%s",
        epoch,
        config.epochs(),
        summary.trainLoss(),
        calibrated.summary(),
        Progress.clockOf(summary.duration()),
        mixed == null
            ? ""
            : String.format(
                Locale.ROOT,
                "; loss scale %.0f, %d steps " + "skipped so far",
                mixed.scaler().scale(),
                mixed.scaler().skippedSteps()),
        improved
            ? "; best so far, saved"
            : standing.stopped
                ? "; no improvement for " + standing.stale + " epochs: stopping early"
                : "");
    return summary;
  }

  /** Returns the upvote logit of every example, in order. */
  double[] evaluate(TrainableModel m, ExampleEncoder encoder, List<Example> set) {
    // Longest first, so that padding is small and the first batch shows the memory peak.
    Integer[] order = new Integer[set.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order, Comparator.comparingInt((Integer i) -> set.get(i).pair().pairLength()).reversed());
    double[] logits = new double[set.size()];
    for (int from = 0; from < order.length; from += config.evalBatchSize()) {
      int to = Math.min(order.length, from + config.evalBatchSize());
      List<Example> batch = new ArrayList<>(to - from);
      for (int k = from; k < to; k++) {
        batch.add(set.get(order[k]));
      }
      float[][] rows = m.logits(encoder.tokens(batch));
      for (int k = from; k < to; k++) {
        logits[order[k]] = rows[k - from][upvote];
      }
    }
    return logits;
  }

  private static boolean[] labelsOf(List<Example> set) {
    boolean[] labels = new boolean[set.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = Boolean.TRUE.equals(set.get(i).label());
    }
    return labels;
  }

  private static EvaluationReport report(Scored scored, Calibration calibration) {
    double[] logits = scored.logits();
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = calibration.probability((float) logits[i]);
    }
    return EvaluationReport.of(p, scored.labels(), scored.groups());
  }

  static <T> List<T> shuffled(List<T> set, long seed) {
    List<T> copy = new ArrayList<>(set);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = copy.size() - 1; i > 0; i--) {
      Collections.swap(copy, i, random.nextInt(i + 1));
    }
    return copy;
  }

  /**
   * Whether standard output is a terminal. On Java 17, the release this library targets, {@code
   * System.console()} is null exactly when it is not (redirected, CI); from Java 22 it is never
   * null and a redirected run may draw the bar, which costs nothing worse than noise.
   */
  @SuppressWarnings("SystemConsoleNull")
  private static boolean interactive() {
    return System.console() != null;
  }

  void log(String format, Object... args) {
    if (out != null) {
      out.println(String.format(Locale.ROOT, format, args));
      out.flush();
    }
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // keep closing the rest; a close failure must not hide the training outcome
      }
    }
  }
}
