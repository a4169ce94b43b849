package dev.reranker.internal.bert;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import dev.reranker.Calibration;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.internal.EncoderChecks;
import dev.reranker.internal.io.HfConfig;
import dev.reranker.internal.io.HostArrays;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.io.SafeTensors;
import dev.reranker.internal.tokenization.Tokenizers;
import dev.reranker.model.BertConfig;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.Quantization;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The native BERT: a {@link BertBlock} inside a DJL {@link Model} on the PyTorch engine, with its
 * tokenizer. Cross-encoder when the config has labels, bi-encoder otherwise.
 */
public final class NativeBert implements EncoderModel {
  public static final String CONFIG_FILE = "config.json";
  public static final String WEIGHTS_FILE = "model.safetensors";
  public static final String TOKENIZER_FILE = "tokenizer.json";

  private final Model model;
  private final BertBlock block;
  private final String tokenizerJson;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Calibration calibration;
  private @Nullable EvidenceBlend evidence; // read from config.json; never saved (see evidence())
  private Set<BertInference.Lever> levers = BertInference.Lever.ALL;
  private boolean verifyForward = true;
  private Quantization quantization = Quantization.NONE;
  private @Nullable BertInference inference;

  private NativeBert(Model model, BertBlock block, String tokenizerJson) {
    this.model = model;
    this.block = block;
    this.tokenizerJson = tokenizerJson;
  }

  /**
   * Builds a model from named weights (HuggingFace names, with or without the {@code bert.} prefix,
   * LayerNorm {@code gamma/beta} or {@code weight/bias}). Extra tensors (pre-training heads,
   * buffers) are ignored.
   *
   * @param source the file the weights came from, for error messages
   * @throws ModelLoadException naming {@code source} for a missing tensor or a wrong shape
   */
  public static NativeBert fromWeights(
      BertConfig config,
      Map<String, HostTensor> weights,
      String tokenizerJson,
      String source,
      Device device) {
    Map<String, HostTensor> named = canonicalNames(weights);
    boolean pooler = named.containsKey("pooler.dense.weight");
    if (config.hasClassifier() && !pooler) {
      throw new ModelLoadException(source, "missing tensor 'pooler.dense.weight'", null);
    }
    BertBlock block = new BertBlock(config, pooler);
    block.checkWeights(named, source);
    return create(block, named, tokenizerJson, device, DataType.FLOAT32);
  }

  /**
   * Returns a copy of this model whose parameters are stored as {@code dataType} (FLOAT16 for mixed
   * precision on CUDA), on the same device. This model stays open.
   */
  public NativeBert withPrecision(DataType dataType) {
    NativeBert copy =
        create(
            new BertBlock(block.config(), block.hasPooler()),
            weights(),
            tokenizerJson,
            model.getNDManager().getDevice(),
            dataType);
    copy.calibration = calibration;
    copy.evidence = evidence;
    return copy;
  }

  /**
   * Returns a copy made of this model's embeddings, its first {@code layers} encoder layers and its
   * heads, on the same device and in the same precision: the talk's "fewer layers" for a cheaper
   * forward, to be fine-tuned before use. The copy has no calibration and no evidence blend (both
   * were fitted to all layers' outputs). This model stays open.
   *
   * @throws IllegalArgumentException if {@code layers} is not in [1, this model's layers]
   */
  public NativeBert firstLayers(int layers) {
    BertConfig config = block.config();
    com.google.common.base.Preconditions.checkArgument(
        layers >= 1 && layers <= config.numLayers(),
        "layers must be in [1, %s] for this model, but was %s",
        config.numLayers(),
        layers);
    Map<String, HostTensor> kept = new LinkedHashMap<>();
    weights()
        .forEach(
            (name, tensor) -> {
              String prefix = "encoder.layer.";
              if (!name.startsWith(prefix)
                  || Integer.parseInt(
                          name.substring(prefix.length(), name.indexOf('.', prefix.length())))
                      < layers) {
                kept.put(name, tensor);
              }
            });
    return create(
        new BertBlock(config.withLayers(layers), block.hasPooler()),
        kept,
        tokenizerJson,
        model.getNDManager().getDevice(),
        dataType());
  }

  /** Returns the data type the parameters are stored as. */
  public DataType dataType() {
    return block.getDirectParameters().valueAt(0).getArray().getDataType();
  }

  /**
   * Builds a model whose weights not in {@code weights} are drawn at random, as HuggingFace
   * initialises a new model: Linear and embedding weights from N(0, 0.02), biases 0, LayerNorm
   * weights 1. Use it for a fresh classifier on a pretrained encoder, or a fully random model.
   */
  public static NativeBert withRandomRest(
      BertConfig config,
      Map<String, HostTensor> weights,
      String tokenizerJson,
      long seed,
      Device device) {
    Map<String, HostTensor> named = canonicalNames(weights);
    BertBlock block = new BertBlock(config, true);
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, HostTensor> all = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : block.expectedShapes().entrySet()) {
      HostTensor given = named.get(e.getKey());
      long[] shape = e.getValue().getShape();
      if (given != null && given.hasShape(shape)) {
        all.put(e.getKey(), given);
      } else {
        all.put(e.getKey(), randomTensor(e.getKey(), shape, random));
      }
    }
    return create(block, all, tokenizerJson, device, DataType.FLOAT32);
  }

  private static HostTensor randomTensor(String name, long[] shape, SplittableRandom random) {
    int n = Math.toIntExact(new Shape(shape).size());
    float[] data = new float[n];
    if (name.endsWith("LayerNorm.weight")) {
      java.util.Arrays.fill(data, 1f);
    } else if (name.endsWith(".weight")) {
      for (int i = 0; i < n; i++) {
        data[i] = (float) (gaussian(random) * 0.02);
      }
    }
    return new HostTensor(shape, data);
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static NativeBert create(
      BertBlock block,
      Map<String, HostTensor> weights,
      String tokenizerJson,
      Device device,
      DataType dataType) {
    DjlRuntime.ensureOffline();
    Model model = Model.newInstance("bert", device, "PyTorch");
    try {
      NDManager manager = model.getNDManager();
      for (Map.Entry<String, Shape> e : block.expectedShapes().entrySet()) {
        HostTensor t = java.util.Objects.requireNonNull(weights.get(e.getKey()), e.getKey());
        NDArray array = manager.create(t.data(), e.getValue());
        if (dataType != DataType.FLOAT32) {
          NDArray cast = array.toType(dataType, false);
          array.close();
          array = cast;
        }
        block.setWeight(e.getKey(), array);
      }
      model.setBlock(block);
      return new NativeBert(model, block, tokenizerJson);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Reads a HuggingFace checkpoint folder.
   *
   * @throws ModelLoadException naming the file and the problem
   */
  public static NativeBert loadCheckpoint(Path dir, Device device) {
    if (!Files.isDirectory(dir)) {
      throw new ModelLoadException(
          dir, Files.exists(dir) ? "not a folder" : "no such checkpoint folder", null);
    }
    HfConfig.Parsed parsed = HfConfig.read(dir.resolve(CONFIG_FILE));
    Path weightsFile = dir.resolve(WEIGHTS_FILE);
    if (!Files.exists(weightsFile) && Files.exists(dir.resolve("pytorch_model.bin"))) {
      throw new ModelLoadException(
          weightsFile,
          "no such file; pytorch_model.bin is not supported: re-save the model with "
              + "save_pretrained(..., safe_serialization=True)",
          null);
    }
    Map<String, HostTensor> weights = SafeTensors.read(weightsFile);
    String tokenizer = readTokenizer(dir.resolve(TOKENIZER_FILE));
    Optional<Calibration> calibration =
        HfConfig.calibration(parsed.raw(), dir.resolve(CONFIG_FILE));
    NativeBert bert =
        fromWeights(parsed.config(), weights, tokenizer, weightsFile.toString(), device);
    bert.calibration = calibration.orElse(null);
    bert.evidence = HfConfig.evidence(parsed.raw(), dir.resolve(CONFIG_FILE)).orElse(null);
    return bert;
  }

  /**
   * Reads and checks a {@code tokenizer.json}.
   *
   * @throws ModelLoadException if it is missing or the HuggingFace tokenizer cannot parse it
   */
  public static String readTokenizer(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ModelLoadException(file, "no such file", e);
    } catch (IOException e) {
      throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
    }
    Tokenizers.check(json, file.toString());
    return json;
  }

  private static Map<String, HostTensor> canonicalNames(Map<String, HostTensor> weights) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : weights.entrySet()) {
      out.put(canonicalName(e.getKey()), e.getValue());
    }
    return out;
  }

  /** Maps a checkpoint tensor name to this block's parameter name. */
  static String canonicalName(String name) {
    String n = name.startsWith("bert.") ? name.substring("bert.".length()) : name;
    if (n.endsWith("LayerNorm.gamma")) {
      n = n.substring(0, n.length() - "gamma".length()) + "weight";
    } else if (n.endsWith("LayerNorm.beta")) {
      n = n.substring(0, n.length() - "beta".length()) + "bias";
    }
    return n;
  }

  /** Returns the DJL model that owns the parameters (for training). */
  public Model djlModel() {
    return model;
  }

  /** Returns the BERT block. */
  public BertBlock block() {
    return block;
  }

  /** Returns the sizes. */
  public BertConfig config() {
    return block.config();
  }

  @Override
  public ModelKind kind() {
    return block.config().hasClassifier() ? ModelKind.CROSS_ENCODER : ModelKind.BI_ENCODER;
  }

  @Override
  public List<String> labels() {
    return block.config().labels();
  }

  @Override
  public String tokenizerJson() {
    return tokenizerJson;
  }

  @Override
  public Optional<Calibration> calibration() {
    return Optional.ofNullable(calibration);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Read from the checkpoint's {@code config.json}. {@link #save} does not write it: it was
   * fitted for the weights as loaded, which training changes; refit it for new weights.
   */
  @Override
  public Optional<EvidenceBlend> evidence() {
    return Optional.ofNullable(evidence);
  }

  /** Sets the calibration that {@link #calibration()} reports (a fitted one, before saving). */
  public void setCalibration(@Nullable Calibration calibration) {
    this.calibration = calibration;
  }

  @Override
  public int maxPositions() {
    return block.config().maxPositions();
  }

  @Override
  public float[][] logits(TokenBatch batch) {
    EncoderChecks.checkCrossEncoder(kind(), "this BERT (no classifier)");
    int labels = labels().size();
    return run(
        batch,
        BertInference.Output.LOGITS,
        out ->
            HostArrays.rows(
                out.toType(DataType.FLOAT32, false).toFloatArray(), batch.size(), labels));
  }

  @Override
  public float[][] embed(TokenBatch batch) {
    return run(
        batch,
        BertInference.Output.POOLED_MEAN,
        out -> HostArrays.rows(out.toFloatArray(), batch.size(), block.config().hiddenSize()));
  }

  /**
   * Returns the last hidden states, {@code [batch, length, hidden]} (for parity tests). Positions
   * outside the attention mask are zero when the forward packs tokens (the default), and
   * HuggingFace's values for them otherwise: no output depends on them.
   */
  public HostTensor hiddenStates(TokenBatch batch) {
    return run(
        batch,
        BertInference.Output.HIDDEN,
        out ->
            new HostTensor(
                new long[] {batch.size(), batch.length(), block.config().hiddenSize()},
                out.toType(DataType.FLOAT32, false).toFloatArray()));
  }

  /**
   * Chooses the inference levers (benchmarks' before/after rows); the default is {@link
   * BertInference.Lever#ALL}. Call while no forward runs.
   *
   * @throws IllegalArgumentException if the set cannot run (see {@link BertInference.Lever})
   */
  public synchronized void useLevers(Set<BertInference.Lever> levers) {
    BertInference.checkLevers(levers);
    this.levers = Set.copyOf(levers);
    weightsChanged();
  }

  /**
   * Drops the inference copies of the weights, so the next forward sees the block's current
   * parameters. The trainer calls it after every update. Call while no forward runs.
   */
  public synchronized void weightsChanged() {
    BertInference old = inference;
    inference = null;
    if (old != null) {
      old.close();
    }
  }

  /**
   * Turns the load-time check of the fast forward against the reference on or off (on by default;
   * see {@link BertInference}). Takes effect when the forward is next built.
   */
  public synchronized void verifyForward(boolean verify) {
    this.verifyForward = verify;
    weightsChanged();
  }

  /**
   * Chooses how the Linear layers compute ({@link Quantization#NONE} by default). Takes effect when
   * the forward is next built; {@link #prepare} says which forward runs. Call while no forward
   * runs.
   */
  public synchronized void quantization(Quantization quantization) {
    this.quantization = java.util.Objects.requireNonNull(quantization, "quantization");
    weightsChanged();
  }

  /** Returns the quantization asked for (the forward may run float32 where it cannot apply). */
  public synchronized Quantization quantization() {
    return quantization;
  }

  /**
   * Builds the inference forward now if it is not built yet (runs its load-time check) and returns
   * which path it runs.
   */
  public BertInference.Verification prepare() {
    EncoderChecks.checkOpen(closed.get());
    return inference().verification();
  }

  @Override
  public String description() {
    BertConfig c = block.config();
    return String.format(
        java.util.Locale.ROOT,
        "native BERT %s (%d layers, hidden %d, %s), %s",
        kind() == ModelKind.CROSS_ENCODER ? "cross-encoder" : "bi-encoder",
        c.numLayers(),
        c.hiddenSize(),
        dataType().toString().toLowerCase(java.util.Locale.ROOT),
        closed.get() ? "closed" : prepare());
  }

  synchronized BertInference inference() {
    if (inference == null) {
      inference =
          new BertInference(
              block,
              levers,
              model.getNDManager(),
              verifyForward,
              quantization == Quantization.INT8);
    }
    return inference;
  }

  private <R> R run(TokenBatch batch, BertInference.Output output, Function<NDArray, R> read) {
    EncoderChecks.checkOpen(closed.get());
    EncoderChecks.checkLength(batch, maxPositions());
    BertInference forward = inference();
    JniUtils.setGradMode(false); // thread-local in libtorch: no autograd graph for inference
    try (NDManager m = model.getNDManager().newSubManager()) {
      return read.apply(forward.forward(m, batch, output));
    }
  }

  /** Copies every parameter to the host, under this block's (HuggingFace, unprefixed) names. */
  public LinkedHashMap<String, HostTensor> weights() {
    return HostArrays.parameters(block);
  }

  @Override
  public void save(Path directory) {
    save(directory, new JsonObject());
  }

  /**
   * Saves as {@link #save(Path)}, adding {@code extra} entries to {@code config.json}.
   *
   * @throws ModelLoadException naming the folder if it cannot be written
   */
  public void save(Path directory, JsonObject extra) {
    EncoderChecks.checkOpen(closed.get());
    Calibration fitted = calibration;
    if (fitted != null && !extra.has(HfConfig.CALIBRATION_KEY)) {
      extra = extra.deepCopy(); // a fitted calibration travels with the weights
      extra.add(HfConfig.CALIBRATION_KEY, HfConfig.calibrationJson(fitted));
    }
    boolean classifier = block.config().hasClassifier();
    LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : weights().entrySet()) {
      // BertForSequenceClassification nests the encoder under "bert."; BertModel does not.
      boolean head = e.getKey().startsWith("classifier.");
      tensors.put(classifier && !head ? "bert." + e.getKey() : e.getKey(), e.getValue());
    }
    try {
      Files.createDirectories(directory);
      SafeTensors.write(directory.resolve(WEIGHTS_FILE), tensors);
      HfConfig.write(directory.resolve(CONFIG_FILE), block.config(), extra);
      Files.writeString(directory.resolve(TOKENIZER_FILE), tokenizerJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelLoadException(directory, "cannot save: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      weightsChanged();
      model.close();
    }
  }
}
