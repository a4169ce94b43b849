package dev.reranker.internal.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.reranker.model.BertConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * BERT written with DJL's NDArray API, numerically equal to HuggingFace {@code BertModel} (and,
 * with labels, {@code BertForSequenceClassification}).
 *
 * <p>Input: {@code (input_ids, token_type_ids, attention_mask)}, each int64 {@code [batch, seq]}.
 * Output: {@code (last_hidden_state [batch, seq, hidden])}, then {@code pooled [batch, hidden]} if
 * the block has a pooler, then {@code logits [batch, labels]} if it has a classifier.
 *
 * <p>Every parameter is registered directly on this block under its HuggingFace name without the
 * {@code bert.} prefix ({@code encoder.layer.0.attention.self.query.weight}, {@code
 * classifier.weight}), so checkpoint import and export are a name lookup. Linear weights keep
 * HuggingFace's {@code [out, in]} layout, which is what {@code torch.nn.functional.linear} takes.
 *
 * <p>Hidden states flow as 2-D {@code [batch * seq, hidden]} views so that every Linear is one
 * {@code addmm}; only attention reshapes to 4-D.
 */
public final class BertBlock extends NamedParameterBlock {
  private static final float INITIALIZER_RANGE = 0.02f;
  private static final float DROPOUT = 0.1f;

  private final BertConfig config;
  private final boolean pooler;

  private final Parameter wordEmbeddings;
  private final Parameter positionEmbeddings;
  private final Parameter tokenTypeEmbeddings;
  private final Parameter embeddingsNormWeight;
  private final Parameter embeddingsNormBias;
  private final List<Layer> layers;
  private final @Nullable Parameter poolerWeight;
  private final @Nullable Parameter poolerBias;
  private final @Nullable Parameter classifierWeight;
  private final @Nullable Parameter classifierBias;

  /** The parameters of one transformer layer. */
  private record Layer(
      Parameter query,
      Parameter queryBias,
      Parameter key,
      Parameter keyBias,
      Parameter value,
      Parameter valueBias,
      Parameter attentionOut,
      Parameter attentionOutBias,
      Parameter attentionNormWeight,
      Parameter attentionNormBias,
      Parameter intermediate,
      Parameter intermediateBias,
      Parameter output,
      Parameter outputBias,
      Parameter outputNormWeight,
      Parameter outputNormBias) {}

  /**
   * Creates an uninitialised block. Fill it with {@link #setWeight} and/or {@link
   * #initialize(NDManager, DataType, Shape...)} (which initialises randomly what is not set).
   *
   * @param config the sizes; a config with labels gets a classifier head
   * @param pooler whether the block has BERT's pooler; a classifier requires one
   */
  public BertBlock(BertConfig config, boolean pooler) {
    if (config.hasClassifier() && !pooler) {
      throw new IllegalArgumentException("a classifier head needs the pooler");
    }
    this.config = config;
    this.pooler = pooler;
    int h = config.hiddenSize();
    wordEmbeddings = weight("embeddings.word_embeddings.weight", config.vocabSize(), h);
    positionEmbeddings = weight("embeddings.position_embeddings.weight", config.maxPositions(), h);
    tokenTypeEmbeddings =
        weight("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h);
    embeddingsNormWeight = ones("embeddings.LayerNorm.weight", h);
    embeddingsNormBias = zeros("embeddings.LayerNorm.bias", h);
    List<Layer> list = new ArrayList<>();
    for (int i = 0; i < config.numLayers(); i++) {
      String p = "encoder.layer." + i + ".";
      int inter = config.intermediateSize();
      list.add(
          new Layer(
              weight(p + "attention.self.query.weight", h, h),
              zeros(p + "attention.self.query.bias", h),
              weight(p + "attention.self.key.weight", h, h),
              zeros(p + "attention.self.key.bias", h),
              weight(p + "attention.self.value.weight", h, h),
              zeros(p + "attention.self.value.bias", h),
              weight(p + "attention.output.dense.weight", h, h),
              zeros(p + "attention.output.dense.bias", h),
              ones(p + "attention.output.LayerNorm.weight", h),
              zeros(p + "attention.output.LayerNorm.bias", h),
              weight(p + "intermediate.dense.weight", inter, h),
              zeros(p + "intermediate.dense.bias", inter),
              weight(p + "output.dense.weight", h, inter),
              zeros(p + "output.dense.bias", h),
              ones(p + "output.LayerNorm.weight", h),
              zeros(p + "output.LayerNorm.bias", h)));
    }
    layers = Collections.unmodifiableList(list);
    poolerWeight = pooler ? weight("pooler.dense.weight", h, h) : null;
    poolerBias = pooler ? zeros("pooler.dense.bias", h) : null;
    int labels = config.labels().size();
    classifierWeight = config.hasClassifier() ? weight("classifier.weight", labels, h) : null;
    classifierBias = config.hasClassifier() ? zeros("classifier.bias", labels) : null;
  }

  private Parameter weight(String name, long... shape) {
    return param(name, Parameter.Type.WEIGHT, new NormalInitializer(INITIALIZER_RANGE), shape);
  }

  private Parameter ones(String name, long... shape) {
    return param(name, Parameter.Type.GAMMA, Initializer.ONES, shape);
  }

  private Parameter zeros(String name, long... shape) {
    return param(name, Parameter.Type.BIAS, Initializer.ZEROS, shape);
  }

  /** Returns the sizes of this block. */
  public BertConfig config() {
    return config;
  }

  /** Returns whether this block has BERT's pooler. */
  public boolean hasPooler() {
    return pooler;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    long seq = inputShapes[0].get(1);
    List<Shape> out = new ArrayList<>();
    out.add(new Shape(batch, seq, config.hiddenSize()));
    if (pooler) {
      out.add(new Shape(batch, config.hiddenSize()));
    }
    if (config.hasClassifier()) {
      out.add(new Shape(batch, config.labels().size()));
    }
    return out.toArray(new Shape[0]);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray inputIds = inputs.get(0);
    NDArray typeIds = inputs.get(1);
    NDArray mask = inputs.get(2);
    long batch = inputIds.getShape().get(0);
    long seq = inputIds.getShape().get(1);
    if (seq > config.maxPositions()) {
      throw new IllegalArgumentException(
          "sequence length "
              + seq
              + " exceeds the model's "
              + config.maxPositions()
              + " positions");
    }
    int h = config.hiddenSize();
    NDManager manager = inputIds.getManager();
    NDArrayEx ex = inputIds.getNDArrayInternal();

    // Embeddings: word + position + token type, then LayerNorm; kept 2-D from here on.
    NDArray positions = manager.arange(0, (int) seq, 1, DataType.INT64);
    NDArray x =
        ex.embedding(inputIds, value(ps, wordEmbeddings, inputIds, training), SparseFormat.DENSE)
            .singletonOrThrow();
    x =
        x.add(
            ex.embedding(
                    positions,
                    value(ps, positionEmbeddings, inputIds, training),
                    SparseFormat.DENSE)
                .singletonOrThrow());
    x =
        x.add(
            ex.embedding(
                    typeIds, value(ps, tokenTypeEmbeddings, inputIds, training), SparseFormat.DENSE)
                .singletonOrThrow());
    x = layerNorm(ps, x, embeddingsNormWeight, embeddingsNormBias, training);
    x = dropout(x, training).reshape(batch * seq, h);

    // Additive mask, [batch, 1, 1, seq]: 0 where attended, the dtype's lowest value at padding
    // (HuggingFace's get_extended_attention_mask).
    DataType dtype = x.getDataType();
    float lowest = dtype == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    NDArray additiveMask = mask.toType(dtype, false).sub(1).mul(-lowest).reshape(batch, 1, 1, seq);

    for (Layer layer : layers) {
      x = layer(ps, layer, x, additiveMask, batch, seq, training);
    }

    NDList out = new NDList(x.reshape(batch, seq, h));
    if (poolerWeight != null && poolerBias != null) { // both set when the block has a pooler
      NDArray first = x.reshape(batch, seq, h).get(new NDIndex(":, 0, :"));
      NDArray pooled = linear(ps, first, poolerWeight, poolerBias, training).tanh();
      out.add(pooled);
      if (classifierWeight != null && classifierBias != null) { // set for a cross-encoder
        out.add(linear(ps, dropout(pooled, training), classifierWeight, classifierBias, training));
      }
    }
    return out;
  }

  private NDArray layer(
      ParameterStore ps,
      Layer p,
      NDArray x,
      NDArray additiveMask,
      long batch,
      long seq,
      boolean training) {
    int heads = config.numHeads();
    int headSize = config.headSize();
    // [batch*seq, hidden] -> [batch, heads, seq, headSize]; 1/sqrt(d) folded into the query.
    NDArray q =
        linear(ps, x, p.query, p.queryBias, training)
            .mul(1.0 / Math.sqrt(headSize))
            .reshape(batch, seq, heads, headSize)
            .transpose(0, 2, 1, 3);
    NDArray kT =
        linear(ps, x, p.key, p.keyBias, training)
            .reshape(batch, seq, heads, headSize)
            .transpose(0, 2, 3, 1);
    NDArray v =
        linear(ps, x, p.value, p.valueBias, training)
            .reshape(batch, seq, heads, headSize)
            .transpose(0, 2, 1, 3);
    NDArray probs = dropout(q.matMul(kT).add(additiveMask).softmax(-1), training);
    NDArray context =
        probs.matMul(v).transpose(0, 2, 1, 3).reshape(batch * seq, (long) heads * headSize);
    NDArray attended =
        dropout(linear(ps, context, p.attentionOut, p.attentionOutBias, training), training);
    x = layerNorm(ps, attended.add(x), p.attentionNormWeight, p.attentionNormBias, training);

    NDArray inner = linear(ps, x, p.intermediate, p.intermediateBias, training);
    inner = inner.getNDArrayInternal().gelu(); // exact (erf) GELU, as HuggingFace's "gelu"
    NDArray out = dropout(linear(ps, inner, p.output, p.outputBias, training), training);
    return layerNorm(ps, out.add(x), p.outputNormWeight, p.outputNormBias, training);
  }

  private static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return ps.getValue(p, like.getDevice(), training);
  }

  private static NDArray linear(
      ParameterStore ps, NDArray x, Parameter w, Parameter b, boolean training) {
    return x.getNDArrayInternal()
        .linear(x, value(ps, w, x, training), value(ps, b, x, training))
        .singletonOrThrow();
  }

  private NDArray layerNorm(
      ParameterStore ps, NDArray x, Parameter w, Parameter b, boolean training) {
    return x.getNDArrayInternal()
        .layerNorm(
            x,
            new Shape(config.hiddenSize()),
            value(ps, w, x, training),
            value(ps, b, x, training),
            config.layerNormEps())
        .singletonOrThrow();
  }

  private static NDArray dropout(NDArray x, boolean training) {
    return training ? x.getNDArrayInternal().dropout(x, DROPOUT, true).singletonOrThrow() : x;
  }
}
