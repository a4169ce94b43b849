package dev.reranker.model;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * The sizes of a BERT encoder, as in a HuggingFace {@code config.json} with {@code model_type}
 * "bert".
 *
 * @param vocabSize number of token ids
 * @param hiddenSize width of every hidden state
 * @param numLayers number of transformer layers
 * @param numHeads attention heads per layer; must divide {@code hiddenSize}
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositions number of position embeddings: the longest sequence the model takes
 * @param typeVocabSize number of token type (segment) ids
 * @param layerNormEps epsilon of every LayerNorm
 * @param labels the classifier's label names ({@code id2label} in order); empty for an encoder
 *     without a classification head
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    float layerNormEps,
    List<String> labels) {

  /**
   * Validates the sizes.
   *
   * @throws IllegalArgumentException naming the first size that is not positive, or heads that do
   *     not divide the hidden size
   */
  public BertConfig {
    checkArgument(vocabSize > 0, "vocabSize must be positive, but was %s", vocabSize);
    checkArgument(hiddenSize > 0, "hiddenSize must be positive, but was %s", hiddenSize);
    checkArgument(numLayers > 0, "numLayers must be positive, but was %s", numLayers);
    checkArgument(numHeads > 0, "numHeads must be positive, but was %s", numHeads);
    checkArgument(
        hiddenSize % numHeads == 0,
        "numHeads (%s) must divide hiddenSize (%s)",
        numHeads,
        hiddenSize);
    checkArgument(
        intermediateSize > 0, "intermediateSize must be positive, but was %s", intermediateSize);
    checkArgument(maxPositions > 0, "maxPositions must be positive, but was %s", maxPositions);
    checkArgument(typeVocabSize > 0, "typeVocabSize must be positive, but was %s", typeVocabSize);
    checkArgument(
        layerNormEps > 0 && Float.isFinite(layerNormEps),
        "layerNormEps must be positive, but was %s",
        layerNormEps);
    labels = List.copyOf(labels);
  }

  /** The size of all-MiniLM-L6-v2, the bundled model: 6 layers, hidden 384, 12 heads. */
  public static BertConfig miniLmL6() {
    return new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, List.of());
  }

  /** The size of BERT-base: 12 layers, hidden 768, 12 heads (about 110M parameters). */
  public static BertConfig bertBase() {
    return new BertConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12f, List.of());
  }

  /** Returns this config with a classification head that emits one logit per label. */
  public BertConfig withLabels(List<String> labels) {
    return new BertConfig(
        vocabSize,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        maxPositions,
        typeVocabSize,
        layerNormEps,
        labels);
  }

  /** Returns this config with {@code numLayers} encoder layers (the others unchanged). */
  public BertConfig withLayers(int numLayers) {
    return new BertConfig(
        vocabSize,
        hiddenSize,
        numLayers,
        numHeads,
        intermediateSize,
        maxPositions,
        typeVocabSize,
        layerNormEps,
        labels);
  }

  /** Returns whether this config has a classification head (a cross-encoder). */
  public boolean hasClassifier() {
    return !labels.isEmpty();
  }

  /** Returns the width of one attention head. */
  public int headSize() {
    return hiddenSize / numHeads;
  }
}
