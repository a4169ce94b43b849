package dev.reranker.training;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.reranker.internal.lstm.QaLstmModel;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.RerankerModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one {@link RerankerTrainer}: an immutable snapshot of its builder, taken in one
 * place ({@code RerankerTrainer.Builder.snapshot()}, which passes every field to this canonical
 * constructor), so that the builder stays reusable and no setting can be left behind by a copy.
 * Checked by the builder's setters and {@code build()}, not here.
 */
record TrainerConfig(
    @Nullable RerankerModel model,
    @Nullable BaselineConfig baseline,
    @Nullable String tokenizerJson,
    HeadType head,
    boolean multiLabel,
    int epochs,
    int batchSize,
    @Nullable Float learningRate,
    double warmupFraction,
    float weightDecay,
    double maxGradNorm,
    int maxSeqLen,
    int maxReplyTokens,
    long seed,
    int patience,
    CalibrationMethod calibration,
    @Nullable Device device,
    @Nullable Path output,
    boolean resume,
    @Nullable PrintStream progress,
    @Nullable Boolean progressBar,
    int evalBatchSize,
    boolean mixedPrecision,
    DataType mixedPrecisionType,
    int negatives,
    SelectionLoss loss,
    double hardNegatives,
    int hardNegativeCandidates,
    double hardNegativeMargin,
    int miningInterval,
    int validationCandidates,
    double anchorWeight) {

  /** Returns the label names of the head trained, in logit order. */
  List<String> labels() {
    List<String> labels = new ArrayList<>(head.labels());
    if (multiLabel) {
      labels.addAll(HeadType.REACTION_LABELS);
    }
    return List.copyOf(labels);
  }

  /** Returns what is trained, as the training state records it: the baseline or {@code bert}. */
  String modelType() {
    return baseline != null ? QaLstmModel.MODEL_TYPE : "bert";
  }

  /** Returns the peak learning rate: the one set, else the default for the model trained. */
  float peakLearningRate() {
    if (learningRate != null) {
      return learningRate;
    }
    return baseline != null
        ? RerankerTrainer.Builder.DEFAULT_BASELINE_LEARNING_RATE
        : RerankerTrainer.Builder.DEFAULT_BERT_LEARNING_RATE;
  }

  /** Lists the settings that differ from the defaults: {@code {epochs=5, output=out}}. */
  String describe() {
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
    if (epochs != RerankerTrainer.Builder.DEFAULT_EPOCHS) {
      parts.add("epochs=" + epochs);
    }
    if (batchSize != RerankerTrainer.Builder.DEFAULT_BATCH_SIZE) {
      parts.add("batchSize=" + batchSize);
    }
    if (learningRate != null) {
      parts.add("learningRate=" + learningRate);
    }
    if (warmupFraction != RerankerTrainer.Builder.DEFAULT_WARMUP_FRACTION) {
      parts.add("warmupFraction=" + warmupFraction);
    }
    if (weightDecay != RerankerTrainer.Builder.DEFAULT_WEIGHT_DECAY) {
      parts.add("weightDecay=" + weightDecay);
    }
    if (maxGradNorm != RerankerTrainer.Builder.DEFAULT_MAX_GRAD_NORM) {
      parts.add("maxGradNorm=" + maxGradNorm);
    }
    if (maxSeqLen != RerankerTrainer.Builder.DEFAULT_MAX_SEQ_LEN) {
      parts.add("maxSeqLen=" + maxSeqLen);
    }
    if (maxReplyTokens != RerankerTrainer.Builder.DEFAULT_MAX_REPLY_TOKENS) {
      parts.add("maxReplyTokens=" + maxReplyTokens);
    }
    if (seed != RerankerTrainer.Builder.DEFAULT_SEED) {
      parts.add("seed=" + seed);
    }
    if (patience != RerankerTrainer.Builder.DEFAULT_PATIENCE) {
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
    if (negatives != RerankerTrainer.Builder.DEFAULT_NEGATIVES) {
      parts.add("negatives=" + negatives);
    }
    if (loss != SelectionLoss.LISTWISE) {
      parts.add("loss=" + loss);
    }
    if (hardNegatives != RerankerTrainer.Builder.DEFAULT_HARD_NEGATIVES) {
      parts.add("hardNegatives=" + hardNegatives);
    }
    if (hardNegativeCandidates != RerankerTrainer.Builder.DEFAULT_HARD_NEGATIVE_CANDIDATES) {
      parts.add("hardNegativeCandidates=" + hardNegativeCandidates);
    }
    if (hardNegativeMargin != RerankerTrainer.Builder.DEFAULT_HARD_NEGATIVE_MARGIN) {
      parts.add("hardNegativeMargin=" + hardNegativeMargin);
    }
    if (miningInterval != RerankerTrainer.Builder.DEFAULT_MINING_INTERVAL) {
      parts.add("miningInterval=" + miningInterval);
    }
    if (validationCandidates != RerankerTrainer.Builder.DEFAULT_VALIDATION_CANDIDATES) {
      parts.add("validationCandidates=" + validationCandidates);
    }
    if (anchorWeight != RerankerTrainer.Builder.DEFAULT_ANCHOR_WEIGHT) {
      parts.add("anchorWeight=" + anchorWeight);
    }
    return "{" + String.join(", ", parts) + "}";
  }
}
