package dev.reranker.internal.bert;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import dev.reranker.model.BertConfig;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference forward of a {@link BertBlock}: the same function as {@link BertBlock#forward},
 * rearranged for speed on the weights of one block.
 *
 * <ul>
 *   <li>{@link Lever#PRETRANSPOSED}: Linear weights stored {@code [in, out]} and contiguous, so
 *       {@code linear} runs one non-transposed GEMM with the bias fused ({@code addmm}); the
 *       attention scale 1/sqrt(d) is folded into the query weights.
 *   <li>{@link Lever#FUSED_QKV}: one {@code [hidden, 3 * hidden]} projection instead of three.
 *   <li>{@link Lever#PACKED}: padding removal. Only the real tokens go through the embeddings,
 *       every Linear, LayerNorm and GELU ({@code [tokens, hidden]}); they are scattered into a
 *       padded layout for attention only, and gathered back after it. Attention runs in one group
 *       padded to the longest row, or in two groups of similar lengths when that saves enough (see
 *       {@link #splitAt}). Used when every row's real tokens are a non-empty prefix of the row
 *       (what the pair encoder produces); other masks run unpacked.
 *   <li>{@link Lever#SCRIPTED} (needs {@link Lever#FUSED_QKV}): the embeddings and every layer run
 *       as one TorchScript method generated for the config ({@link ScriptedLayers}): one native
 *       call per forward instead of about 100, PyTorch's fused {@code
 *       scaled_dot_product_attention}, and on CPU in float32 oneDNN products on weights prepacked
 *       once, GELU fused into the intermediate one. If libtorch cannot compile the module, the
 *       forward warns and runs without this lever. Asked for int8 ({@code Quantization.INT8}), it
 *       first tries the variant whose Linear layers are dynamic int8 products ({@link
 *       ForwardPath#SCRIPTED_INT8}), checked against the reference with a bound that fits 8-bit
 *       activations.
 * </ul>
 *
 * <p>With no lever the forward is {@link BertBlock#forward} itself (the "before" row of the
 * benchmarks), which is also the reference: unless told not to, the constructor runs each faster
 * path it would use on two small probe batches and compares the hidden states with the reference's
 * ({@link #tolerance}). A path that disagrees (a kernel that computes wrong results on this CPU, as
 * oneDNN's AVX2 products did for some shapes) is dropped for the next one in {@link ForwardPath}'s
 * order, with one warning; {@link #verification()} says which path runs and why. Index arrays,
 * masks and pooling weights are built on the host from the batch's arrays, so the forward never
 * reads a device array back until its result.
 *
 * <p>The weights are copies: after the block's parameters change (training), build a new one.
 * Thread-safe: a forward only reads the weights.
 */
public final class BertInference implements AutoCloseable {
  /** One speed-up of the inference forward; {@link #ALL} is the default. See the class doc. */
  public enum Lever {
    PRETRANSPOSED,
    FUSED_QKV,
    PACKED,
    SCRIPTED;

    /** Every lever. */
    public static final Set<Lever> ALL = Set.copyOf(EnumSet.allOf(Lever.class));
  }

  /**
   * The ways to run the forward, fastest first; each one that fails its load-time check (or does
   * not compile) gives way to the next. The last, {@link #EAGER}, is the reference itself.
   */
  public enum ForwardPath {
    /**
     * One TorchScript call; dynamic int8 products ({@code quantized::linear_dynamic}, fbgemm) on
     * weights quantized per output channel at load (CPU, float32, only when asked for).
     */
    SCRIPTED_INT8("scripted, int8"),
    /** One TorchScript call; oneDNN products on prepacked weights (CPU, float32). */
    SCRIPTED_ONEDNN("scripted, oneDNN"),
    /** One TorchScript call; {@code torch.linear} products. */
    SCRIPTED_LINEAR("scripted, linear"),
    /** The requested levers without {@link Lever#SCRIPTED}, operator by operator. */
    OPERATORS("operator by operator"),
    /** {@link BertBlock#forward}, as training runs it: the reference. */
    EAGER("eager reference");

    private final String label;

    ForwardPath(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * The outcome of the load-time check.
   *
   * @param path the forward that runs
   * @param checked whether it was compared with the reference (false: checking was turned off, or
   *     the path is the reference)
   * @param maxDiff the largest |difference| of its hidden states from the reference's on the probe
   *     batches (0 when not checked)
   * @param rejected the faster paths dropped, each with why ("max |diff| 0.51" or "no compile")
   * @param nanos what the check's probe forwards cost (the reference's and each candidate's;
   *     compiling and prepacking excluded, first-call warm-up included)
   */
  public record Verification(
      ForwardPath path,
      boolean checked,
      double maxDiff,
      Map<ForwardPath, String> rejected,
      long nanos) {
    public Verification {
      rejected = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rejected));
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("forward=").append(path);
      if (checked) {
        s.append(
            String.format(
                java.util.Locale.ROOT,
                " (checked: max |diff| %.1e, %.0f ms)",
                maxDiff,
                nanos / 1e6));
      }
      if (!rejected.isEmpty()) {
        s.append(", rejected ").append(rejected);
      }
      return s.toString();
    }
  }

  /** What a forward returns: the last hidden states of the real tokens, and the head outputs. */
  enum Output {
    HIDDEN,
    POOLED_MEAN,
    LOGITS
  }

  private static final Logger LOG = LoggerFactory.getLogger(BertInference.class);

  /** The least share of attention work a split into two groups must save. */
  private static final double SPLIT_SAVING = 0.3;

  private final BertBlock block;
  private final BertConfig config;
  private final Set<Lever> levers;
  private final Set<Lever> requested;
  private final NDManager manager;
  private final DataType dataType;
  private final NDArray wordEmbeddings;
  private final NDArray positionEmbeddings;
  private final NDArray typeEmbeddings;
  private final NDArray embeddingsNormWeight;
  private final NDArray embeddingsNormBias;
  private final List<LayerWeights> layers;
  private final @Nullable NDArray poolerWeight;
  private final @Nullable NDArray poolerBias;
  private final @Nullable NDArray classifierWeight;
  private final @Nullable NDArray classifierBias;
  private final @Nullable ScriptedLayers scripted;
  private final ForwardPath path;
  private final Verification verification;
  private long probeNanos; // the check's forwards so far (construction only)

  /**
   * A Linear: {@code weight} in the layout {@code linear} takes ({@code [out, in]}), maybe a view
   * of {@code storage} (the array whose memory it reads; it may be the weight itself).
   */
  private record Linear(NDArray weight, NDArray bias, NDArray storage) {}

  private record LayerWeights(
      List<Linear> qkv, // one fused Linear, or query, key, value
      Linear attentionOut,
      NDArray attentionNormWeight,
      NDArray attentionNormBias,
      Linear intermediate,
      Linear output,
      NDArray outputNormWeight,
      NDArray outputNormBias) {}

  /**
   * Copies {@code block}'s current weights into the layouts {@code levers} need.
   *
   * @param parent the manager the copies live under (the model's); closed with this object
   */
  public BertInference(BertBlock block, Set<Lever> levers, NDManager parent) {
    this(block, levers, parent, true);
  }

  /**
   * As {@link #BertInference(BertBlock, Set, NDManager)}.
   *
   * @param verify whether to check each faster path against the reference at construction
   */
  public BertInference(BertBlock block, Set<Lever> levers, NDManager parent, boolean verify) {
    this(block, levers, parent, List.of(true, false), verify, Set.of(), Set.of());
  }

  /**
   * As {@link #BertInference(BertBlock, Set, NDManager, boolean)}, with the Linear layers of every
   * encoder layer run as dynamic int8 products when {@code int8} is set (CPU, float32, {@link
   * Lever#SCRIPTED}; else, or where libtorch cannot run them, the float32 forward, with one log
   * line saying why).
   */
  public BertInference(
      BertBlock block, Set<Lever> levers, NDManager parent, boolean verify, boolean int8) {
    this(
        block,
        levers,
        parent,
        List.of(true, false),
        verify,
        int8 ? INT8_LAYERS : Set.of(),
        Set.of());
  }

  /**
   * As {@link #BertInference(BertBlock, Set, NDManager, boolean)}, trying the scripted layers'
   * oneDNN and plain-{@code linear} variants in the given order ({@code true}: oneDNN, CPU float32
   * only), after the int8 variant with the {@code int8} Linear layers quantized if that is not
   * empty. Tests pass {@code sabotaged} paths: those compile with a wrong attention scale, so they
   * compute wrong results, as a faulty kernel would.
   */
  BertInference(
      BertBlock block,
      Set<Lever> levers,
      NDManager parent,
      List<Boolean> oneDnnTries,
      boolean verify,
      Set<ScriptedLayers.LinearKind> int8,
      Set<ForwardPath> sabotaged) {
    this.block = block;
    this.config = block.config();
    checkLevers(levers);
    this.requested = Set.copyOf(levers);
    this.manager = parent.newSubManager();
    Map<String, Parameter> params = block.getDirectParameters().toMap();
    java.util.function.Function<String, NDArray> p =
        name ->
            java.util.Objects.requireNonNull(
                    params.get(name), () -> "the block has no parameter " + name)
                .getArray();
    this.dataType = p.apply("embeddings.word_embeddings.weight").getDataType();
    try {
      wordEmbeddings = p.apply("embeddings.word_embeddings.weight");
      positionEmbeddings = p.apply("embeddings.position_embeddings.weight");
      typeEmbeddings = p.apply("embeddings.token_type_embeddings.weight");
      embeddingsNormWeight = p.apply("embeddings.LayerNorm.weight");
      embeddingsNormBias = p.apply("embeddings.LayerNorm.bias");
      double scale = 1.0 / Math.sqrt(config.headSize());
      boolean pre = levers.contains(Lever.PRETRANSPOSED);
      List<LayerWeights> list = new ArrayList<>();
      for (int i = 0; i < config.numLayers(); i++) {
        String n = "encoder.layer." + i + ".";
        List<float[]> qkvW =
            List.of(
                scaled(host(p, n + "attention.self.query.weight"), pre ? scale : 1),
                host(p, n + "attention.self.key.weight"),
                host(p, n + "attention.self.value.weight"));
        List<float[]> qkvB =
            List.of(
                scaled(host(p, n + "attention.self.query.bias"), pre ? scale : 1),
                host(p, n + "attention.self.key.bias"),
                host(p, n + "attention.self.value.bias"));
        int h = config.hiddenSize();
        List<Linear> qkv = new ArrayList<>();
        if (levers.contains(Lever.FUSED_QKV)) {
          qkv.add(linear(concat(qkvW), concat(qkvB), 3 * h, h, pre));
        } else {
          for (int k = 0; k < 3; k++) {
            qkv.add(linear(qkvW.get(k), qkvB.get(k), h, h, pre));
          }
        }
        int inter = config.intermediateSize();
        list.add(
            new LayerWeights(
                qkv,
                linear(p, n + "attention.output.dense", h, h, pre),
                p.apply(n + "attention.output.LayerNorm.weight"),
                p.apply(n + "attention.output.LayerNorm.bias"),
                linear(p, n + "intermediate.dense", inter, h, pre),
                linear(p, n + "output.dense", h, inter, pre),
                p.apply(n + "output.LayerNorm.weight"),
                p.apply(n + "output.LayerNorm.bias")));
      }
      layers = List.copyOf(list);
      poolerWeight = block.hasPooler() ? p.apply("pooler.dense.weight") : null;
      poolerBias = block.hasPooler() ? p.apply("pooler.dense.bias") : null;
      classifierWeight = config.hasClassifier() ? p.apply("classifier.weight") : null;
      classifierBias = config.hasClassifier() ? p.apply("classifier.bias") : null;
      Chosen chosen = choose(pre ? 1 : scale, oneDnnTries, verify, int8, sabotaged);
      scripted = chosen.scripted;
      path = chosen.verification.path();
      verification = chosen.verification;
      this.levers =
          switch (path) {
            case SCRIPTED_INT8, SCRIPTED_ONEDNN, SCRIPTED_LINEAR -> requested;
            case OPERATORS ->
                requested.stream()
                    .filter(l -> l != Lever.SCRIPTED)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
            case EAGER -> Set.of();
          };
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private record Chosen(@Nullable ScriptedLayers scripted, Verification verification) {}

  /**
   * A scripted forward to try: its path, whether its float32 products run on oneDNN, the Linear
   * layers it quantizes, and how far its hidden states may be from the reference's.
   */
  private record ScriptedCandidate(
      ForwardPath path, boolean oneDnn, Set<ScriptedLayers.LinearKind> int8, double tolerance) {}

  /**
   * Picks the fastest path that compiles and, if {@code verify}, agrees with the reference on the
   * probe batches: the scripted layers with oneDNN products (CPU float32), with {@code linear},
   * then the requested levers operator by operator, then the reference itself. Warns once if a path
   * was dropped because it disagreed, or if no scripted variant compiled.
   */
  private Chosen choose(
      double scale,
      List<Boolean> oneDnnTries,
      boolean verify,
      Set<ScriptedLayers.LinearKind> int8,
      Set<ForwardPath> sabotaged) {
    Map<ForwardPath, String> rejected = new java.util.LinkedHashMap<>();
    List<TokenBatch> probes = verify && !requested.isEmpty() ? probeBatches(config) : List.of();
    List<float[]> reference = new ArrayList<>();
    double hiddenScale = 1;
    for (TokenBatch probe : probes) {
      float[] ref = hidden(probe, ForwardPath.EAGER, null);
      reference.add(ref);
      hiddenScale = Math.max(hiddenScale, largest(ref));
    }
    double tolerance = tolerance(dataType, hiddenScale);
    if (requested.contains(Lever.SCRIPTED)) {
      List<NDArray> weights =
          new ArrayList<>(
              List.of(
                  wordEmbeddings,
                  positionEmbeddings,
                  typeEmbeddings,
                  embeddingsNormWeight,
                  embeddingsNormBias));
      for (LayerWeights l : layers) {
        weights.addAll(
            List.of(
                l.qkv().get(0).weight(),
                l.qkv().get(0).bias(),
                l.attentionOut().weight(),
                l.attentionOut().bias(),
                l.attentionNormWeight(),
                l.attentionNormBias(),
                l.intermediate().weight(),
                l.intermediate().bias(),
                l.output().weight(),
                l.output().bias(),
                l.outputNormWeight(),
                l.outputNormBias()));
      }
      boolean cpuFloat32 =
          manager.getDevice().getDeviceType().equals(Device.Type.CPU)
              && dataType == DataType.FLOAT32;
      List<ScriptedCandidate> candidates = new ArrayList<>();
      if (!int8.isEmpty() && !cpuFloat32) {
        LOG.info(
            "int8 Linear layers run on CPU float32 models only; keeping {} on {}",
            dataType.toString().toLowerCase(java.util.Locale.ROOT),
            manager.getDevice());
      } else if (!int8.isEmpty()) {
        candidates.add(
            new ScriptedCandidate(
                ForwardPath.SCRIPTED_INT8,
                oneDnnTries.contains(true),
                int8,
                INT8_TOLERANCE * hiddenScale));
      }
      for (boolean oneDnn : oneDnnTries) {
        if (!oneDnn || cpuFloat32) {
          candidates.add(
              new ScriptedCandidate(
                  oneDnn ? ForwardPath.SCRIPTED_ONEDNN : ForwardPath.SCRIPTED_LINEAR,
                  oneDnn,
                  Set.of(),
                  tolerance));
        }
      }
      EngineException failure = null;
      boolean compiled = false;
      for (ScriptedCandidate candidate : candidates) {
        boolean quantized = !candidate.int8().isEmpty();
        ScriptedLayers layersScript;
        try {
          layersScript =
              new ScriptedLayers(
                  config,
                  sabotaged.contains(candidate.path()) ? 2 * scale : scale,
                  weights,
                  manager,
                  candidate.oneDnn(),
                  candidate.int8());
        } catch (EngineException e) {
          rejected.put(candidate.path(), "does not compile");
          if (quantized) {
            LOG.info(
                "libtorch cannot run int8 Linear layers here; keeping float32: {}",
                String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
          } else {
            failure = e;
          }
          continue;
        }
        compiled |= !quantized;
        double diff = verify ? maxDiff(probes, reference, candidate.path(), layersScript) : 0;
        if (diff > candidate.tolerance()) {
          rejected.put(
              candidate.path(), String.format(java.util.Locale.ROOT, "max |diff| %.2g", diff));
          layersScript.close();
          continue;
        }
        closeCopiedLinears(layersScript);
        return chosen(layersScript, candidate.path(), verify, diff, rejected);
      }
      if (!compiled) {
        LOG.warn(
            "libtorch cannot compile the scripted BERT layers; running them operator by"
                + " operator: {}",
            failure == null
                ? "no variant tried"
                : String.valueOf(failure.getMessage()).lines().findFirst().orElse(""));
      }
    }
    if (!int8.isEmpty() && !requested.contains(Lever.SCRIPTED)) {
      LOG.info("int8 Linear layers need the SCRIPTED lever; keeping float32 ({})", requested);
    }
    if (!requested.isEmpty()) {
      double diff = verify ? maxDiff(probes, reference, ForwardPath.OPERATORS, null) : 0;
      if (diff <= tolerance) {
        return chosen(null, ForwardPath.OPERATORS, verify, diff, rejected);
      }
      rejected.put(
          ForwardPath.OPERATORS, String.format(java.util.Locale.ROOT, "max |diff| %.2g", diff));
    }
    return chosen(null, ForwardPath.EAGER, false, 0, rejected);
  }

  /** Frees the Linear weights {@code s} holds its own prepacked or quantized copies of. */
  private void closeCopiedLinears(ScriptedLayers s) {
    for (LayerWeights l : layers) {
      Map<ScriptedLayers.LinearKind, Linear> linears =
          Map.of(
              ScriptedLayers.LinearKind.QKV, l.qkv().get(0),
              ScriptedLayers.LinearKind.ATTENTION_OUT, l.attentionOut(),
              ScriptedLayers.LinearKind.INTERMEDIATE, l.intermediate(),
              ScriptedLayers.LinearKind.OUTPUT, l.output());
      linears.forEach(
          (kind, linear) -> {
            if (s.oneDnn() || s.int8().contains(kind)) {
              linear.weight().close();
              linear.storage().close();
            }
          });
    }
  }

  private Chosen chosen(
      @Nullable ScriptedLayers s,
      ForwardPath path,
      boolean checked,
      double diff,
      Map<ForwardPath, String> rejected) {
    Verification v = new Verification(path, checked, diff, rejected, probeNanos);
    probeNanos = 0;
    if (rejected.values().stream().anyMatch(r -> r.startsWith("max"))) {
      LOG.warn(
          "the fast BERT forward disagrees with the reference forward on this CPU ({});"
              + " running the {} forward instead, checked on a probe batch",
          rejected,
          path);
    } else {
      LOG.debug("BERT {}", v);
    }
    return new Chosen(s, v);
  }

  /**
   * The largest |difference| between a path's hidden states and the reference's, over the real
   * tokens of the probe batches (infinite if the path fails with an engine error).
   */
  private double maxDiff(
      List<TokenBatch> probes,
      List<float[]> reference,
      ForwardPath candidate,
      @Nullable ScriptedLayers s) {
    double max = 0;
    for (int p = 0; p < probes.size(); p++) {
      float[] ours;
      try {
        ours = hidden(probes.get(p), candidate, s);
      } catch (EngineException e) {
        return Double.POSITIVE_INFINITY;
      }
      float[] ref = reference.get(p);
      TokenBatch probe = probes.get(p);
      int h = config.hiddenSize();
      for (int row = 0; row < probe.size(); row++) {
        for (int t = 0; t < probe.rowLength(row); t++) {
          for (int k = 0; k < h; k++) {
            int i = (row * probe.length() + t) * h + k;
            double d = Math.abs((double) ours[i] - ref[i]);
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
          }
        }
      }
    }
    return max;
  }

  private float[] hidden(TokenBatch probe, ForwardPath candidate, @Nullable ScriptedLayers s) {
    long start = System.nanoTime();
    JniUtils.setGradMode(false);
    try (NDManager m = manager.newSubManager()) {
      return forward(m, probe, Output.HIDDEN, candidate, s)
          .toType(DataType.FLOAT32, false)
          .toFloatArray();
    } finally {
      probeNanos += System.nanoTime() - start;
    }
  }

  /**
   * How far a faster path's hidden states may be from the reference's: float32 products summed in
   * another order differ by about 1e-6 of the values' scale per layer (measured 6e-6 on MiniLM's
   * hidden states, whose largest value is about 10); the wrong kernels this guards against were off
   * by 0.1 and more. Float16 keeps about 3 significant digits.
   */
  private static double tolerance(DataType dataType, double hiddenScale) {
    return (dataType == DataType.FLOAT32 ? FLOAT32_TOLERANCE : 3e-2) * hiddenScale;
  }

  /** The largest |value| of {@code values}. */
  private static double largest(float[] values) {
    double largest = 0;
    for (float v : values) {
      largest = Math.max(largest, Math.abs(v));
    }
    return largest;
  }

  private static final double FLOAT32_TOLERANCE = 1e-4;

  /**
   * The int8 forward's tolerance, as a share of the hidden states' largest |value| (as {@link
   * #FLOAT32_TOLERANCE}): they differ from float32's by about 7% of it on the probe batches (0.70
   * on MiniLM, whose largest is about 10: 8-bit activations over that range), a kernel computing
   * the wrong function by far more (the sabotaged script of the tests: more than 20%).
   */
  private static final double INT8_TOLERANCE = 0.15;

  /** The Linear layers the int8 forward quantizes. */
  static final Set<ScriptedLayers.LinearKind> INT8_LAYERS =
      Set.copyOf(EnumSet.allOf(ScriptedLayers.LinearKind.class));

  /**
   * Two probe batches for the load-time check, with ids drawn from the vocabulary by a fixed seed:
   * four rows of different lengths (padding, two attention groups, segment ids 0 and 1) and two
   * rows of one length (no padding, no mask).
   */
  static List<TokenBatch> probeBatches(BertConfig config) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(13);
    List<TokenBatch> probes = new ArrayList<>();
    for (int[] lengths : new int[][] {{26, 7, 19, 11}, {16, 16}}) {
      long[][] ids = new long[lengths.length][];
      long[][] types = new long[lengths.length][];
      for (int r = 0; r < lengths.length; r++) {
        int n = Math.min(lengths[r], config.maxPositions());
        ids[r] = new long[n];
        types[r] = new long[n];
        for (int t = 0; t < n; t++) {
          ids[r][t] = random.nextInt(config.vocabSize());
          types[r][t] = t >= n / 2 && config.typeVocabSize() > 1 ? 1 : 0;
        }
      }
      probes.add(TokenBatch.pad(ids, types, 0));
    }
    return probes;
  }

  /**
   * Checks that a lever set can run.
   *
   * @throws IllegalArgumentException if {@link Lever#SCRIPTED} comes without {@link
   *     Lever#FUSED_QKV}
   */
  static void checkLevers(Set<Lever> levers) {
    if (levers.contains(Lever.SCRIPTED) && !levers.contains(Lever.FUSED_QKV)) {
      throw new IllegalArgumentException(
          "Lever SCRIPTED needs FUSED_QKV, but levers were " + levers);
    }
  }

  /** Whether the scripted layers run oneDNN products on prepacked weights (tests). */
  boolean scriptedOneDnn() {
    return scripted != null && scripted.oneDnn();
  }

  /** Returns the levers this forward uses. */
  public Set<Lever> levers() {
    return levers;
  }

  /** Returns the path this forward runs and the outcome of its load-time check. */
  public Verification verification() {
    return verification;
  }

  private static float[] host(java.util.function.Function<String, NDArray> p, String name) {
    return p.apply(name).toType(DataType.FLOAT32, false).toFloatArray();
  }

  private static float[] scaled(float[] values, double scale) {
    if (scale != 1) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (values[i] * scale);
      }
    }
    return values;
  }

  private static float[] concat(List<float[]> parts) {
    int n = 0;
    for (float[] part : parts) {
      n += part.length;
    }
    float[] out = new float[n];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private Linear linear(
      java.util.function.Function<String, NDArray> p, String name, int out, int in, boolean pre) {
    return linear(host(p, name + ".weight"), host(p, name + ".bias"), out, in, pre);
  }

  /** Places a {@code [out, in]} row-major weight, transposed to contiguous {@code [in, out]}. */
  private Linear linear(float[] weight, float[] bias, int out, int in, boolean pre) {
    NDArray b = device(manager.create(bias, new Shape(out)));
    if (!pre) {
      NDArray w = device(manager.create(weight, new Shape(out, in)));
      return new Linear(w, b, w);
    }
    float[] t = new float[weight.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        t[i * out + o] = weight[o * in + i];
      }
    }
    // linear(x, W) computes x W^T: pass the transposed view, W^T is then the contiguous [in, out].
    NDArray contiguous = device(manager.create(t, new Shape(in, out)));
    return new Linear(contiguous.transpose(), b, contiguous);
  }

  private NDArray device(NDArray floats) {
    if (dataType == DataType.FLOAT32) {
      return floats;
    }
    NDArray cast = floats.toType(dataType, false);
    floats.close();
    return cast;
  }

  /**
   * Runs the forward under {@code m}: the hidden states {@code [batch, seq, hidden]} (padding rows
   * zero when packed), the mean-pooled L2-normalised embeddings {@code [batch, hidden]}, or the
   * classifier's logits {@code [batch, labels]}.
   */
  NDArray forward(NDManager m, TokenBatch batch, Output output) {
    return forward(m, batch, output, path, scripted);
  }

  private NDArray forward(
      NDManager m,
      TokenBatch batch,
      Output output,
      ForwardPath how,
      @Nullable ScriptedLayers script) {
    if (how == ForwardPath.EAGER) {
      return eager(m, batch, output);
    }
    int rows = batch.size();
    int seq = batch.length();
    int h = config.hiddenSize();
    long[] mask = batch.attentionMask();
    int[] lengths = new int[rows];
    int tokens = 0;
    boolean nonEmptyPrefixes = true; // every row: some real tokens, then only padding
    for (int b = 0; b < rows; b++) {
      int n = batch.rowLength(b);
      lengths[b] = n;
      tokens += n;
      nonEmptyPrefixes &= n > 0;
      for (int t = 0; t < seq && nonEmptyPrefixes; t++) {
        nonEmptyPrefixes = mask[b * seq + t] == (t < n ? 1 : 0);
      }
    }
    boolean packed = requested.contains(Lever.PACKED) && nonEmptyPrefixes && tokens < rows * seq;

    // Host-side gathers: the real tokens' ids, segments and positions (all of them if unpacked).
    int count = packed ? tokens : rows * seq;
    long[] ids = new long[count];
    long[] types = new long[count];
    long[] positions = new long[count];
    int[] firstToken = new int[rows]; // where each row's tokens start in x
    int k = 0;
    for (int b = 0; b < rows; b++) {
      firstToken[b] = k;
      for (int t = 0; t < (packed ? lengths[b] : seq); t++) {
        int at = b * seq + t;
        ids[k] = batch.inputIds()[at];
        types[k] = batch.typeIds()[at];
        positions[k] = t;
        k++;
      }
    }
    List<AttentionGroup> groups;
    NDArray packIndex = null;
    if (packed) {
      long[] pack = new long[count];
      groups = attentionGroups(m, lengths, firstToken, pack);
      packIndex = m.create(pack, new Shape(count));
    } else {
      // Without padding no position is masked: skip the mask and its add in every layer.
      groups =
          List.of(
              new AttentionGroup(
                  rows, seq, null, tokens == rows * seq ? null : additiveMask(m, mask, rows, seq)));
    }

    NDArrayEx ex = wordEmbeddings.getNDArrayInternal();
    NDArray idArray = m.create(ids, new Shape(count));
    NDArray positionArray = m.create(positions, new Shape(count));
    NDArray typeArray = m.create(types, new Shape(count));
    NDArray x;
    if (script != null) {
      x = script.run(m, idArray, typeArray, positionArray, groups, packIndex);
    } else {
      x =
          embedding(ex, idArray, wordEmbeddings)
              .add(embedding(ex, positionArray, positionEmbeddings))
              .add(embedding(ex, typeArray, typeEmbeddings));
      x = layerNorm(x, embeddingsNormWeight, embeddingsNormBias);
      for (LayerWeights layer : layers) {
        x = layer(x, layer, groups, packIndex);
      }
    }

    return switch (output) {
      case HIDDEN ->
          packed ? unpackHidden(m, x, lengths, firstToken, count, seq) : x.reshape(rows, seq, h);
      case POOLED_MEAN -> pooledMean(m, x, lengths, mask, packed, count, seq);
      case LOGITS -> logits(m, x, firstToken);
    };
  }

  /** The packed hidden states {@code [rows, seq, hidden]}, padding positions zero. */
  private NDArray unpackHidden(
      NDManager m, NDArray x, int[] lengths, int[] firstToken, int count, int seq) {
    int rows = lengths.length;
    int h = config.hiddenSize();
    // Padding positions read the zero row appended after the real ones.
    long[] zeroed = new long[rows * seq];
    for (int b = 0; b < rows; b++) {
      for (int t = 0; t < seq; t++) {
        zeroed[b * seq + t] = t < lengths[b] ? firstToken[b] + t : count;
      }
    }
    NDArray withZero = x.concat(m.zeros(new Shape(1, h), x.getDataType()));
    return embedding(
            x.getNDArrayInternal(), m.create(zeroed, new Shape((long) rows * seq)), withZero)
        .reshape(rows, seq, h);
  }

  /** Mean over each row's real tokens as one {@code [rows, count] x [count, hidden]} product. */
  private static NDArray pooledMean(
      NDManager m, NDArray x, int[] lengths, long[] mask, boolean packed, int count, int seq) {
    int rows = lengths.length;
    float[] weights = new float[rows * count];
    int row0 = 0;
    for (int b = 0; b < rows; b++) {
      float w = 1f / Math.max(lengths[b], 1);
      if (packed) {
        java.util.Arrays.fill(weights, b * count + row0, b * count + row0 + lengths[b], w);
        row0 += lengths[b];
      } else {
        for (int t = 0; t < seq; t++) {
          weights[b * count + b * seq + t] = mask[b * seq + t] != 0 ? w : 0f;
        }
      }
    }
    NDArray mean =
        m.create(weights, new Shape(rows, count)).matMul(x.toType(DataType.FLOAT32, false));
    return l2Normalised(mean);
  }

  /** The classifier's logits from each row's [CLS] (position 0 of the row, packed or not). */
  private NDArray logits(NDManager m, NDArray x, int[] firstToken) {
    if (poolerWeight == null
        || poolerBias == null
        || classifierWeight == null
        || classifierBias == null) {
      throw new IllegalStateException("logits need a cross-encoder with a pooler");
    }
    int rows = firstToken.length;
    long[] first = new long[rows];
    for (int b = 0; b < rows; b++) {
      first[b] = firstToken[b];
    }
    NDArrayEx ex = x.getNDArrayInternal();
    NDArray cls = embedding(ex, m.create(first, new Shape(rows)), x);
    NDArray pooled = ex.linear(cls, poolerWeight, poolerBias).singletonOrThrow().tanh();
    return ex.linear(pooled, classifierWeight, classifierBias).singletonOrThrow();
  }

  /**
   * Rows that run attention together, padded to {@code seq}: {@code unpack} gathers their {@code
   * [rows * seq]} positions from the packed tokens (null: {@code x} is already padded), {@code
   * mask} is the additive padding mask (null: no padding).
   */
  record AttentionGroup(int rows, int seq, @Nullable NDArray unpack, @Nullable NDArray mask) {}

  /**
   * Splits a packed batch into one or two attention groups. Attention costs rows x seq²; a batch of
   * one long row and many short ones (a bi-encoder request: the context and its replies) pads every
   * short row to the long one, so the rows sorted by length are cut where the padded cost is least,
   * if that saves at least {@value #SPLIT_SAVING}; else one group, padded to the longest row (not
   * to the batch's length). Fills {@code pack}: for each packed token (row order), its position in
   * the groups' concatenated {@code [rows * seq]} outputs.
   */
  private List<AttentionGroup> attentionGroups(
      NDManager m, int[] lengths, int[] firstToken, long[] pack) {
    int rows = lengths.length;
    Integer[] order = new Integer[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> lengths[i])); // stable
    int[] sorted = new int[rows];
    for (int i = 0; i < rows; i++) {
      sorted[i] = lengths[order[i]];
    }
    int split = splitAt(sorted);
    List<List<Integer>> members = new ArrayList<>();
    if (split > 0) {
      members.add(List.of(order).subList(0, split));
      members.add(List.of(order).subList(split, rows));
    } else {
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        all.add(i);
      }
      members.add(all);
    }
    List<AttentionGroup> groups = new ArrayList<>();
    int offset = 0;
    for (List<Integer> group : members) {
      int seq = 0;
      for (int b : group) {
        seq = Math.max(seq, lengths[b]);
      }
      long[] unpack = new long[group.size() * seq];
      float[] additive = new float[group.size() * seq];
      boolean padded = false;
      for (int i = 0; i < group.size(); i++) {
        int b = group.get(i);
        for (int t = 0; t < seq; t++) {
          int at = i * seq + t;
          if (t < lengths[b]) {
            unpack[at] = (long) firstToken[b] + t;
            pack[firstToken[b] + t] = (long) offset + at;
          } else {
            unpack[at] = firstToken[b]; // a real token; masked out of every softmax
            additive[at] = lowest();
            padded = true;
          }
        }
      }
      groups.add(
          new AttentionGroup(
              group.size(),
              seq,
              m.create(unpack, new Shape(unpack.length)),
              padded ? maskArray(m, additive, group.size(), seq) : null));
      offset += unpack.length;
    }
    return groups;
  }

  /**
   * Returns where to cut rows sorted by length into two attention groups, or 0 to keep one: the cut
   * with the least padded cost (rows x seq² summed over the groups), if it saves at least {@value
   * #SPLIT_SAVING} of one group's cost.
   */
  static int splitAt(int[] sortedLengths) {
    int rows = sortedLengths.length;
    long longest = sortedLengths[rows - 1];
    long whole = rows * longest * longest;
    long best = whole;
    int split = 0;
    for (int s = 1; s < rows; s++) {
      long shorter = sortedLengths[s - 1];
      long cost = s * shorter * shorter + (rows - s) * longest * longest;
      if (cost < best) {
        best = cost;
        split = s;
      }
    }
    return best <= (1 - SPLIT_SAVING) * whole ? split : 0;
  }

  private NDArray layer(
      NDArray x, LayerWeights p, List<AttentionGroup> groups, @Nullable NDArray packIndex) {
    NDArrayEx ex = x.getNDArrayInternal();
    List<NDArray> projections = new ArrayList<>(p.qkv().size());
    for (Linear linear : p.qkv()) {
      projections.add(apply(linear, x)); // [tokens, 3h] fused, or q, k, v [tokens, h]
    }
    NDArray context;
    if (groups.size() == 1) {
      context = attend(projections, groups.get(0), ex);
    } else {
      NDList parts = new NDList();
      for (AttentionGroup g : groups) {
        parts.add(attend(projections, g, ex));
      }
      context = NDArrays.concat(parts);
    }
    if (packIndex != null) {
      context = embedding(ex, packIndex, context);
    }
    NDArray attended = apply(p.attentionOut(), context);
    x = layerNorm(attended.addi(x), p.attentionNormWeight(), p.attentionNormBias());
    NDArray inner = apply(p.intermediate(), x).getNDArrayInternal().gelu();
    NDArray out = apply(p.output(), inner);
    return layerNorm(out.addi(x), p.outputNormWeight(), p.outputNormBias());
  }

  /** Self-attention of one group: its context vectors, {@code [rows * seq, hidden]}. */
  private NDArray attend(List<NDArray> projections, AttentionGroup g, NDArrayEx ex) {
    int heads = config.numHeads();
    int d = config.headSize();
    NDArray q;
    NDArray k;
    NDArray v;
    if (projections.size() == 1) {
      NDArray qkv =
          g.unpack() == null ? projections.get(0) : embedding(ex, g.unpack(), projections.get(0));
      // [rows*seq, 3h] -> [3, rows, heads, seq, d]
      NDArray split = qkv.reshape(g.rows(), g.seq(), 3, heads, d).transpose(2, 0, 3, 1, 4);
      q = split.get(0);
      k = split.get(1);
      v = split.get(2);
    } else {
      q = heads(projections.get(0), g, ex);
      k = heads(projections.get(1), g, ex);
      v = heads(projections.get(2), g, ex);
    }
    if (!requested.contains(Lever.PRETRANSPOSED)) {
      q = q.mul(1.0 / Math.sqrt(d));
    }
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (g.mask() != null) {
      scores = scores.addi(g.mask());
    }
    return scores
        .softmax(-1)
        .matMul(v)
        .transpose(0, 2, 1, 3)
        .reshape((long) g.rows() * g.seq(), config.hiddenSize());
  }

  private NDArray heads(NDArray projected, AttentionGroup g, NDArrayEx ex) {
    NDArray padded = g.unpack() == null ? projected : embedding(ex, g.unpack(), projected);
    return padded
        .reshape(g.rows(), g.seq(), config.numHeads(), config.headSize())
        .transpose(0, 2, 1, 3);
  }

  private static NDArray apply(Linear linear, NDArray x) {
    return x.getNDArrayInternal().linear(x, linear.weight(), linear.bias()).singletonOrThrow();
  }

  private static NDArray embedding(NDArrayEx ex, NDArray index, NDArray table) {
    return ex.embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
  }

  private NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
    return x.getNDArrayInternal()
        .layerNorm(x, new Shape(config.hiddenSize()), weight, bias, config.layerNormEps())
        .singletonOrThrow();
  }

  /** The masked positions' additive score: the dtype's lowest value, as HuggingFace's. */
  private float lowest() {
    return dataType == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
  }

  /** HuggingFace's extended attention mask, {@code [rows, 1, 1, seq]}, built on the host. */
  private NDArray additiveMask(NDManager m, long[] mask, int rows, int seq) {
    float[] additive = new float[rows * seq];
    for (int i = 0; i < additive.length; i++) {
      additive[i] = mask[i] != 0 ? 0f : lowest();
    }
    return maskArray(m, additive, rows, seq);
  }

  /** An additive mask {@code [rows, 1, 1, seq]} in the weights' data type. */
  private NDArray maskArray(NDManager m, float[] additive, int rows, int seq) {
    NDArray a = m.create(additive, new Shape(rows, 1, 1, seq));
    return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
  }

  /** Divides each row by its L2 norm (at least 1e-12), as sentence-transformers' Normalize. */
  private static NDArray l2Normalised(NDArray rows) {
    return rows.div(rows.pow(2).sum(new int[] {1}, true).sqrt().maximum(1e-12f));
  }

  /** The "before" row: {@link BertBlock#forward} as training runs it. */
  private NDArray eager(NDManager m, TokenBatch batch, Output output) {
    Shape shape = new Shape(batch.size(), batch.length());
    NDList inputs =
        new NDList(
            m.create(batch.inputIds(), shape),
            m.create(batch.typeIds(), shape),
            m.create(batch.attentionMask(), shape));
    NDList out = block.forward(new ai.djl.training.ParameterStore(m, false), inputs, false);
    return switch (output) {
      case HIDDEN -> out.get(0);
      case LOGITS -> out.get(2);
      case POOLED_MEAN -> {
        NDArray hidden = out.get(0).toType(DataType.FLOAT32, false);
        NDArray maskArray = inputs.get(2).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray sum = hidden.mul(maskArray).sum(new int[] {1});
        NDArray mean = sum.div(maskArray.sum(new int[] {1}).maximum(1e-9f));
        yield l2Normalised(mean);
      }
    };
  }

  @Override
  public void close() {
    if (scripted != null) {
      scripted.close();
    }
    manager.close();
  }
}
