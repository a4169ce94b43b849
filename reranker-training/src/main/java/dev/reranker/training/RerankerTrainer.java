package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.gson.JsonObject;
import dev.reranker.Calibration;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.lstm.QaLstmModel;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.scoring.ModelScorer;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.training.internal.BertTrainable;
import dev.reranker.training.internal.Gradients;
import dev.reranker.training.internal.LinearWarmupDecay;
import dev.reranker.training.internal.LossScaler;
import dev.reranker.training.internal.MixedPrecision;
import dev.reranker.training.internal.Progress;
import dev.reranker.training.internal.QaLstmTrainable;
import dev.reranker.training.internal.ReactionLoss;
import dev.reranker.training.internal.TrainableModel;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Fine-tunes a cross-encoder on reaction records: binary cross-entropy on upvote vs downvote,
 * optionally a multi-label head for the other reactions, AdamW with linear warm-up and decay,
 * gradient clipping by global norm, evaluation every epoch, the best epoch (by validation AUC)
 * kept as a calibrated checkpoint, early stopping, and resumable state. Built with DJL's training
 * API ({@link Trainer}, {@link GradientCollector}, {@link Optimizer#adamW()}) on the PyTorch
 * engine.
 *
 * <pre>{@code
 * DatasetSplit split = ReactionLog.read(Path.of("reactions.jsonl")).split(0.2, 42);
 * TrainingResult result = RerankerTrainer.builder()
 *     .model(RerankerModel.bundled())   // adds a fresh pooler and classifier to MiniLM
 *     .epochs(3)
 *     .output(Path.of("my-reranker"))
 *     .build()
 *     .fit(split.train(), split.validation());
 * try (Reranker reranker = Reranker.builder().model(result.checkpoint()).build()) { ... }
 * }</pre>
 *
 * <p>What it starts from: a native BERT ({@link Builder#model}): the bundled MiniLM or a
 * HuggingFace checkpoint (a bi-encoder gets a fresh pooler and classifier; a cross-encoder keeps
 * its head if its labels are this head's, else gets a fresh one); or the QA-LSTM baseline ({@link
 * Builder#baseline}), trained from random weights. Both see the pairs exactly as {@code Reranker}
 * encodes them at serving time ({@code [CLS] context [SEP] reply [SEP]}, {@code maxSeqLen} 80,
 * {@code maxReplyTokens} 20 by default); every record is tokenized once, before the first epoch.
 *
 * <p>Output folder ({@link Builder#output}): the best epoch's checkpoint ({@code config.json}
 * with {@code id2label} and the fitted calibration under {@code reranker_calibration}, {@code
 * model.safetensors}, {@code tokenizer.json}); and {@code last/}, the last epoch's checkpoint with
 * {@code trainer_state.json}, which {@link Builder#resume} continues from. Resume restores the
 * weights, the epoch, the global step (the learning-rate schedule continues; it is recomputed from
 * the current {@code epochs}), the best AUC and the patience counter; not Adam's
 * moments, which DJL's AdamW keeps private: they restart from zero with fresh bias correction.
 * Resuming checks that the training records are the same ones.
 *
 * <p>Precision: float32 by default. {@link Builder#mixedPrecision mixedPrecision(true)} trains
 * the BERT in mixed precision, Apex's "O2" scheme: forward and backward run on a float16 copy of
 * the model, with the loss (computed in float32) multiplied by a dynamic loss scale (2^16 at
 * first, halved and the step skipped when a gradient overflows, doubled after 2000 clean steps,
 * as {@code torch.cuda.amp.GradScaler}); the gradients are copied to float32, unscaled and
 * clipped, AdamW updates float32 master weights, and those are copied back to the float16 copy.
 * Evaluation, checkpoints and resume use the float32 master weights: the checkpoint is float32
 * either way. It is meant for CUDA; on a CPU it is honoured (the tests run it there) but no faster
 * than float32 even with AVX512-FP16, and slower without. Only FLOAT16: DJL 0.36's PyTorch JNI
 * aborts the process on the first BFLOAT16 array. Resume restarts the loss scale at 2^16.
 *
 * <p>Not thread-safe: libtorch lets one gradient collector record at a time in a process, so run
 * one {@code fit} at a time. {@code fit} closes every model, trainer and array it creates.
 */
public final class RerankerTrainer {
  private final Builder b;
  private final String description;

  private RerankerTrainer(Builder b) {
    this.b = b.copy();
    this.description = b.toString();
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the label names of the head this trainer trains, in logit order. */
  public List<String> labels() {
    List<String> labels = new ArrayList<>(b.head.labels());
    if (b.multiLabel) {
      labels.addAll(HeadType.REACTION_LABELS);
    }
    return List.copyOf(labels);
  }

  /**
   * Trains on {@code train}, evaluating on {@code validation} after every epoch, and writes the
   * best epoch's calibrated checkpoint to the output folder.
   *
   * @throws IllegalArgumentException if {@code train} has no record to learn from, or {@code
   *     validation} lacks an upvote or a downvote (AUC needs both)
   * @throws IllegalStateException if the output folder holds a checkpoint and resume is off,
   *     resume finds state for another model, head or training set, or training diverges
   *     (gradients that are not finite; in mixed precision, even at a loss scale of 1)
   * @throws dev.reranker.model.ModelLoadException if the initial model cannot be loaded
   */
  public TrainingResult fit(List<ReactionRecord> train, List<ReactionRecord> validation) {
    requireNonNull(train, "train");
    requireNonNull(validation, "validation");
    try (Run run = new Run(b, labels(), train, validation)) {
      return run.fit();
    }
  }

  @Override
  public String toString() {
    return "RerankerTrainer" + description.substring("RerankerTrainer.Builder".length());
  }

  /** One record, tokenized once, with its targets. */
  private record Example(EncodedPair pair, float[] targets, float[] weights,
      @Nullable Boolean label, String group) {}

  /** Everything one {@code fit} call owns. */
  private static final class Run implements AutoCloseable {
    private final Builder b;
    private final List<String> labels;
    private final int upvote;
    private final Device device;
    private final @Nullable PrintStream out;
    private final boolean bar;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<ReactionRecord> trainRecords;
    private final List<ReactionRecord> validationRecords;
    private final Path last;
    private @Nullable TrainableModel model;
    private @Nullable PairEncoder encoder;

    Run(Builder b, List<String> labels, List<ReactionRecord> train,
        List<ReactionRecord> validation) {
      this.b = b;
      this.labels = labels;
      this.upvote = ModelScorer.upvoteIndex(labels);
      this.device = b.device != null ? b.device : defaultDevice();
      this.out = b.progress;
      this.bar = b.progressBar != null ? b.progressBar : System.console() != null;
      this.trainRecords = List.copyOf(train);
      this.validationRecords = List.copyOf(validation);
      this.last = requireNonNull(b.output).resolve("last");
    }

    TrainingResult fit() {
      long started = System.nanoTime();
      Path output = requireNonNull(b.output);
      TrainingState state = null;
      if (b.resume && TrainingState.exists(last)) {
        state = TrainingState.read(last);
      } else {
        checkState(!Files.exists(output.resolve(NativeBert.CONFIG_FILE)) && !Files.exists(last),
            "output folder %s already holds a checkpoint: resume(true) to continue it, or choose "
                + "another folder", output);
        if (b.resume) {
          log("no training state in %s: starting fresh", last);
        }
      }
      String modelType = b.baseline != null ? QaLstmModel.MODEL_TYPE : "bert";
      if (state != null) {
        checkState(state.modelType().equals(modelType) && state.labels().equals(labels),
            "cannot resume %s: it trained a %s with labels %s, but this trainer has a %s with "
                + "labels %s", last, state.modelType(), state.labels(), modelType, labels);
      }

      TrainableModel m = state != null ? loadTrainable(last) : initialModel();
      model = m;
      closeables.add(m);
      checkArgument(b.maxSeqLen <= m.maxPositions(),
          "maxSeqLen (%s) exceeds the model's %s positions", b.maxSeqLen, m.maxPositions());
      PairEncoder pairs =
          new PairEncoder(m.tokenizerJson(), ModelKind.CROSS_ENCODER, b.maxSeqLen,
              b.maxReplyTokens);
      encoder = pairs;
      closeables.add(pairs);

      List<Example> trainSet = encode(pairs, trainRecords, true);
      List<Example> validationSet = encode(pairs, validationRecords, false);
      checkArgument(!trainSet.isEmpty(), "no training record has a reaction this head can learn");
      long positives = validationSet.stream().filter(e -> e.label()).count();
      checkArgument(positives > 0 && positives < validationSet.size(),
          "validation needs upvotes and downvotes for AUC, but has %s upvotes of %s rated records",
          positives, validationSet.size());
      String fingerprint = fingerprint(trainRecords);
      if (state != null) {
        checkState(state.trainFingerprint().equals(fingerprint),
            "cannot resume %s: the training records differ from the ones it was trained on", last);
      }

      int stepsPerEpoch = (trainSet.size() + b.batchSize - 1) / b.batchSize;
      int totalSteps = stepsPerEpoch * b.epochs;
      float lr = b.learningRate != null ? b.learningRate
          : b.baseline != null ? Builder.DEFAULT_BASELINE_LEARNING_RATE
              : Builder.DEFAULT_BERT_LEARNING_RATE;
      log("training %s on %s, %s", m, device, b.mixedPrecision
          ? "mixed precision (" + b.mixedPrecisionType + " forward and backward, float32 master "
              + "weights, dynamic loss scale)" : "float32");
      if (b.mixedPrecision && !device.isGpu()) {
        log("note: mixed precision is no faster than float32 on %s (slower without AVX512-FP16); "
            + "it pays off on CUDA", device);
      }
      log("%d train / %d validation records, %d steps x %d epochs, batch %d, lr %.1e, "
              + "warm-up %d steps, max grad norm %.1f", trainSet.size(), validationSet.size(),
          stepsPerEpoch, b.epochs, b.batchSize, lr, Math.round(b.warmupFraction * totalSteps),
          b.maxGradNorm);

      AtomicInteger currentStep = new AtomicInteger(state != null ? state.globalStep() : 0);
      LinearWarmupDecay schedule = new LinearWarmupDecay(lr,
          (int) Math.round(b.warmupFraction * totalSteps), totalSteps, currentStep::get);
      Optimizer optimizer = Optimizer.adamW()
          .optLearningRateTracker(schedule)
          .optWeightDecays(b.weightDecay)
          .build();
      DefaultTrainingConfig config = new DefaultTrainingConfig(new ReactionLoss())
          .optOptimizer(optimizer)
          .optDevices(new Device[] {device});

      List<EpochSummary> history = new ArrayList<>(state != null ? state.history() : List.of());
      double bestAuc = state != null ? state.bestAuc() : Double.NEGATIVE_INFINITY;
      int bestEpoch = state != null ? state.bestEpoch() : 0;
      int stale = state != null ? state.epochsWithoutImprovement() : 0;
      boolean stopped = state != null && state.stoppedEarly();
      int firstEpoch = state != null ? state.epoch() + 1 : 1;
      Optional<EvaluationReport> initial = Optional.empty();
      if (state != null) {
        log("resuming after epoch %d (step %d, best AUC %.4f at epoch %d)%s", state.epoch(),
            state.globalStep(), state.bestAuc(), state.bestEpoch(),
            stopped ? ": it had stopped early" : "");
      } else {
        double[] logits = upvoteLogits(m, pairs, validationSet);
        EvaluationReport before = report(validationSet, logits, Calibration.SIGMOID);
        initial = Optional.of(before);
        log("before training: validation %s", before.summary());
      }

      MixedPrecision mixed = null;
      if (b.mixedPrecision) {
        if (!(m instanceof BertTrainable bert)) {
          throw new IllegalStateException("mixedPrecision(true) applies to the native BERT only, "
              + "but this trainer trains " + m);
        }
        mixed = new MixedPrecision(bert.bert(), b.mixedPrecisionType, optimizer, new LossScaler());
        closeables.add(mixed);
      }
      // In mixed precision the DJL Trainer runs forward and backward on the float16 copy; its
      // step() is never called: MixedPrecision.step updates the float32 master weights.
      Model working = mixed != null ? mixed.workingModel() : m.djlModel();
      try (Trainer trainer = new Trainer(working, config)) {
        trainer.initialize(m.initShapes());
        List<Parameter> parameters = new ArrayList<>();
        working.getBlock().getParameters().values().forEach(parameters::add);
        ReactionLoss loss = new ReactionLoss();
        for (int epoch = firstEpoch; epoch <= b.epochs && !stopped; epoch++) {
          long epochStart = System.nanoTime();
          // Seeded per epoch: a resumed run sees the same shuffle and dropout as an unbroken one.
          Engine.getEngine("PyTorch").setRandomSeed((int) (b.seed * 1009 + epoch));
          List<Example> order = shuffled(trainSet, b.seed * 31 + epoch);
          double lossSum = 0;
          int batches = 0;
          int counted = 0;
          String task = String.format(Locale.ROOT, "epoch %d/%d", epoch, b.epochs);
          try (Progress progress = out == null ? Progress.none()
              : Progress.start(out, bar, task, stepsPerEpoch)) {
            for (int from = 0; from < order.size(); from += b.batchSize) {
              List<Example> batch = order.subList(from, Math.min(order.size(), from + b.batchSize));
              currentStep.incrementAndGet();
              float stepLoss = step(trainer, m, pairs, batch, loss, parameters, mixed);
              batches++;
              // a skipped mixed-precision step may have overflowed in the forward already
              if (Float.isFinite(stepLoss)) {
                lossSum += stepLoss;
                counted++;
              }
              progress.step(batches, lossSum / Math.max(1, counted),
                  schedule.valueAt(currentStep.get()));
            }
          }
          double[] logits = upvoteLogits(m, pairs, validationSet);
          boolean[] labelsOf = labelsOf(validationSet);
          Calibration calibration = CalibrationFitter.fit(b.calibration, logits, labelsOf);
          EvaluationReport raw = report(validationSet, logits, Calibration.SIGMOID);
          EvaluationReport calibrated = report(validationSet, logits, calibration);
          boolean improved = raw.auc() > bestAuc + 1e-9;
          m.setCalibration(calibration);
          EpochSummary summary = new EpochSummary(epoch, currentStep.get(), lossSum / counted,
              calibrated, raw, calibration, Duration.ofNanos(System.nanoTime() - epochStart),
              improved);
          if (improved) {
            bestAuc = raw.auc();
            bestEpoch = epoch;
            stale = 0;
            m.save(output, trainingInfo(summary));
          } else {
            stale++;
          }
          history.add(summary);
          stopped = b.patience > 0 && stale >= b.patience && epoch < b.epochs;
          log("epoch %d/%d: train loss %.4f; validation %s; %s%s%s", epoch, b.epochs,
              summary.trainLoss(), calibrated.summary(),
              Progress.clockOf(summary.duration()),
              mixed == null ? "" : String.format(Locale.ROOT, "; loss scale %.0f, %d steps "
                  + "skipped so far", mixed.scaler().scale(), mixed.scaler().skippedSteps()),
              improved ? "; best so far, saved" : stopped ? "; no improvement for " + stale
                  + " epochs: stopping early" : "");
          saveLast(m, summary, new TrainingState(modelType, labels, epoch, currentStep.get(),
              stepsPerEpoch, bestAuc, bestEpoch, stale, stopped, fingerprint, b.seed, history));
        }
      }
      checkState(bestEpoch > 0, "no epoch was trained: epochs (%s) were already done", b.epochs);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      TrainingResult result = new TrainingResult(output, m.toString(), m.parameterCount(),
          initial, history, bestEpoch, stopped, firstEpoch - 1, elapsed);
      log("best epoch %d: %s; checkpoint %s (calibration scale %.4f, bias %.4f); %s", bestEpoch,
          result.best().validation().summary(), output, result.best().calibration().scale(),
          result.best().calibration().bias(), Progress.clockOf(elapsed));
      return result;
    }

    private float step(Trainer trainer, TrainableModel m, PairEncoder pairs, List<Example> batch,
        ReactionLoss loss, List<Parameter> parameters, @Nullable MixedPrecision mixed) {
      try (NDManager manager = trainer.getManager().newSubManager()) {
        List<EncodedPair> encoded = new ArrayList<>(batch.size());
        int width = labels.size();
        float[] targets = new float[batch.size() * width];
        float[] weights = new float[batch.size() * width];
        for (int i = 0; i < batch.size(); i++) {
          Example e = batch.get(i);
          encoded.add(e.pair());
          System.arraycopy(e.targets(), 0, targets, i * width, width);
          System.arraycopy(e.weights(), 0, weights, i * width, width);
        }
        TokenBatch tokens = pairs.crossBatch(encoded);
        NDList inputs = m.inputs(manager, tokens);
        Shape shape = new Shape(batch.size(), width);
        NDList labelsList = new NDList(manager.create(targets, shape),
            manager.create(weights, shape));
        float value;
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDArray l = loss.evaluate(labelsList, new NDList(m.logits(trainer.forward(inputs))));
          value = l.getFloat();
          collector.backward(mixed != null ? mixed.scale(l) : l);
        }
        if (mixed != null) {
          mixed.step(b.maxGradNorm, manager); // skipped, and the scale halved, on an overflow
        } else {
          double norm = Gradients.clipByGlobalNorm(parameters, b.maxGradNorm, 1, manager);
          if (!Double.isFinite(norm)) {
            Gradients.zero(parameters, manager);
            throw new IllegalStateException("training diverged: gradient norm " + norm
                + " (lower the learning rate)");
          }
          trainer.step();
        }
        m.weightsChanged();
        return value;
      }
    }

    private void saveLast(TrainableModel m, EpochSummary summary, TrainingState state) {
      Path partial = last.resolveSibling("last.partial");
      Path old = last.resolveSibling("last.old");
      try {
        deleteTree(partial);
        m.save(partial, trainingInfo(summary));
        state.write(partial);
        deleteTree(old);
        if (Files.exists(last)) {
          Files.move(last, old);
        }
        Files.move(partial, last);
        deleteTree(old);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the training state in " + last, e);
      }
    }

    private JsonObject trainingInfo(EpochSummary summary) {
      JsonObject info = new JsonObject();
      info.addProperty("epoch", summary.epoch());
      info.addProperty("global_step", summary.globalStep());
      info.addProperty("max_seq_len", b.maxSeqLen);
      info.addProperty("max_reply_tokens", b.maxReplyTokens);
      info.addProperty("calibration_method", b.calibration.name().toLowerCase(Locale.ROOT));
      JsonObject validation = TrainingState.reportJson(summary.validation());
      // config.json is strict JSON: metrics that do not apply are null, not NaN.
      for (String key : new ArrayList<>(validation.keySet())) {
        double v = validation.get(key).getAsDouble();
        if (Double.isNaN(v)) {
          validation.add(key, com.google.gson.JsonNull.INSTANCE);
        }
      }
      info.add("validation", validation);
      JsonObject extra = new JsonObject();
      extra.add("reranker_training", info);
      return extra;
    }

    private TrainableModel initialModel() {
      if (b.baseline != null) {
        String tokenizer = b.tokenizerJson != null ? b.tokenizerJson : BundledModel.tokenizerJson();
        return new QaLstmTrainable(
            QaLstmModel.random(b.baseline, labels, tokenizer, b.seed, device));
      }
      RerankerModel spec = b.model != null ? b.model : RerankerModel.bundled();
      EncoderModel loaded = spec.load(device);
      if (!(loaded instanceof NativeBert bert)) {
        loaded.close();
        throw new IllegalArgumentException(
            "only the native BERT can be fine-tuned, but " + spec + " loaded as "
                + loaded.getClass().getSimpleName());
      }
      if (bert.config().labels().equals(labels)) {
        return new BertTrainable(bert); // a cross-encoder with this head: keep it
      }
      try (bert) {
        Map<String, HostTensor> encoder = new LinkedHashMap<>(bert.weights());
        encoder.keySet().removeIf(name -> name.startsWith("classifier."));
        log("%s: adding a fresh %sclassifier %s", spec,
            encoder.containsKey("pooler.dense.weight") ? "" : "pooler and ", labels);
        return new BertTrainable(NativeBert.withRandomRest(bert.config().withLabels(labels),
            encoder, bert.tokenizerJson(), b.seed, device));
      }
    }

    private TrainableModel loadTrainable(Path dir) {
      EncoderModel loaded = RerankerModel.checkpoint(dir).load(device);
      if (loaded instanceof QaLstmModel lstm) {
        return new QaLstmTrainable(lstm);
      }
      if (loaded instanceof NativeBert bert && bert.kind() == ModelKind.CROSS_ENCODER) {
        return new BertTrainable(bert);
      }
      loaded.close();
      throw new IllegalStateException(dir + " does not hold a trainable cross-encoder");
    }

    private List<Example> encode(PairEncoder pairs, List<ReactionRecord> records,
        boolean training) {
      List<Example> out = new ArrayList<>(records.size());
      for (ReactionRecord r : records) {
        Optional<Boolean> polarity = r.reaction().polarity();
        float[] targets = new float[labels.size()];
        float[] weights = new float[labels.size()];
        boolean any = false;
        for (int j = 0; j < labels.size(); j++) {
          String label = labels.get(j);
          if (label.equals("upvote") || label.equals("downvote")) {
            if (polarity.isPresent()) {
              targets[j] = polarity.get() == label.equals("upvote") ? 1 : 0;
              weights[j] = 1;
              any = true;
            }
          } else {
            targets[j] = r.reaction().label().equals(label) ? 1 : 0;
            weights[j] = 1;
            any = true;
          }
        }
        // Validation measures upvote vs downvote: records without a polarity are left out.
        if (training ? !any : polarity.isEmpty()) {
          continue;
        }
        EncodedPair pair = pairs.encode(r.dialog(), List.of(dev.reranker.Candidate.of(r.reply())))
            .get(0);
        out.add(new Example(pair, targets, weights, polarity.orElse(null), r.contextKey()));
      }
      return out;
    }

    private double[] upvoteLogits(TrainableModel m, PairEncoder pairs, List<Example> set) {
      // Longest first, so that padding is small and the first batch shows the memory peak.
      Integer[] order = new Integer[set.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order,
          Comparator.comparingInt((Integer i) -> set.get(i).pair().pairLength()).reversed());
      double[] logits = new double[set.size()];
      for (int from = 0; from < order.length; from += b.evalBatchSize) {
        int to = Math.min(order.length, from + b.evalBatchSize);
        List<EncodedPair> batch = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) {
          batch.add(set.get(order[k]).pair());
        }
        float[][] rows = m.logits(pairs.crossBatch(batch));
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

    private static EvaluationReport report(List<Example> set, double[] logits,
        Calibration calibration) {
      double[] p = new double[logits.length];
      List<String> groups = new ArrayList<>(logits.length);
      for (int i = 0; i < p.length; i++) {
        p[i] = calibration.probability((float) logits[i]);
        groups.add(set.get(i).group());
      }
      return EvaluationReport.of(p, labelsOf(set), groups);
    }

    private static List<Example> shuffled(List<Example> set, long seed) {
      List<Example> copy = new ArrayList<>(set);
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = copy.size() - 1; i > 0; i--) {
        java.util.Collections.swap(copy, i, random.nextInt(i + 1));
      }
      return copy;
    }

    private void log(String format, Object... args) {
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

  private static Device defaultDevice() {
    return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** A SHA-256 of the records' ids, texts and reactions, in order. */
  static String fingerprint(List<ReactionRecord> records) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (ReactionRecord r : records) {
        String line = r.dialogId() + '\u0001' + r.dialog() + '\u0001' + r.reply() + '\u0001'
            + r.reaction() + '\n';
        digest.update(line.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Configures a {@link RerankerTrainer}. Each setter checks its argument ({@link
   * IllegalArgumentException}); {@link #build()} checks combinations ({@link
   * IllegalStateException}). The builder stays reusable after {@code build()}.
   */
  public static final class Builder {
    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final float DEFAULT_BERT_LEARNING_RATE = 5e-5f;
    public static final float DEFAULT_BASELINE_LEARNING_RATE = 1e-3f;
    public static final double DEFAULT_WARMUP_FRACTION = 0.1;
    public static final float DEFAULT_WEIGHT_DECAY = 0.01f;
    public static final double DEFAULT_MAX_GRAD_NORM = 1.0;
    public static final int DEFAULT_MAX_SEQ_LEN = 80;
    public static final int DEFAULT_MAX_REPLY_TOKENS = 20;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_PATIENCE = 2;
    public static final int DEFAULT_EVAL_BATCH_SIZE = 64;

    private @Nullable RerankerModel model;
    private @Nullable BaselineConfig baseline;
    private @Nullable String tokenizerJson;
    private HeadType head = HeadType.SINGLE_LOGIT;
    private boolean multiLabel;
    private int epochs = DEFAULT_EPOCHS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private @Nullable Float learningRate;
    private double warmupFraction = DEFAULT_WARMUP_FRACTION;
    private float weightDecay = DEFAULT_WEIGHT_DECAY;
    private double maxGradNorm = DEFAULT_MAX_GRAD_NORM;
    private int maxSeqLen = DEFAULT_MAX_SEQ_LEN;
    private int maxReplyTokens = DEFAULT_MAX_REPLY_TOKENS;
    private long seed = DEFAULT_SEED;
    private int patience = DEFAULT_PATIENCE;
    private CalibrationMethod calibration = CalibrationMethod.PLATT;
    private @Nullable Device device;
    private @Nullable Path output;
    private boolean resume;
    private @Nullable PrintStream progress = System.err;
    private @Nullable Boolean progressBar;
    private int evalBatchSize = DEFAULT_EVAL_BATCH_SIZE;
    private boolean mixedPrecision;
    private DataType mixedPrecisionType = DataType.FLOAT16;

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.model = model;
      c.baseline = baseline;
      c.tokenizerJson = tokenizerJson;
      c.head = head;
      c.multiLabel = multiLabel;
      c.epochs = epochs;
      c.batchSize = batchSize;
      c.learningRate = learningRate;
      c.warmupFraction = warmupFraction;
      c.weightDecay = weightDecay;
      c.maxGradNorm = maxGradNorm;
      c.maxSeqLen = maxSeqLen;
      c.maxReplyTokens = maxReplyTokens;
      c.seed = seed;
      c.patience = patience;
      c.calibration = calibration;
      c.device = device;
      c.output = output;
      c.resume = resume;
      c.progress = progress;
      c.progressBar = progressBar;
      c.evalBatchSize = evalBatchSize;
      c.mixedPrecision = mixedPrecision;
      c.mixedPrecisionType = mixedPrecisionType;
      return c;
    }

    /**
     * Fine-tunes this native BERT (default: {@link RerankerModel#bundled()}): a bi-encoder gets a
     * fresh pooler and classifier, a cross-encoder keeps its head when its labels match.
     */
    @CanIgnoreReturnValue
    public Builder model(RerankerModel model) {
      this.model = requireNonNull(model, "model");
      return this;
    }

    /**
     * Trains the QA-LSTM baseline of this size from random weights instead of a BERT, with the
     * bundled tokenizer unless {@link #tokenizerJson} sets one.
     */
    @CanIgnoreReturnValue
    public Builder baseline(BaselineConfig config) {
      this.baseline = requireNonNull(config, "config");
      return this;
    }

    /** Sets the baseline's {@code tokenizer.json} content (default: the bundled one). */
    @CanIgnoreReturnValue
    public Builder tokenizerJson(String tokenizerJson) {
      this.tokenizerJson = requireNonNull(tokenizerJson, "tokenizerJson");
      return this;
    }

    /** Sets the binary head (default {@link HeadType#SINGLE_LOGIT}). */
    @CanIgnoreReturnValue
    public Builder head(HeadType head) {
      this.head = requireNonNull(head, "head");
      return this;
    }

    /**
     * Adds one sigmoid logit per other reaction ({@link HeadType#REACTION_LABELS}), each trained
     * with its own binary cross-entropy; records without a polarity then train these logits too.
     */
    @CanIgnoreReturnValue
    public Builder multiLabel(boolean multiLabel) {
      this.multiLabel = multiLabel;
      return this;
    }

    /** Sets the most epochs to train (default 3), resumed ones included. */
    @CanIgnoreReturnValue
    public Builder epochs(int epochs) {
      checkArgument(epochs > 0, "epochs must be positive, but was %s", epochs);
      this.epochs = epochs;
      return this;
    }

    /** Sets the training batch size (default 32). */
    @CanIgnoreReturnValue
    public Builder batchSize(int batchSize) {
      checkArgument(batchSize > 0, "batchSize must be positive, but was %s", batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** Sets the peak learning rate (default 5e-5 for BERT, 1e-3 for the baseline). */
    @CanIgnoreReturnValue
    public Builder learningRate(float learningRate) {
      checkArgument(learningRate > 0 && Float.isFinite(learningRate),
          "learningRate must be positive, but was %s", learningRate);
      this.learningRate = learningRate;
      return this;
    }

    /** Sets the share of all steps spent warming up linearly (default 0.1). */
    @CanIgnoreReturnValue
    public Builder warmupFraction(double warmupFraction) {
      checkArgument(warmupFraction >= 0 && warmupFraction < 1,
          "warmupFraction must be in [0, 1), but was %s", warmupFraction);
      this.warmupFraction = warmupFraction;
      return this;
    }

    /** Sets AdamW's decoupled weight decay (default 0.01), applied to every parameter. */
    @CanIgnoreReturnValue
    public Builder weightDecay(float weightDecay) {
      checkArgument(weightDecay >= 0 && Float.isFinite(weightDecay),
          "weightDecay must be non-negative, but was %s", weightDecay);
      this.weightDecay = weightDecay;
      return this;
    }

    /** Sets the global gradient norm to clip to (default 1.0; 0 turns clipping off). */
    @CanIgnoreReturnValue
    public Builder maxGradNorm(double maxGradNorm) {
      checkArgument(maxGradNorm >= 0 && Double.isFinite(maxGradNorm),
          "maxGradNorm must be non-negative, but was %s", maxGradNorm);
      this.maxGradNorm = maxGradNorm;
      return this;
    }

    /** Sets the pair length in tokens (default 80, as {@code Reranker}'s); serve with the same. */
    @CanIgnoreReturnValue
    public Builder maxSeqLen(int maxSeqLen) {
      checkArgument(maxSeqLen >= 8 && maxSeqLen <= 4096,
          "maxSeqLen must be in [8, 4096], but was %s", maxSeqLen);
      this.maxSeqLen = maxSeqLen;
      return this;
    }

    /** Sets the reply's token budget (default 20, as {@code Reranker}'s). */
    @CanIgnoreReturnValue
    public Builder maxReplyTokens(int maxReplyTokens) {
      checkArgument(maxReplyTokens > 0, "maxReplyTokens must be positive, but was %s",
          maxReplyTokens);
      this.maxReplyTokens = maxReplyTokens;
      return this;
    }

    /** Sets the seed of the fresh head, the shuffles and dropout (default 42). */
    @CanIgnoreReturnValue
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Stops after this many epochs without a better validation AUC (default 2; 0 never stops
     * early).
     */
    @CanIgnoreReturnValue
    public Builder patience(int patience) {
      checkArgument(patience >= 0, "patience must be non-negative, but was %s", patience);
      this.patience = patience;
      return this;
    }

    /** Sets how the saved checkpoint is calibrated (default {@link CalibrationMethod#PLATT}). */
    @CanIgnoreReturnValue
    public Builder calibration(CalibrationMethod calibration) {
      this.calibration = requireNonNull(calibration, "calibration");
      return this;
    }

    /** Sets the device (default: the first GPU DJL sees, else the CPU). */
    @CanIgnoreReturnValue
    public Builder device(Device device) {
      this.device = requireNonNull(device, "device");
      return this;
    }

    /** Sets the output folder (required): the best checkpoint, and {@code last/} to resume. */
    @CanIgnoreReturnValue
    public Builder output(Path output) {
      this.output = requireNonNull(output, "output");
      return this;
    }

    /** Continues from {@code output/last} when it exists (default false: a fresh run). */
    @CanIgnoreReturnValue
    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    /** Sets where progress and per-epoch lines go (default {@code System.err}). */
    @CanIgnoreReturnValue
    public Builder progress(PrintStream progress) {
      this.progress = requireNonNull(progress, "progress");
      return this;
    }

    /** Reports nothing. */
    @CanIgnoreReturnValue
    public Builder quiet() {
      this.progress = null;
      return this;
    }

    /**
     * Chooses a terminal progress bar (true) or plain lines (false); default: a bar when {@code
     * System.console()} is not null.
     */
    @CanIgnoreReturnValue
    public Builder progressBar(boolean progressBar) {
      this.progressBar = progressBar;
      return this;
    }

    /** Sets the batch size of validation passes (default 64). */
    @CanIgnoreReturnValue
    public Builder evalBatchSize(int evalBatchSize) {
      checkArgument(evalBatchSize > 0, "evalBatchSize must be positive, but was %s",
          evalBatchSize);
      this.evalBatchSize = evalBatchSize;
      return this;
    }

    /**
     * Trains the BERT in mixed precision (default false): forward and backward on a float16 copy
     * with a dynamic loss scale, AdamW on float32 master weights, which evaluation and the
     * checkpoint use (see the class documentation). Meant for CUDA; honoured on a CPU too, where
     * it is no faster than float32. Not for the QA-LSTM {@link #baseline}.
     */
    @CanIgnoreReturnValue
    public Builder mixedPrecision(boolean mixedPrecision) {
      this.mixedPrecision = mixedPrecision;
      return this;
    }

    /**
     * Sets the half type for {@link #mixedPrecision}: FLOAT16, the default and, with DJL 0.36,
     * the only one that works.
     *
     * @throws IllegalArgumentException for BFLOAT16 (DJL 0.36's PyTorch JNI has no bfloat16
     *     mapping and aborts the process on the first such array) and for any other type
     */
    @CanIgnoreReturnValue
    public Builder mixedPrecisionType(DataType type) {
      this.mixedPrecisionType = DjlRuntime.checkHalfPrecision(type);
      return this;
    }

    /**
     * Builds the trainer.
     *
     * @throws IllegalStateException if no output folder was set, both a model and a baseline
     *     were, {@code maxReplyTokens} leaves no room for the context, or mixed precision was
     *     asked for the baseline
     */
    public RerankerTrainer build() {
      checkState(output != null, "call output(...) before build()");
      checkState(model == null || baseline == null, "set model(...) or baseline(...), not both");
      checkState(tokenizerJson == null || baseline != null,
          "tokenizerJson(...) is for the baseline; a BERT brings its own tokenizer");
      checkState(maxReplyTokens <= maxSeqLen - 4,
          "maxReplyTokens (%s) must leave room for the context: at most maxSeqLen - 4 = %s",
          maxReplyTokens, maxSeqLen - 4);
      checkState(!mixedPrecision || baseline == null,
          "mixedPrecision(true) applies to the native BERT; the QA-LSTM baseline trains in "
              + "float32");
      return new RerankerTrainer(this);
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (model != null) {
        parts.add("model=" + model);
      }
      if (baseline != null) {
        parts.add("baseline=" + baseline);
      }
      if (head != HeadType.SINGLE_LOGIT) {
        parts.add("head=" + head);
      }
      if (multiLabel) {
        parts.add("multiLabel=true");
      }
      if (epochs != DEFAULT_EPOCHS) {
        parts.add("epochs=" + epochs);
      }
      if (batchSize != DEFAULT_BATCH_SIZE) {
        parts.add("batchSize=" + batchSize);
      }
      if (learningRate != null) {
        parts.add("learningRate=" + learningRate);
      }
      if (warmupFraction != DEFAULT_WARMUP_FRACTION) {
        parts.add("warmupFraction=" + warmupFraction);
      }
      if (weightDecay != DEFAULT_WEIGHT_DECAY) {
        parts.add("weightDecay=" + weightDecay);
      }
      if (maxGradNorm != DEFAULT_MAX_GRAD_NORM) {
        parts.add("maxGradNorm=" + maxGradNorm);
      }
      if (maxSeqLen != DEFAULT_MAX_SEQ_LEN) {
        parts.add("maxSeqLen=" + maxSeqLen);
      }
      if (maxReplyTokens != DEFAULT_MAX_REPLY_TOKENS) {
        parts.add("maxReplyTokens=" + maxReplyTokens);
      }
      if (seed != DEFAULT_SEED) {
        parts.add("seed=" + seed);
      }
      if (patience != DEFAULT_PATIENCE) {
        parts.add("patience=" + patience);
      }
      if (calibration != CalibrationMethod.PLATT) {
        parts.add("calibration=" + calibration);
      }
      if (device != null) {
        parts.add("device=" + device);
      }
      if (output != null) {
        parts.add("output=" + output);
      }
      if (resume) {
        parts.add("resume=true");
      }
      if (mixedPrecision) {
        parts.add("mixedPrecision=" + mixedPrecisionType);
      }
      return "RerankerTrainer.Builder{" + String.join(", ", parts) + "}";
    }
  }
}
