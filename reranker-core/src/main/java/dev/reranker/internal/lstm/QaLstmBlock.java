package dev.reranker.internal.lstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.reranker.internal.bert.NamedParameterBlock;
import dev.reranker.model.BaselineConfig;
import java.util.List;

/**
 * The QA-LSTM dual encoder as one DJL block whose parameters carry PyTorch names ({@code
 * embeddings.weight}, {@code context_encoder.weight_ih_l0}, {@code
 * context_encoder.weight_ih_l0_reverse}, {@code mlp.weight}, {@code classifier.weight}), so that
 * the saved safetensors load into {@code nn.Embedding}, {@code nn.LSTM(bidirectional=True)} and
 * {@code nn.Linear} modules as they are.
 *
 * <p>Input: {@code (contextIds, contextMask, contextIdsReversed, replyIds, replyMask,
 * replyIdsReversed)}, int64 {@code [batch, length]}, right-padded; the reversed ids hold each row's
 * real tokens in reverse order, padded on the right as well. The backward LSTM runs forward over
 * the reversed rows: libtorch's bidirectional LSTM would read the padding first on padded rows, and
 * DJL exposes no packed sequences. Max pooling ignores token order, so the backward outputs need no
 * un-reversing. Output: {@code (logits [batch, labels], c [batch, 2h], r [batch, 2h])}.
 */
public final class QaLstmBlock extends NamedParameterBlock {
  private static final float MASKED = -1e4f;

  private final BaselineConfig config;
  private final List<String> labels;
  private final Parameter embeddings;
  private final Lstm context;
  private final Lstm reply;
  private final Parameter mlpWeight;
  private final Parameter mlpBias;
  private final Parameter classifierWeight;
  private final Parameter classifierBias;

  /** One direction of one LSTM: PyTorch's flat weight order for {@code torch::lstm}. */
  private record Direction(
      Parameter weightIh, Parameter weightHh, Parameter biasIh, Parameter biasHh) {}

  private record Lstm(Direction forward, Direction backward) {}

  /** Creates an uninitialised block; set every weight with {@link #setWeight}. */
  public QaLstmBlock(BaselineConfig config, List<String> labels) {
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("the baseline needs at least one label");
    }
    this.config = config;
    this.labels = List.copyOf(labels);
    int h = config.hiddenSize();
    embeddings = param("embeddings.weight", config.vocabSize(), config.embeddingDim());
    context = lstm("context_encoder", config.embeddingDim(), h);
    reply = lstm("reply_encoder", config.embeddingDim(), h);
    mlpWeight = param("mlp.weight", config.mlpHiddenSize(), 8L * h);
    mlpBias = param("mlp.bias", config.mlpHiddenSize());
    classifierWeight = param("classifier.weight", labels.size(), config.mlpHiddenSize());
    classifierBias = param("classifier.bias", labels.size());
  }

  private Lstm lstm(String name, int input, int h) {
    return new Lstm(direction(name, "", input, h), direction(name, "_reverse", input, h));
  }

  private Direction direction(String name, String suffix, int input, int h) {
    return new Direction(
        param(name + ".weight_ih_l0" + suffix, 4L * h, input),
        param(name + ".weight_hh_l0" + suffix, 4L * h, h),
        param(name + ".bias_ih_l0" + suffix, 4L * h),
        param(name + ".bias_hh_l0" + suffix, 4L * h));
  }

  private Parameter param(String name, long... shape) {
    Parameter.Type type = shape.length == 1 ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
    return param(name, type, Initializer.ZEROS, shape);
  }

  /** Returns the sizes. */
  public BaselineConfig config() {
    return config;
  }

  /** Returns the label names of the logits. */
  public List<String> labels() {
    return labels;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    long width = 2L * config.hiddenSize();
    return new Shape[] {
      new Shape(batch, labels.size()), new Shape(batch, width), new Shape(batch, width)
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray c = encode(ps, context, inputs.get(0), inputs.get(1), inputs.get(2), training);
    NDArray r = encode(ps, reply, inputs.get(3), inputs.get(4), inputs.get(5), training);
    NDArray features = NDArrays.concat(new NDList(c, r, c.mul(r), c.sub(r).abs()), 1);
    NDArray hidden =
        linear(ps, dropout(features, training), mlpWeight, mlpBias, training)
            .getNDArrayInternal()
            .relu();
    NDArray logits =
        linear(ps, dropout(hidden, training), classifierWeight, classifierBias, training);
    return new NDList(logits, c, r);
  }

  private NDArray encode(
      ParameterStore ps, Lstm lstm, NDArray ids, NDArray mask, NDArray reversed, boolean training) {
    NDArray table = ps.getValue(embeddings, ids.getDevice(), training);
    NDArrayEx ex = ids.getNDArrayInternal();
    NDArray forward =
        dropout(ex.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow(), training);
    NDArray backward =
        dropout(ex.embedding(reversed, table, SparseFormat.DENSE).singletonOrThrow(), training);
    // 0 on real tokens, -1e4 on padding: padding never wins the max.
    NDArray maskAdd = mask.toType(DataType.FLOAT32, false).sub(1).mul(-MASKED).expandDims(2);
    NDArray f = run(ps, lstm.forward, forward, training).add(maskAdd).max(new int[] {1});
    NDArray b = run(ps, lstm.backward, backward, training).add(maskAdd).max(new int[] {1});
    return NDArrays.concat(new NDList(f, b), 1);
  }

  private NDArray run(ParameterStore ps, Direction d, NDArray input, boolean training) {
    NDManager manager = input.getManager();
    Shape state = new Shape(1, input.getShape().get(0), config.hiddenSize());
    NDList weights =
        new NDList(
            ps.getValue(d.weightIh, input.getDevice(), training),
            ps.getValue(d.weightHh, input.getDevice(), training),
            ps.getValue(d.biasIh, input.getDevice(), training),
            ps.getValue(d.biasHh, input.getDevice(), training));
    if (!training) {
      // Inference runs in float64: libtorch's float32 LSTM without autograd goes to oneDNN's JIT
      // inference kernel (brgemm), whose result depends on the CPU: on an AVX2-only machine its
      // logits were 3e-3 off a float64 LSTM. A float64 LSTM never goes to oneDNN, and training's
      // float32 forward runs oneDNN's reference kernel (exact activations), so serving computes
      // what training fitted, on every CPU. The baseline's LSTMs are small: the cast is cheap.
      NDList wide = new NDList();
      for (NDArray w : weights) {
        wide.add(w.toType(DataType.FLOAT64, false));
      }
      NDArray in = input.toType(DataType.FLOAT64, false);
      NDList out =
          in.getNDArrayInternal()
              .lstm(
                  in,
                  new NDList(
                      manager.zeros(state, DataType.FLOAT64),
                      manager.zeros(state, DataType.FLOAT64)),
                  wide,
                  true,
                  1,
                  0.0,
                  false,
                  false,
                  true);
      return out.get(0).toType(input.getDataType(), false);
    }
    NDList out =
        input
            .getNDArrayInternal()
            .lstm(
                input,
                new NDList(
                    manager.zeros(state, input.getDataType()),
                    manager.zeros(state, input.getDataType())),
                weights,
                true,
                1,
                0.0,
                true,
                false,
                true);
    return out.get(0);
  }

  private static NDArray linear(
      ParameterStore ps, NDArray x, Parameter w, Parameter b, boolean training) {
    return x.getNDArrayInternal()
        .linear(x, ps.getValue(w, x.getDevice(), training), ps.getValue(b, x.getDevice(), training))
        .singletonOrThrow();
  }

  private NDArray dropout(NDArray x, boolean training) {
    return training && config.dropout() > 0
        ? x.getNDArrayInternal().dropout(x, config.dropout(), true).singletonOrThrow()
        : x;
  }
}
