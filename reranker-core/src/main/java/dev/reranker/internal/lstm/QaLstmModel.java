package dev.reranker.internal.lstm;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Calibration;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.internal.EncoderChecks;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HfConfig;
import dev.reranker.internal.io.HostArrays;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.io.SafeTensors;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The talk's QA-LSTM baseline ({@link QaLstmBlock}) served as a cross-encoder: {@link
 * #logits(TokenBatch)} takes the same {@code [CLS] context [SEP] reply [SEP]} batches as BERT and
 * splits each row into its context (token type 0, without {@code [CLS]} and {@code [SEP]}) and
 * reply (type 1, without the final {@code [SEP]}); an empty segment becomes its {@code [SEP]}
 * alone. So the trainer, the pair encoder and {@code Reranker} treat it as any cross-encoder.
 *
 * <p>Saved as a checkpoint folder: {@code config.json} with {@code model_type} {@value
 * #MODEL_TYPE}, the sizes, {@code id2label} and the calibration; float32 {@code model.safetensors}
 * in PyTorch names; {@code tokenizer.json}. This is the serving half: {@code
 * RerankerModel.checkpoint} loads it here; the trainer (reranker-training) wraps it to train it.
 */
public final class QaLstmModel implements EncoderModel {
  public static final String MODEL_TYPE = "qa-lstm-dual-encoder";

  /** The longest pair sequence the baseline takes: the LSTMs have no limit, the encoder does. */
  public static final int MAX_POSITIONS = 512;

  private final Model model;
  private final QaLstmBlock block;
  private final String tokenizerJson;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Calibration calibration;

  private QaLstmModel(Model model, QaLstmBlock block, String tokenizerJson) {
    this.model = model;
    this.block = block;
    this.tokenizerJson = tokenizerJson;
  }

  /**
   * Creates a randomly initialised baseline as PyTorch initialises one: embeddings N(0, 1) scaled
   * by 0.1, LSTM and Linear weights U(-1/sqrt(fan), 1/sqrt(fan)); deterministic for a seed. The
   * trainer starts the baseline from here; tests and benchmarks serve it as it is.
   */
  public static QaLstmModel random(
      BaselineConfig config, List<String> labels, String tokenizerJson, long seed, Device device) {
    QaLstmBlock block = new QaLstmBlock(config, labels);
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, HostTensor> weights = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : block.expectedShapes().entrySet()) {
      long[] shape = e.getValue().getShape();
      float[] data = new float[Math.toIntExact(e.getValue().size())];
      String name = e.getKey();
      if (name.equals("embeddings.weight")) {
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) (0.1 * gaussian(random));
        }
      } else {
        double fan =
            name.contains("_encoder.")
                ? config.hiddenSize()
                : name.startsWith("mlp.") ? 8.0 * config.hiddenSize() : config.mlpHiddenSize();
        double bound = 1 / Math.sqrt(fan);
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
      }
      weights.put(name, new HostTensor(shape, data));
    }
    return create(block, weights, tokenizerJson, device);
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static QaLstmModel create(
      QaLstmBlock block, Map<String, HostTensor> weights, String tokenizerJson, Device device) {
    DjlRuntime.ensureOffline();
    Model model = Model.newInstance("qa-lstm", device, "PyTorch");
    try {
      NDManager manager = model.getNDManager();
      for (Map.Entry<String, Shape> e : block.expectedShapes().entrySet()) {
        HostTensor w =
            java.util.Objects.requireNonNull(
                weights.get(e.getKey()), () -> "no weights for " + e.getKey());
        block.setWeight(e.getKey(), manager.create(w.data(), e.getValue()));
      }
      model.setBlock(block);
      return new QaLstmModel(model, block, tokenizerJson);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Returns whether {@code dir} holds a baseline checkpoint (its config.json says so). */
  public static boolean isCheckpoint(Path dir) {
    Path file = dir.resolve(NativeBert.CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try {
      JsonElement json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      return json.isJsonObject()
          && json.getAsJsonObject().has("model_type")
          && MODEL_TYPE.equals(json.getAsJsonObject().get("model_type").getAsString());
    } catch (IOException | RuntimeException e) {
      return false; // let the BERT loader name the problem
    }
  }

  /**
   * Loads a baseline checkpoint folder.
   *
   * @throws ModelLoadException naming the file and the problem
   */
  public static QaLstmModel load(Path dir, Device device) {
    Path configFile = dir.resolve(NativeBert.CONFIG_FILE);
    JsonObject json;
    try {
      json =
          JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8))
              .getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(configFile, "cannot read: " + e.getMessage(), e);
    }
    BaselineConfig config;
    List<String> labels = new ArrayList<>();
    try {
      config =
          new BaselineConfig(
              json.get("vocab_size").getAsInt(),
              json.get("embedding_dim").getAsInt(),
              json.get("hidden_size").getAsInt(),
              json.get("mlp_hidden_size").getAsInt(),
              json.has("dropout") ? json.get("dropout").getAsFloat() : 0f);
      TreeMap<Integer, String> byId = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("id2label").entrySet()) {
        byId.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
      }
      labels.addAll(byId.values());
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          configFile,
          "not a "
              + MODEL_TYPE
              + " config: missing or bad "
              + "vocab_size, embedding_dim, hidden_size, mlp_hidden_size or id2label ("
              + e
              + ")",
          e);
    }
    if (labels.isEmpty()) {
      throw new ModelLoadException(configFile, "id2label is empty", null);
    }
    Optional<Calibration> calibration = HfConfig.calibration(json, configFile);
    Path weightsFile = dir.resolve(NativeBert.WEIGHTS_FILE);
    Map<String, HostTensor> weights = SafeTensors.read(weightsFile);
    QaLstmBlock block = new QaLstmBlock(config, labels);
    block.checkWeights(weights, weightsFile.toString());
    String tokenizer = NativeBert.readTokenizer(dir.resolve(NativeBert.TOKENIZER_FILE));
    QaLstmModel loaded = create(block, weights, tokenizer, device);
    loaded.calibration = calibration.orElse(null);
    return loaded;
  }

  /** Returns the block. */
  public QaLstmBlock block() {
    return block;
  }

  /** Returns the DJL model that owns the parameters (for training). */
  public Model djlModel() {
    return model;
  }

  /** The two segments of a pair batch, right-padded, with reversed copies. */
  record Segments(
      int size,
      int contextLength,
      long[] context,
      long[] contextMask,
      long[] contextReversed,
      int replyLength,
      long[] reply,
      long[] replyMask,
      long[] replyReversed) {}

  /** Splits each {@code [CLS] context [SEP] reply [SEP]} row into its two segments. */
  static Segments split(TokenBatch batch) {
    int size = batch.size();
    int len = batch.length();
    long[][] contexts = new long[size][];
    long[][] replies = new long[size][];
    int maxContext = 1;
    int maxReply = 1;
    for (int row = 0; row < size; row++) {
      int at = row * len;
      int n = batch.rowLength(row);
      int firstReply = n;
      for (int j = 0; j < n; j++) {
        if (batch.typeIds()[at + j] != 0) {
          firstReply = j;
          break;
        }
      }
      long[] ids = batch.inputIds();
      // type 0: [CLS] context [SEP]; type 1: reply [SEP]
      contexts[row] =
          firstReply >= 3
              ? Arrays.copyOfRange(ids, at + 1, at + firstReply - 1)
              : new long[] {ids[at + Math.max(0, firstReply - 1)]};
      replies[row] =
          n - firstReply >= 2
              ? Arrays.copyOfRange(ids, at + firstReply, at + n - 1)
              : new long[] {ids[at + n - 1]};
      maxContext = Math.max(maxContext, contexts[row].length);
      maxReply = Math.max(maxReply, replies[row].length);
    }
    long[][] c = pad(contexts, maxContext);
    long[][] r = pad(replies, maxReply);
    return new Segments(size, maxContext, c[0], c[1], c[2], maxReply, r[0], r[1], r[2]);
  }

  private static long[][] pad(long[][] rows, int length) {
    long[] ids = new long[rows.length * length];
    long[] mask = new long[rows.length * length];
    long[] reversed = new long[rows.length * length];
    for (int i = 0; i < rows.length; i++) {
      long[] row = rows[i];
      for (int j = 0; j < row.length; j++) {
        ids[i * length + j] = row[j];
        reversed[i * length + j] = row[row.length - 1 - j];
        mask[i * length + j] = 1;
      }
    }
    return new long[][] {ids, mask, reversed};
  }

  /**
   * Returns the block's six inputs for a cross-encoder pair batch, created in {@code manager}: each
   * segment's ids, mask and reversed ids (see {@link QaLstmBlock}).
   */
  public NDList inputs(NDManager manager, TokenBatch batch) {
    Segments s = split(batch);
    Shape c = new Shape(s.size(), s.contextLength());
    Shape r = new Shape(s.size(), s.replyLength());
    return new NDList(
        manager.create(s.context(), c),
        manager.create(s.contextMask(), c),
        manager.create(s.contextReversed(), c),
        manager.create(s.reply(), r),
        manager.create(s.replyMask(), r),
        manager.create(s.replyReversed(), r));
  }

  /** Returns the number of trainable values. */
  public long parameterCount() {
    long n = 0;
    for (Parameter p : block.getParameters().values()) {
      n += p.getArray().getShape().size();
    }
    return n;
  }

  /** Sets the calibration saved with the model and reported by {@link #calibration()}. */
  public void setCalibration(@Nullable Calibration calibration) {
    this.calibration = calibration;
  }

  @Override
  public Optional<Calibration> calibration() {
    return Optional.ofNullable(calibration);
  }

  @Override
  public ModelKind kind() {
    return ModelKind.CROSS_ENCODER;
  }

  @Override
  public List<String> labels() {
    return block.labels();
  }

  @Override
  public String tokenizerJson() {
    return tokenizerJson;
  }

  @Override
  public int maxPositions() {
    return MAX_POSITIONS;
  }

  @Override
  public float[][] logits(TokenBatch batch) {
    EncoderChecks.checkOpen(closed.get());
    EncoderChecks.checkLength(batch, MAX_POSITIONS);
    JniUtils.setGradMode(false); // thread-local in libtorch: no autograd graph for inference
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList out = block.forward(new ParameterStore(m, false), inputs(m, batch), false);
      float[] flat = out.get(0).toType(DataType.FLOAT32, false).toFloatArray();
      return HostArrays.rows(flat, batch.size(), block.labels().size());
    }
  }

  /** Returns the pooled context and reply vectors, {@code [batch][2 * hidden]} each (tests). */
  float[][][] encodings(TokenBatch batch) {
    JniUtils.setGradMode(false);
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDList out = block.forward(new ParameterStore(m, false), inputs(m, batch), false);
      int width = 2 * block.config().hiddenSize();
      float[][][] result = new float[2][batch.size()][];
      for (int k = 0; k < 2; k++) {
        result[k] = HostArrays.rows(out.get(k + 1).toFloatArray(), batch.size(), width);
      }
      return result;
    }
  }

  /**
   * Not supported: the baseline scores pairs, it does not embed single texts.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public float[][] embed(TokenBatch batch) {
    throw new UnsupportedOperationException(
        "the QA-LSTM baseline is served as a cross-encoder: use logits()");
  }

  /** Copies every parameter to the host, under its PyTorch name. */
  public LinkedHashMap<String, HostTensor> weights() {
    return HostArrays.parameters(block);
  }

  @Override
  public void save(Path directory) {
    save(directory, new JsonObject());
  }

  /** Saves as a checkpoint folder, adding {@code extra} entries to its {@code config.json}. */
  public void save(Path directory, JsonObject extra) {
    EncoderChecks.checkOpen(closed.get());
    BaselineConfig c = block.config();
    JsonObject json = new JsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add("QaLstmDualEncoder");
    json.add("architectures", architectures);
    json.addProperty("model_type", MODEL_TYPE);
    json.addProperty("vocab_size", c.vocabSize());
    json.addProperty("embedding_dim", c.embeddingDim());
    json.addProperty("hidden_size", c.hiddenSize());
    json.addProperty("mlp_hidden_size", c.mlpHiddenSize());
    json.addProperty("dropout", c.dropout());
    json.addProperty("pooling", "max");
    json.addProperty("features", "[c, r, c*r, |c-r|]");
    JsonObject id2label = new JsonObject();
    JsonObject label2id = new JsonObject();
    for (int i = 0; i < block.labels().size(); i++) {
      id2label.addProperty(Integer.toString(i), block.labels().get(i));
      label2id.addProperty(block.labels().get(i), i);
    }
    json.add("id2label", id2label);
    json.add("label2id", label2id);
    Calibration fitted = calibration;
    if (fitted != null) {
      json.add(HfConfig.CALIBRATION_KEY, HfConfig.calibrationJson(fitted));
    }
    for (Map.Entry<String, JsonElement> e : extra.entrySet()) {
      json.add(e.getKey(), e.getValue());
    }
    try {
      Files.createDirectories(directory);
      SafeTensors.write(directory.resolve(NativeBert.WEIGHTS_FILE), weights());
      Files.writeString(
          directory.resolve(NativeBert.CONFIG_FILE),
          new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n",
          StandardCharsets.UTF_8);
      Files.writeString(
          directory.resolve(NativeBert.TOKENIZER_FILE), tokenizerJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelLoadException(directory, "cannot save: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      model.close();
    }
  }

  @Override
  public String toString() {
    BaselineConfig c = block.config();
    return String.format(
        Locale.ROOT,
        "QA-LSTM baseline (embeddings %dx%d, BiLSTM %d, MLP %d, %.1fM parameters, labels %s)",
        c.vocabSize(),
        c.embeddingDim(),
        c.hiddenSize(),
        c.mlpHiddenSize(),
        parameterCount() / 1e6,
        block.labels());
  }
}
