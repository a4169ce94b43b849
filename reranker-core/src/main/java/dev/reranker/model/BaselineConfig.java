package dev.reranker.model;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The sizes of the talk's baseline: a QA-LSTM dual encoder. Shared word embeddings feed two
 * one-layer BiLSTMs, one for the context and one for the reply; each side is max-pooled over its
 * tokens into {@code c} and {@code r} ({@code 2 * hiddenSize} wide), and an MLP reads {@code [c, r,
 * c * r, |c - r|]}: one ReLU layer of {@code mlpHiddenSize}, then one logit per label.
 *
 * @param vocabSize token ids; must cover the tokenizer's vocabulary
 * @param embeddingDim width of a word embedding
 * @param hiddenSize LSTM state width per direction
 * @param mlpHiddenSize width of the MLP's hidden layer
 * @param dropout dropout on the embeddings and the MLP's inputs while training, in [0, 1)
 */
public record BaselineConfig(
    int vocabSize, int embeddingDim, int hiddenSize, int mlpHiddenSize, float dropout) {

  /**
   * Validates the sizes.
   *
   * @throws IllegalArgumentException naming the first size that is not positive, or a dropout
   *     outside [0, 1)
   */
  public BaselineConfig {
    checkArgument(vocabSize > 0, "vocabSize must be positive, but was %s", vocabSize);
    checkArgument(embeddingDim > 0, "embeddingDim must be positive, but was %s", embeddingDim);
    checkArgument(hiddenSize > 0, "hiddenSize must be positive, but was %s", hiddenSize);
    checkArgument(mlpHiddenSize > 0, "mlpHiddenSize must be positive, but was %s", mlpHiddenSize);
    checkArgument(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), but was %s", dropout);
  }

  /**
   * The talk's size for the BERT uncased vocabulary (30522 ids, the bundled tokenizer's): 200-wide
   * embeddings, 128 LSTM units per direction, a 256-wide MLP, dropout 0.2; about 7.0M parameters,
   * 6.1M of them embeddings.
   */
  public static BaselineConfig talk() {
    return new BaselineConfig(30522, 200, 128, 256, 0.2f);
  }

  /** Returns this config with another vocabulary size. */
  public BaselineConfig withVocabSize(int vocabSize) {
    return new BaselineConfig(vocabSize, embeddingDim, hiddenSize, mlpHiddenSize, dropout);
  }

  /** Returns the number of trainable parameters with a head of {@code labels} logits. */
  public long parameterCount(int labels) {
    long h = hiddenSize;
    long lstmDirection = 4 * h * (embeddingDim + h) + 8 * h; // W_ih, W_hh, b_ih, b_hh
    long mlp = 8 * h * mlpHiddenSize + mlpHiddenSize;
    long head = (long) labels * mlpHiddenSize + labels;
    return (long) vocabSize * embeddingDim + 4 * lstmDirection + mlp + head;
  }
}
