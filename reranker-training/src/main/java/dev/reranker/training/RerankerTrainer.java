package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.RerankerModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Fine-tunes a cross-encoder on reaction records: binary cross-entropy on upvote vs downvote,
 * optionally a multi-label head for the other reactions, AdamW with linear warm-up and decay,
 * gradient clipping by global norm, evaluation every epoch, the best epoch (by validation AUC) kept
 * as a calibrated checkpoint, early stopping, and resumable state. Built with DJL's training API
 * ({@link Trainer}, {@link GradientCollector}, {@link Optimizer#adamW()}) on the PyTorch engine.
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
 * <p>Output folder ({@link Builder#output}): the best epoch's checkpoint ({@code config.json} with
 * {@code id2label} and the fitted calibration under {@code reranker_calibration}, {@code
 * model.safetensors}, {@code tokenizer.json}); and {@code last/}, the last epoch's checkpoint with
 * {@code trainer_state.json}, which {@link Builder#resume} continues from. Resume restores the
 * weights, the epoch, the global step (the learning-rate schedule continues; it is recomputed from
 * the current {@code epochs}), the best AUC and the patience counter; not Adam's moments, which
 * DJL's AdamW keeps private: they restart from zero with fresh bias correction. Resuming checks
 * that the training records are the same ones.
 *
 * <p>Precision: float32 by default. {@link Builder#mixedPrecision mixedPrecision(true)} trains the
 * BERT in mixed precision, Apex's "O2" scheme: forward and backward run on a float16 copy of the
 * model, with the loss (computed in float32) multiplied by a dynamic loss scale (2^16 at first,
 * halved and the step skipped when a gradient overflows, doubled after 2000 clean steps, as {@code
 * torch.cuda.amp.GradScaler}); the gradients are copied to float32, unscaled and clipped, AdamW
 * updates float32 master weights, and those are copied back to the float16 copy. Evaluation,
 * checkpoints and resume use the float32 master weights: the checkpoint is float32 either way. It
 * is meant for CUDA; on a CPU it is honoured (the tests run it there) but no faster than float32
 * even with AVX512-FP16, and slower without. Only FLOAT16: DJL 0.36's PyTorch JNI aborts the
 * process on the first BFLOAT16 array. Resume restarts the loss scale at 2^16.
 *
 * <p>Not thread-safe: libtorch lets one gradient collector record at a time in a process, so run
 * one {@code fit} at a time. {@code fit} closes every model, trainer and array it creates.
 */
public final class RerankerTrainer {
  private final TrainerConfig config;

  private RerankerTrainer(TrainerConfig config) {
    this.config = config;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the label names of the head this trainer trains, in logit order. */
  public List<String> labels() {
    return config.labels();
  }

  /**
   * Trains on {@code train}, evaluating on {@code validation} after every epoch, and writes the
   * best epoch's calibrated checkpoint to the output folder.
   *
   * @throws IllegalArgumentException if {@code train} has no record to learn from, or {@code
   *     validation} lacks an upvote or a downvote (AUC needs both)
   * @throws IllegalStateException if the output folder holds a checkpoint and resume is off, resume
   *     finds state for another model, head or training set, or training diverges (gradients that
   *     are not finite; in mixed precision, even at a loss scale of 1)
   * @throws dev.reranker.model.ModelLoadException if the initial model cannot be loaded
   */
  public TrainingResult fit(List<ReactionRecord> train, List<ReactionRecord> validation) {
    return fit(train, validation, List.of());
  }

  /**
   * As {@link #fit(List, List)}, keeping relevance while the model learns the reactions: every step
   * adds response-selection groups of {@code relevanceAnchors} (each anchor's true reply and {@link
   * Builder#negatives k} replies of other anchors' dialogs, about as many pairs as the reaction
   * batch) and their listwise softmax cross-entropy to the reaction loss, in the same forward pass.
   * A few thousand reactions teach a prior (generic replies over specific ones) that, alone, erases
   * the model's sense of which reply fits; the anchors hold it. Validation and the best epoch are
   * still by reaction AUC.
   *
   * @param relevanceAnchors selection examples (e.g. public dialogs); empty for plain {@link #fit}
   * @throws IllegalArgumentException also if the anchors' replies of other dialogs cannot make
   *     {@code k} negatives
   */
  public TrainingResult fit(
      List<ReactionRecord> train,
      List<ReactionRecord> validation,
      List<SelectionExample> relevanceAnchors) {
    requireNonNull(train, "train");
    requireNonNull(validation, "validation");
    requireNonNull(relevanceAnchors, "relevanceAnchors");
    try (TrainingRun run = new TrainingRun(config, train, validation, relevanceAnchors)) {
      return run.fit();
    }
  }

  /**
   * Trains response selection on {@code train}: every step scores {@code batchSize} groups, each
   * the example's true reply and {@link Builder#negatives k} negatives (its own negatives first,
   * then replies of other dialogs, then a {@link Builder#hardNegatives share} mined by the model
   * being trained, with guards against false negatives), under the {@link Builder#loss loss}. After
   * every epoch it ranks each validation example's true reply among its own negatives and replies
   * of other validation dialogs ({@link Builder#validationCandidates} in all) by the served score,
   * and keeps the epoch with the best MRR (hits@1 is reported too) as a calibrated checkpoint;
   * patience, resume and the output folder work as for {@link #fit}. The calibration is fitted on
   * the validation candidates, so the served probability reads "this reply is the one, among {@code
   * validationCandidates}".
   *
   * <pre>{@code
   * TrainingResult result = RerankerTrainer.builder()
   *     .negatives(7)                       // groups of 1 + 7 pairs
   *     .loss(SelectionLoss.LISTWISE)
   *     .hardNegatives(0.25)                // a quarter of the free slots mined
   *     .batchSize(8)                       // groups per step: 64 pairs
   *     .output(Path.of("dialog-reranker"))
   *     .build()
   *     .fitSelection(train, validation);
   * EpochSummary best = result.best();     // best.validation().hitsAt1(), .mrr()
   * }</pre>
   *
   * <p>Every context and text is tokenized once, before the first epoch; hard negatives are mined
   * every {@link Builder#miningInterval} steps for the next steps' groups only (forward passes
   * only, {@link Builder#hardNegativeCandidates} per example). Deterministic from the seed, up to
   * the hard negatives, which follow the weights.
   *
   * @throws IllegalArgumentException if {@code train} or {@code validation} is empty, or too few
   *     replies of other dialogs pass the guards to make {@code k} negatives (or {@code
   *     validationCandidates - 1})
   * @throws IllegalStateException as {@link #fit}, and if the trainer has a {@link
   *     Builder#multiLabel multi-label} head, which selection cannot train
   * @throws dev.reranker.model.ModelLoadException if the initial model cannot be loaded
   */
  public TrainingResult fitSelection(
      List<SelectionExample> train, List<SelectionExample> validation) {
    requireNonNull(train, "train");
    requireNonNull(validation, "validation");
    checkState(
        !config.multiLabel(),
        "multiLabel(true) trains reaction labels, which selection examples do not have");
    try (TrainingRun run = new TrainingRun(config, SelectionTraining.factory(train, validation))) {
      return run.fit();
    }
  }

  /** Lists the settings that differ from the defaults. */
  @Override
  public String toString() {
    return "RerankerTrainer" + config.describe();
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
    public static final int DEFAULT_NEGATIVES = 7;
    public static final double DEFAULT_HARD_NEGATIVES = 0.25;
    public static final int DEFAULT_HARD_NEGATIVE_CANDIDATES = 8;
    public static final double DEFAULT_HARD_NEGATIVE_MARGIN = 1.0;
    public static final int DEFAULT_MINING_INTERVAL = 50;
    public static final int DEFAULT_VALIDATION_CANDIDATES = 10;
    public static final double DEFAULT_ANCHOR_WEIGHT = 1.0;

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
    private int negatives = DEFAULT_NEGATIVES;
    private SelectionLoss loss = SelectionLoss.LISTWISE;
    private double hardNegatives = DEFAULT_HARD_NEGATIVES;
    private int hardNegativeCandidates = DEFAULT_HARD_NEGATIVE_CANDIDATES;
    private double hardNegativeMargin = DEFAULT_HARD_NEGATIVE_MARGIN;
    private int miningInterval = DEFAULT_MINING_INTERVAL;
    private int validationCandidates = DEFAULT_VALIDATION_CANDIDATES;
    private double anchorWeight = DEFAULT_ANCHOR_WEIGHT;

    private Builder() {}

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

    /**
     * Sets the training batch size (default 32): records for {@link RerankerTrainer#fit}, groups of
     * {@code 1 + negatives} pairs for {@link RerankerTrainer#fitSelection}.
     */
    @CanIgnoreReturnValue
    public Builder batchSize(int batchSize) {
      checkArgument(batchSize > 0, "batchSize must be positive, but was %s", batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** Sets the peak learning rate (default 5e-5 for BERT, 1e-3 for the baseline). */
    @CanIgnoreReturnValue
    public Builder learningRate(float learningRate) {
      checkArgument(
          learningRate > 0 && Float.isFinite(learningRate),
          "learningRate must be positive, but was %s",
          learningRate);
      this.learningRate = learningRate;
      return this;
    }

    /** Sets the share of all steps spent warming up linearly (default 0.1). */
    @CanIgnoreReturnValue
    public Builder warmupFraction(double warmupFraction) {
      checkArgument(
          warmupFraction >= 0 && warmupFraction < 1,
          "warmupFraction must be in [0, 1), but was %s",
          warmupFraction);
      this.warmupFraction = warmupFraction;
      return this;
    }

    /** Sets AdamW's decoupled weight decay (default 0.01), applied to every parameter. */
    @CanIgnoreReturnValue
    public Builder weightDecay(float weightDecay) {
      checkArgument(
          weightDecay >= 0 && Float.isFinite(weightDecay),
          "weightDecay must be non-negative, but was %s",
          weightDecay);
      this.weightDecay = weightDecay;
      return this;
    }

    /** Sets the global gradient norm to clip to (default 1.0; 0 turns clipping off). */
    @CanIgnoreReturnValue
    public Builder maxGradNorm(double maxGradNorm) {
      checkArgument(
          maxGradNorm >= 0 && Double.isFinite(maxGradNorm),
          "maxGradNorm must be non-negative, but was %s",
          maxGradNorm);
      this.maxGradNorm = maxGradNorm;
      return this;
    }

    /** Sets the pair length in tokens (default 80, as {@code Reranker}'s); serve with the same. */
    @CanIgnoreReturnValue
    public Builder maxSeqLen(int maxSeqLen) {
      checkArgument(
          maxSeqLen >= 8 && maxSeqLen <= 4096,
          "maxSeqLen must be in [8, 4096], but was %s",
          maxSeqLen);
      this.maxSeqLen = maxSeqLen;
      return this;
    }

    /** Sets the reply's token budget (default 20, as {@code Reranker}'s). */
    @CanIgnoreReturnValue
    public Builder maxReplyTokens(int maxReplyTokens) {
      checkArgument(
          maxReplyTokens > 0, "maxReplyTokens must be positive, but was %s", maxReplyTokens);
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
      checkArgument(evalBatchSize > 0, "evalBatchSize must be positive, but was %s", evalBatchSize);
      this.evalBatchSize = evalBatchSize;
      return this;
    }

    /**
     * Trains the BERT in mixed precision (default false): forward and backward on a float16 copy
     * with a dynamic loss scale, AdamW on float32 master weights, which evaluation and the
     * checkpoint use (see the class documentation). Meant for CUDA; honoured on a CPU too, where it
     * is no faster than float32. Not for the QA-LSTM {@link #baseline}.
     */
    @CanIgnoreReturnValue
    public Builder mixedPrecision(boolean mixedPrecision) {
      this.mixedPrecision = mixedPrecision;
      return this;
    }

    /**
     * Sets the half type for {@link #mixedPrecision}: FLOAT16, the default and, with DJL 0.36, the
     * only one that works.
     *
     * @throws IllegalArgumentException for BFLOAT16 (DJL 0.36's PyTorch JNI has no bfloat16 mapping
     *     and aborts the process on the first such array) and for any other type
     */
    @CanIgnoreReturnValue
    public Builder mixedPrecisionType(DataType type) {
      this.mixedPrecisionType = DjlRuntime.checkHalfPrecision(type);
      return this;
    }

    /**
     * Sets the negatives per selection example, {@code k} (default 7): each group is the true reply
     * and {@code k} negatives.
     */
    @CanIgnoreReturnValue
    public Builder negatives(int negatives) {
      checkArgument(
          negatives >= 1 && negatives <= 255,
          "negatives must be in [1, 255], but was %s",
          negatives);
      this.negatives = negatives;
      return this;
    }

    /** Sets the selection loss (default {@link SelectionLoss#LISTWISE}). */
    @CanIgnoreReturnValue
    public Builder loss(SelectionLoss loss) {
      this.loss = requireNonNull(loss, "loss");
      return this;
    }

    /**
     * Sets the share of the negative slots an example's own negatives leave free that are mined
     * hard negatives (default 0.25; 0 draws them all at random).
     */
    @CanIgnoreReturnValue
    public Builder hardNegatives(double share) {
      checkArgument(share >= 0 && share <= 1, "hardNegatives must be in [0, 1], but was %s", share);
      this.hardNegatives = share;
      return this;
    }

    /**
     * Sets how many replies of other dialogs the model scores per example to mine its hard
     * negatives (default 8): the mining cost, in forward passes per example.
     */
    @CanIgnoreReturnValue
    public Builder hardNegativeCandidates(int candidates) {
      checkArgument(
          candidates > 0, "hardNegativeCandidates must be positive, but was %s", candidates);
      this.hardNegativeCandidates = candidates;
      return this;
    }

    /**
     * Sets the false-negative guard of mining (default 1.0): a candidate scored more than this
     * above the true reply (in selection-score units, logits) is taken for an unlabelled good reply
     * and skipped, as sentence-transformers' margin guard.
     */
    @CanIgnoreReturnValue
    public Builder hardNegativeMargin(double margin) {
      checkArgument(
          margin >= 0 && Double.isFinite(margin),
          "hardNegativeMargin must be non-negative, but was %s",
          margin);
      this.hardNegativeMargin = margin;
      return this;
    }

    /** Sets how many steps apart hard negatives are mined (default 50), for the next steps. */
    @CanIgnoreReturnValue
    public Builder miningInterval(int steps) {
      checkArgument(steps > 0, "miningInterval must be positive, but was %s", steps);
      this.miningInterval = steps;
      return this;
    }

    /**
     * Sets the candidates of each validation example (default 10): its true reply, its own
     * negatives, and replies of other validation dialogs; hits@1 is then out of this many.
     */
    @CanIgnoreReturnValue
    public Builder validationCandidates(int candidates) {
      checkArgument(
          candidates >= 2, "validationCandidates must be at least 2, but was %s", candidates);
      this.validationCandidates = candidates;
      return this;
    }

    /**
     * Sets the weight of the relevance anchors' listwise loss against the reactions' loss (default
     * 1.0) in {@link RerankerTrainer#fit(List, List, List)}: lower lets the reactions teach more,
     * at some cost to response selection. Ignored without anchors.
     */
    @CanIgnoreReturnValue
    public Builder anchorWeight(double weight) {
      checkArgument(
          weight > 0 && Double.isFinite(weight),
          "anchorWeight must be positive and finite, but was %s",
          weight);
      this.anchorWeight = weight;
      return this;
    }

    /**
     * Builds the trainer.
     *
     * @throws IllegalStateException if no output folder was set, both a model and a baseline were,
     *     {@code maxReplyTokens} leaves no room for the context, or mixed precision was asked for
     *     the baseline
     */
    public RerankerTrainer build() {
      checkState(output != null, "call output(...) before build()");
      checkState(model == null || baseline == null, "set model(...) or baseline(...), not both");
      checkState(
          tokenizerJson == null || baseline != null,
          "tokenizerJson(...) is for the baseline; a BERT brings its own tokenizer");
      dev.reranker.internal.tokenization.PairEncoder.replyBudgetError(maxSeqLen, maxReplyTokens)
          .ifPresent(
              message -> {
                throw new IllegalStateException(message);
              });
      checkState(
          !mixedPrecision || baseline == null,
          "mixedPrecision(true) applies to the native BERT; the QA-LSTM baseline trains in "
              + "float32");
      return new RerankerTrainer(snapshot());
    }

    /** The one place that copies the settings: every field, into the immutable config. */
    private TrainerConfig snapshot() {
      return new TrainerConfig(
          model,
          baseline,
          tokenizerJson,
          head,
          multiLabel,
          epochs,
          batchSize,
          learningRate,
          warmupFraction,
          weightDecay,
          maxGradNorm,
          maxSeqLen,
          maxReplyTokens,
          seed,
          patience,
          calibration,
          device,
          output,
          resume,
          progress,
          progressBar,
          evalBatchSize,
          mixedPrecision,
          mixedPrecisionType,
          negatives,
          loss,
          hardNegatives,
          hardNegativeCandidates,
          hardNegativeMargin,
          miningInterval,
          validationCandidates,
          anchorWeight);
    }

    /** Lists the settings that differ from the defaults. */
    @Override
    public String toString() {
      return "RerankerTrainer.Builder" + snapshot().describe();
    }
  }
}
