package dev.reranker.internal.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.reranker.internal.io.HalfFloats;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.onnx.OnnxProto.GraphProto;
import dev.reranker.internal.onnx.OnnxProto.ModelProto;
import dev.reranker.internal.onnx.OnnxProto.NodeProto;
import dev.reranker.internal.onnx.OnnxProto.TensorProto;
import dev.reranker.model.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the weights of a BERT exported to ONNX by {@code torch.onnx.export} (as
 * sentence-transformers models are) and names them as HuggingFace does.
 *
 * <p>Named initializers ({@code embeddings.word_embeddings.weight}, every {@code .bias}, every
 * LayerNorm) keep their names. The exporter strips the names of Linear weights: they appear as
 * anonymous {@code onnx::MatMul_N} initializers, already transposed to {@code [in, out]}. Each is
 * named by following its MatMul node to the Add node that adds a named {@code .bias}: the weight of
 * {@code encoder.layer.0.attention.self.query.bias} is {@code
 * encoder.layer.0.attention.self.query.weight}. It is transposed back to HuggingFace's {@code [out,
 * in]}.
 */
public final class OnnxBertImporter {
  private OnnxBertImporter() {}

  /**
   * Reads the float initializers of an ONNX BERT, keyed by HuggingFace name (no {@code bert.}
   * prefix).
   *
   * @param in the ONNX file's bytes; read fully, not closed
   * @param source the file or resource name, for error messages
   * @throws ModelLoadException if the stream is not a readable ONNX model or a Linear weight cannot
   *     be named
   */
  public static LinkedHashMap<String, HostTensor> read(InputStream in, String source) {
    ModelProto model;
    try {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(coded);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(source, "not a readable ONNX model: " + e.getMessage(), e);
    }
    if (!model.hasGraph() || model.getGraph().getInitializerCount() == 0) {
      throw new ModelLoadException(source, "ONNX model has no graph initializers", null);
    }
    GraphProto graph = model.getGraph();

    Map<String, TensorProto> initializers = new LinkedHashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.put(t.getName(), t);
    }
    Map<String, NodeProto> consumerOf = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      for (String input : node.getInputList()) {
        consumerOf.putIfAbsent(input, node);
      }
    }

    LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      if (!node.getOpType().equals("MatMul") || node.getInputCount() != 2) {
        continue;
      }
      TensorProto weight = initializers.get(node.getInput(1));
      if (weight == null || !weight.getName().startsWith("onnx::MatMul")) {
        continue;
      }
      String biasName = biasAddedTo(node, consumerOf, initializers);
      if (biasName == null) {
        throw new ModelLoadException(
            source,
            "cannot name Linear weight '"
                + weight.getName()
                + "': its MatMul output "
                + node.getOutput(0)
                + " is not added to a named .bias initializer",
            null);
      }
      String name = biasName.substring(0, biasName.length() - ".bias".length()) + ".weight";
      out.put(name, toHost(weight, source).transpose2d());
    }
    for (TensorProto t : graph.getInitializerList()) {
      String name = t.getName();
      if (name.startsWith("onnx::") || !isFloat(t)) {
        continue; // named Linear weights are handled above; int buffers (position_ids) skipped
      }
      out.put(name, toHost(t, source));
    }
    return out;
  }

  private static @Nullable String biasAddedTo(
      NodeProto matMul, Map<String, NodeProto> consumerOf, Map<String, TensorProto> initializers) {
    NodeProto add = consumerOf.get(matMul.getOutput(0));
    if (add == null || !add.getOpType().equals("Add")) {
      return null;
    }
    for (String input : add.getInputList()) {
      TensorProto t = initializers.get(input);
      if (t != null && t.getName().endsWith(".bias")) {
        return t.getName();
      }
    }
    return null;
  }

  private static boolean isFloat(TensorProto t) {
    int type = t.getDataType();
    return type == TensorProto.DataType.FLOAT_VALUE
        || type == TensorProto.DataType.FLOAT16_VALUE
        || type == TensorProto.DataType.BFLOAT16_VALUE
        || type == TensorProto.DataType.DOUBLE_VALUE;
  }

  private static HostTensor toHost(TensorProto t, String source) {
    List<Long> dims = t.getDimsList();
    long[] shape = new long[dims.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = dims.get(i);
      count *= shape[i];
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new ModelLoadException(
          source, "tensor '" + t.getName() + "' uses external data, which is not supported", null);
    }
    if (count > Integer.MAX_VALUE) {
      throw new ModelLoadException(source, "tensor '" + t.getName() + "' is too large", null);
    }
    float[] data = new float[(int) count];
    int type = t.getDataType();
    ByteString raw = t.getRawData();
    if (type == TensorProto.DataType.FLOAT_VALUE) {
      if (!raw.isEmpty()) {
        checkBytes(t, raw, count * 4, source);
        raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
      } else {
        checkCount(t, t.getFloatDataCount(), count, source);
        for (int i = 0; i < data.length; i++) {
          data[i] = t.getFloatData(i);
        }
      }
    } else if (type == TensorProto.DataType.DOUBLE_VALUE) {
      if (!raw.isEmpty()) {
        checkBytes(t, raw, count * 8, source);
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) b.getDouble();
        }
      } else {
        checkCount(t, t.getDoubleDataCount(), count, source);
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) t.getDoubleData(i);
        }
      }
    } else {
      // FLOAT16 / BFLOAT16: raw little-endian halves, or one half per int32_data entry.
      boolean bf16 = type == TensorProto.DataType.BFLOAT16_VALUE;
      if (!raw.isEmpty()) {
        checkBytes(t, raw, count * 2, source);
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < data.length; i++) {
          data[i] = HalfFloats.widen(b.getShort(), bf16);
        }
      } else {
        checkCount(t, t.getInt32DataCount(), count, source);
        for (int i = 0; i < data.length; i++) {
          data[i] = HalfFloats.widen((short) t.getInt32Data(i), bf16);
        }
      }
    }
    return new HostTensor(shape, data);
  }

  private static void checkBytes(TensorProto t, ByteString raw, long expected, String source) {
    if (raw.size() != expected) {
      throw new ModelLoadException(
          source,
          "tensor '" + t.getName() + "' has " + raw.size() + " bytes of data, expected " + expected,
          null);
    }
  }

  private static void checkCount(TensorProto t, int actual, long expected, String source) {
    if (actual != expected) {
      throw new ModelLoadException(
          source,
          "tensor '" + t.getName() + "' has " + actual + " values, expected " + expected,
          null);
    }
  }
}
