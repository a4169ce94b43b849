package dev.reranker.internal.torchscript;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.reranker.internal.EncoderChecks;
import dev.reranker.internal.io.HostArrays;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link EncoderModel} backed by a TorchScript module ({@code torch.jit.script} or {@code
 * torch.jit.trace} output, saved with {@code torch.jit.save}), run by DJL's PyTorch engine.
 *
 * <p>The module's {@code forward} takes {@code (input_ids, attention_mask, token_type_ids)}, all
 * int64 {@code [batch, length]}, and returns a tensor, a tuple or list whose first element is the
 * tensor, or a dict holding {@code logits} (cross-encoders) or {@code last_hidden_state}
 * (bi-encoders). A cross-encoder's tensor is the logits {@code [batch, labels]}; a bi-encoder's is
 * either the last hidden states {@code [batch, length, hidden]}, mean-pooled here over the unpadded
 * tokens, or ready embeddings {@code [batch, hidden]}. Embeddings are L2-normalised.
 *
 * <p>Thread safety: {@link #logits} and {@link #embed} may run concurrently; each call makes its
 * own {@link Predictor} and {@link NDManager} and closes them before it returns.
 */
public final class TorchScriptEncoder implements EncoderModel {
  private static final String ENGINE = "PyTorch";

  private final Path source;
  private final ZooModel<NDList, NDList> model;
  private final String tokenizerJson;
  private final ModelKind kind;
  private final List<String> labels;
  private final int maxPositions;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TorchScriptEncoder(
      Path source,
      ZooModel<NDList, NDList> model,
      String tokenizerJson,
      ModelKind kind,
      List<String> labels,
      int maxPositions) {
    this.source = source;
    this.model = model;
    this.tokenizerJson = tokenizerJson;
    this.kind = kind;
    this.labels = labels;
    this.maxPositions = maxPositions;
  }

  /**
   * Loads a TorchScript module on the CPU.
   *
   * @see #load(Path, String, ModelKind, List, int, Device)
   */
  public static TorchScriptEncoder load(
      Path modelPt, String tokenizerJson, ModelKind kind, List<String> labels, int maxPositions) {
    return load(modelPt, tokenizerJson, kind, labels, maxPositions, Device.cpu());
  }

  /**
   * Loads a TorchScript module.
   *
   * @param modelPt the {@code .pt} file written by {@code torch.jit.save}
   * @param tokenizerJson the content of the model's {@code tokenizer.json}
   * @param kind whether the module emits logits (cross-encoder) or hidden states / embeddings
   * @param labels the logits' label names in order; non-empty for a cross-encoder, empty for a
   *     bi-encoder
   * @param maxPositions the longest sequence the module accepts
   * @param device where to run it, for example {@link Device#cpu()} or {@link #preferredDevice()}
   * @throws ModelLoadException if the file is missing or unreadable, or libtorch cannot load it
   * @throws IllegalArgumentException if the labels do not suit the kind, or maxPositions is not
   *     positive
   */
  public static TorchScriptEncoder load(
      Path modelPt,
      String tokenizerJson,
      ModelKind kind,
      List<String> labels,
      int maxPositions,
      Device device) {
    requireNonNull(modelPt, "modelPt");
    requireNonNull(tokenizerJson, "tokenizerJson");
    requireNonNull(kind, "kind");
    requireNonNull(device, "device");
    List<String> labelList = List.copyOf(labels);
    checkArgument(maxPositions > 0, "maxPositions must be positive, but was %s", maxPositions);
    if (kind == ModelKind.CROSS_ENCODER) {
      checkArgument(!labelList.isEmpty(), "a cross-encoder needs at least one label");
    } else {
      checkArgument(labelList.isEmpty(), "a bi-encoder has no labels, but was given %s", labelList);
    }
    checkReadableArchive(modelPt);

    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(modelPt)
            .optEngine(ENGINE)
            .optTranslator(new NoopTranslator())
            .optDevice(device)
            // Load the weights onto `device` whatever device the module was saved from.
            .optOption("mapLocation", "true")
            .build();
    ZooModel<NDList, NDList> model;
    try {
      model = criteria.loadModel();
    } catch (ModelException | IOException e) {
      throw new ModelLoadException(
          modelPt, "cannot load the TorchScript module: " + firstLine(e), e);
    } catch (EngineException e) {
      throw new ModelLoadException(
          modelPt, "libtorch cannot load this file as a TorchScript module: " + firstLine(e), e);
    } catch (RuntimeException e) {
      throw new ModelLoadException(
          modelPt, "cannot load the TorchScript module: " + firstLine(e), e);
    }
    return new TorchScriptEncoder(modelPt, model, tokenizerJson, kind, labelList, maxPositions);
  }

  /** Returns the first GPU when DJL's PyTorch engine sees one, else the CPU. */
  public static Device preferredDevice() {
    return Engine.getEngine(ENGINE).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** Fails with a {@link ModelLoadException} unless the file is a readable zip archive. */
  private static void checkReadableArchive(Path modelPt) {
    if (!Files.exists(modelPt)) {
      throw new ModelLoadException(modelPt, "TorchScript file not found");
    }
    if (!Files.isRegularFile(modelPt)) {
      throw new ModelLoadException(modelPt, "not a file; expected a TorchScript .pt file");
    }
    byte[] magic = new byte[4];
    int n;
    try (InputStream in = Files.newInputStream(modelPt)) {
      n = in.readNBytes(magic, 0, magic.length);
    } catch (IOException e) {
      throw new ModelLoadException(modelPt, "cannot read the TorchScript file: " + e, e);
    }
    // torch.jit.save writes a zip archive; anything else would only make libtorch fail later.
    if (n < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
      throw new ModelLoadException(
          modelPt, "not a TorchScript module (expected the zip archive torch.jit.save writes)");
    }
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    String line = message.strip();
    int end = line.indexOf('\n');
    return end < 0 ? line : line.substring(0, end).strip();
  }

  /**
   * Returns the line of an error that says what went wrong: for a TorchScript interpreter traceback
   * its last line (for example {@code RuntimeError: index out of range in self}).
   */
  private static String errorLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || !message.contains("Traceback of TorchScript")) {
      return firstLine(e);
    }
    List<String> lines = message.strip().lines().toList();
    return lines.get(lines.size() - 1).strip();
  }

  @Override
  public ModelKind kind() {
    return kind;
  }

  @Override
  public List<String> labels() {
    return labels;
  }

  @Override
  public String tokenizerJson() {
    return tokenizerJson;
  }

  @Override
  public int maxPositions() {
    return maxPositions;
  }

  @Override
  public float[][] logits(TokenBatch batch) {
    requireNonNull(batch, "batch");
    ensureOpen();
    EncoderChecks.checkCrossEncoder(kind, source.toString());
    checkLength(batch);
    return run(
        batch,
        "logits",
        (manager, output) -> {
          Shape shape = output.getShape();
          int size = batch.size();
          int width = labels.size();
          if (shape.dimension() != 2 || shape.get(0) != size || shape.get(1) != width) {
            throw new IllegalStateException(
                source
                    + ": the TorchScript module returned logits of shape "
                    + shape
                    + ", expected ("
                    + size
                    + ", "
                    + width
                    + ") for labels "
                    + labels);
          }
          return HostArrays.rows(toFloats(output), size, width);
        });
  }

  @Override
  public float[][] embed(TokenBatch batch) {
    requireNonNull(batch, "batch");
    ensureOpen();
    checkLength(batch);
    return run(
        batch,
        "last_hidden_state",
        (manager, output) -> {
          Shape shape = output.getShape();
          int size = batch.size();
          float[][] embeddings;
          if (shape.dimension() == 3 && shape.get(0) == size && shape.get(1) == batch.length()) {
            int hidden = Math.toIntExact(shape.get(2));
            NDArray mask =
                manager
                    .create(batch.attentionMask(), new Shape(size, batch.length()))
                    .toType(DataType.FLOAT32, false)
                    .expandDims(2);
            NDArray states = output.toType(DataType.FLOAT32, false);
            NDArray sums = states.mul(mask).sum(new int[] {1});
            NDArray counts = mask.sum(new int[] {1}).maximum(1e-9f);
            embeddings = HostArrays.rows(toFloats(sums.div(counts)), size, hidden);
          } else if (shape.dimension() == 2 && shape.get(0) == size) {
            embeddings = HostArrays.rows(toFloats(output), size, Math.toIntExact(shape.get(1)));
          } else {
            throw new IllegalStateException(
                source
                    + ": the TorchScript module returned an output of shape "
                    + shape
                    + ", expected ("
                    + size
                    + ", "
                    + batch.length()
                    + ", hidden) or ("
                    + size
                    + ", hidden)");
          }
          for (float[] row : embeddings) {
            normalise(row);
          }
          return embeddings;
        });
  }

  /** What to do with the module's output; runs while the call's manager is open. */
  private interface OutputReader {
    float[][] read(NDManager manager, NDArray output);
  }

  private float[][] run(TokenBatch batch, String preferredName, OutputReader reader) {
    // Grad mode is thread-local in libtorch: turn it off for this thread, then restore it.
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager manager = model.getNDManager().newSubManager();
        Predictor<NDList, NDList> predictor = model.newPredictor()) {
      Shape shape = new Shape(batch.size(), batch.length());
      NDList inputs =
          new NDList(
              manager.create(batch.inputIds(), shape),
              manager.create(batch.attentionMask(), shape),
              manager.create(batch.typeIds(), shape));
      NDList outputs;
      try {
        outputs = predictor.predict(inputs);
      } catch (TranslateException | EngineException e) {
        throw new IllegalStateException(
            source
                + ": the TorchScript module failed on a batch of shape "
                + shape
                + ": "
                + errorLine(rootCause(e)),
            e);
      }
      // Outputs live on the inputs' manager; attach them anyway so that closing it frees them.
      outputs.attach(manager);
      return reader.read(manager, select(outputs, preferredName));
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  private NDArray select(NDList outputs, String preferredName) {
    if (outputs.isEmpty()) {
      throw new IllegalStateException(source + ": the TorchScript module returned no tensor");
    }
    for (NDArray array : outputs) {
      if (preferredName.equals(array.getName())) {
        return array;
      }
    }
    return outputs.get(0);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static float[] toFloats(NDArray array) {
    return array.getDataType() == DataType.FLOAT32
        ? array.toFloatArray()
        : array.toType(DataType.FLOAT32, false).toFloatArray();
  }

  /** L2-normalises in place, as {@code torch.nn.functional.normalize} (eps 1e-12) does. */
  private static void normalise(float[] row) {
    double sum = 0;
    for (float v : row) {
      sum += (double) v * v;
    }
    double norm = Math.max(Math.sqrt(sum), 1e-12);
    for (int i = 0; i < row.length; i++) {
      row[i] = (float) (row[i] / norm);
    }
  }

  private void checkLength(TokenBatch batch) {
    EncoderChecks.checkLength(batch, maxPositions);
  }

  private void ensureOpen() {
    EncoderChecks.checkOpen(closed.get());
  }

  /**
   * Always throws: a TorchScript module's weights are opaque.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public void save(Path directory) {
    throw new UnsupportedOperationException(
        "TorchScript weights cannot be exported as a HuggingFace checkpoint ("
            + source
            + " is an opaque TorchScript module); load the original checkpoint instead");
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      model.close();
    }
  }

  @Override
  public String toString() {
    return "TorchScriptEncoder[" + source + ", " + kind + "]";
  }
}
