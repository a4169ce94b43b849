package dev.reranker.internal.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.model.BertConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The embeddings and encoder layers of a BERT as one TorchScript method, generated for its config
 * and run by libtorch in one native call: no Java or JNI work between operators, and operators DJL
 * 0.36's eager API does not reach ({@code scaled_dot_product_attention}, PyTorch's fused attention
 * kernel).
 *
 * <p>The module is written here, not traced: its source ({@link #source}) is TorchScript text,
 * packed with a minimal pickle of the module object into the zip layout {@code torch.jit.save}
 * writes, and compiled by libtorch when loaded. It holds no tensors: its {@code prepack} method
 * turns the weights, once, into a {@code List[Tensor]} (oneDNN-reordered where oneDNN runs) and a
 * list of fbgemm's packed int8 Linear weights (empty unless int8 runs), which every call takes as
 * one argument. Thread-safe: a call only reads the module and the weights.
 */
final class ScriptedLayers implements AutoCloseable {
  /** Weights per layer in {@link #weights}: qkv (w, b), out (w, b), norm, ffn in, ffn out, norm. */
  static final int PER_LAYER = 12;

  private static final String NAME = "bert_layers";

  /** The TorchScript type of a Linear's weights prepacked for {@code quantized::linear_dynamic}. */
  private static final String PACKED_PARAMS =
      "__torch__.torch.classes.quantized.LinearPackedParamsBase";

  /**
   * Applies DJL's {@value DjlRuntime#GRAPH_OPTIMIZER} to the calling thread (libtorch keeps the
   * setting per thread), as {@code PtSymbolBlock.forward} does: {@link IValueUtils#forward}
   * bypasses it. Unset, libtorch's default stays (on: it profiles and specializes the graph for the
   * shapes it sees, and the packed forward sees a new token count in nearly every batch).
   */
  static void applyGraphOptimizer() {
    String value = System.getProperty(DjlRuntime.GRAPH_OPTIMIZER);
    if (value != null) {
      JniUtils.setGraphExecutorOptimize(Boolean.parseBoolean(value));
    }
  }

  private final PtSymbolBlock module;
  private final IValue weights;
  private final boolean oneDnn;
  private final Set<LinearKind> int8;

  /**
   * Compiles the module and binds the weights.
   *
   * @param weights the embeddings (word, position, type, norm weight, norm bias), then per layer
   *     the fused QKV Linear (weight {@code [out, in]} as {@code linear} takes it, bias), attention
   *     output Linear, its LayerNorm, intermediate Linear, output Linear, its LayerNorm
   * @param scale the attention's score scale (1 when folded into the query weights)
   * @param oneDnn whether the float32 Linear layers run as oneDNN products on weights prepacked
   *     once, with GELU fused into the intermediate one (CPU only); else {@code torch.linear}
   * @param int8 the Linear layers that run as dynamic int8 products instead (x86 CPUs with fbgemm's
   *     kernels: AVX2 or newer); empty for float32
   * @throws ai.djl.engine.EngineException if libtorch cannot compile or prepack (an operator it
   *     lacks)
   */
  ScriptedLayers(
      BertConfig config,
      double scale,
      List<NDArray> weights,
      NDManager manager,
      boolean oneDnn,
      Set<LinearKind> int8) {
    if (weights.size() != 5 + PER_LAYER * config.numLayers()) {
      throw new IllegalArgumentException(
          "expected " + (5 + PER_LAYER * config.numLayers()) + " weights, got " + weights.size());
    }
    PtNDArray[] list = new PtNDArray[weights.size()];
    for (int i = 0; i < list.length; i++) {
      list[i] = (PtNDArray) weights.get(i);
    }
    PtSymbolBlock loaded = load(source(config, scale, oneDnn, int8), manager);
    try (IValue plain = IValue.listFrom(list)) {
      applyGraphOptimizer();
      this.weights = IValueUtils.runMethod(loaded, "prepack", plain);
    } catch (RuntimeException e) {
      loaded.close();
      throw e;
    }
    this.module = loaded;
    this.oneDnn = oneDnn;
    this.int8 = Set.copyOf(int8);
  }

  private static PtSymbolBlock load(String source, NDManager manager) {
    try {
      return JniUtils.loadModule(
          (PtNDManager) manager, new ByteArrayInputStream(archive(source)), true, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the Linear layers run as oneDNN products on prepacked weights (CPU, float32). */
  boolean oneDnn() {
    return oneDnn;
  }

  /** The Linear layers that run as dynamic int8 products. */
  Set<LinearKind> int8() {
    return int8;
  }

  /**
   * Runs the embeddings and every layer: the last hidden states {@code [tokens, hidden]}, in {@code
   * ids} order, attached to {@code m}.
   *
   * @param ids the tokens' ids {@code [tokens]}, with {@code types} and {@code positions}
   * @param groups the attention groups; their concatenated padded positions, gathered back with
   *     {@code pack} (null: the groups' positions are the tokens themselves)
   */
  NDArray run(
      NDManager m,
      NDArray ids,
      NDArray types,
      NDArray positions,
      List<BertInference.AttentionGroup> groups,
      @Nullable NDArray pack) {
    List<IValue> owned = new ArrayList<>();
    try {
      PtNDArray[] unpacks = new PtNDArray[groups.size()];
      PtNDArray[] masks = new PtNDArray[groups.size()];
      long[] sizes = new long[3 * groups.size()];
      for (int g = 0; g < groups.size(); g++) {
        BertInference.AttentionGroup group = groups.get(g);
        unpacks[g] = (PtNDArray) (group.unpack() == null ? ids : group.unpack());
        masks[g] = (PtNDArray) (group.mask() == null ? ids : group.mask());
        sizes[3 * g] = group.rows();
        sizes[3 * g + 1] = group.seq();
        sizes[3 * g + 2] = (group.unpack() == null ? 0 : 1) | (group.mask() == null ? 0 : 2);
      }
      IValue[] inputs = {
        own(owned, IValue.from((PtNDArray) ids)),
        own(owned, IValue.from((PtNDArray) types)),
        own(owned, IValue.from((PtNDArray) positions)),
        own(owned, IValue.listFrom(unpacks)),
        own(owned, IValue.listFrom(masks)),
        own(owned, IValue.listFrom(sizes)),
        own(owned, IValue.from((PtNDArray) (pack == null ? ids : pack))),
        own(owned, IValue.from(pack != null)),
        weights
      };
      applyGraphOptimizer();
      IValue out = own(owned, IValueUtils.forward(module, inputs));
      return out.toTensor((PtNDManager) m);
    } finally {
      for (IValue v : owned) {
        v.close();
      }
    }
  }

  private static IValue own(List<IValue> owned, IValue v) {
    owned.add(v);
    return v;
  }

  /**
   * The four Linear layers of a BERT layer, by their weight's offset in the layer's slice of {@link
   * #weights} (the bias follows the weight).
   */
  enum LinearKind {
    QKV(0),
    ATTENTION_OUT(2),
    INTERMEDIATE(6),
    OUTPUT(8);

    final int offset;

    LinearKind(int offset) {
      this.offset = offset;
    }
  }

  /**
   * The TorchScript source of the module for {@code config}.
   *
   * @param int8 the Linear layers that run as dynamic int8 products ({@code
   *     quantized::linear_dynamic}: weights quantized per output channel once, in {@code prepack};
   *     activations per call); the others run as {@code oneDnn} says
   */
  static String source(BertConfig config, double scale, boolean oneDnn, Set<LinearKind> int8) {
    int h = config.hiddenSize();
    String eps = Double.toString(config.layerNormEps());
    java.util.Map<LinearKind, String> product = new java.util.EnumMap<>(LinearKind.class);
    java.util.Map<LinearKind, Integer> packedIndex = new java.util.EnumMap<>(LinearKind.class);
    for (LinearKind kind : LinearKind.values()) {
      if (int8.contains(kind)) {
        packedIndex.put(kind, packedIndex.size());
      }
    }
    for (LinearKind kind : LinearKind.values()) {
      String input =
          switch (kind) {
            case ATTENTION_OUT -> "c";
            case OUTPUT -> "i";
            default -> "x";
          };
      String w = "w[o + " + kind.offset + "]";
      String b = "w[o + " + (kind.offset + 1) + "]";
      boolean gelu = kind == LinearKind.INTERMEDIATE;
      String expression;
      if (int8.contains(kind)) {
        expression =
            String.format(
                Locale.ROOT,
                "ops.quantized.linear_dynamic(%s, q[%d * l + %d], False)",
                input,
                int8.size(),
                packedIndex.get(kind));
        // In place: a fresh [tokens, intermediate] output per call costs more in page faults than
        // GELU itself (37 ms of a 245 ms 32x80 forward, against 7 ms in place).
        expression = gelu ? "torch.gelu_(" + expression + ")" : expression;
      } else if (oneDnn) {
        expression =
            String.format(
                Locale.ROOT,
                "ops.mkldnn._linear_pointwise(%s, %s, %s, %s)",
                input,
                w,
                b,
                gelu ? "\"gelu\", [], \"none\"" : "\"none\", [], \"\"");
      } else {
        expression = "torch.linear(" + input + ", " + w + ", " + b + ")";
        expression = gelu ? "torch.gelu(" + expression + ")" : expression;
      }
      if (kind == LinearKind.ATTENTION_OUT || kind == LinearKind.OUTPUT) {
        // The residual: onto the int8 product's own fresh output, in place (as above).
        expression =
            int8.contains(kind)
                ? "(" + expression + ").add_(x)"
                : "torch.add(" + expression + ", x)";
      }
      product.put(kind, expression);
    }
    StringBuilder quantized = new StringBuilder("False");
    for (LinearKind kind : int8) {
      quantized.append(" or k == ").append(kind.offset);
    }
    StringBuilder reordered = new StringBuilder("False");
    if (oneDnn) {
      for (LinearKind kind : LinearKind.values()) {
        if (!int8.contains(kind)) {
          reordered.append(" or k == ").append(kind.offset);
        }
      }
    }
    return String.format(
        Locale.ROOT,
        """
        class %1$s(Module):
          __parameters__ = []
          __buffers__ = []
          training : bool
          _is_full_backward_hook : Optional[bool]
          def forward(self: __torch__.%1$s, ids: Tensor, types: Tensor, positions: Tensor,
              unpacks: List[Tensor], masks: List[Tensor], sizes: List[int], pack: Tensor,
              packed: bool, prepacked: Tuple[List[Tensor], List[%9$s]]) -> Tensor:
            w, q = prepacked
            x = torch.add(torch.add(torch.embedding(w[0], ids), torch.embedding(w[1], positions)),
                torch.embedding(w[2], types))
            x = torch.layer_norm(x, [%2$d], w[3], w[4], %3$s)
            for l in range(%4$d):
              o = 5 + %7$d * l
              qkv = %10$s
              parts = annotate(List[Tensor], [])
              for g in range(len(unpacks)):
                rows = sizes[3 * g]
                seq = sizes[3 * g + 1]
                flags = sizes[3 * g + 2]
                p = qkv
                if (flags & 1) != 0:
                  p = torch.embedding(qkv, unpacks[g])
                s = p.view([rows, seq, 3, %5$d, %6$d]).permute([2, 0, 3, 1, 4])
                mask = annotate(Optional[Tensor], None)
                if (flags & 2) != 0:
                  mask = masks[g]
                a = torch.scaled_dot_product_attention(s[0], s[1], s[2], mask, 0., False,
                    scale=%8$s)
                parts.append(a.transpose(1, 2).reshape([rows * seq, %2$d]))
              c = parts[0]
              if len(parts) > 1:
                c = torch.cat(parts)
              if packed:
                c = torch.embedding(c, pack)
              x = torch.layer_norm(%11$s, [%2$d], w[o + 4], w[o + 5], %3$s)
              i = %12$s
              x = torch.layer_norm(%13$s, [%2$d], w[o + 10], w[o + 11], %3$s)
            return x
          def prepack(self: __torch__.%1$s, w: List[Tensor]) -> Tuple[List[Tensor], List[%9$s]]:
            packed = annotate(List[Tensor], [])
            q = annotate(List[%9$s], [])
            for j in range(len(w)):
              k = (j - 5) %% %7$d
              if j >= 5 and (%14$s):
                weight = w[j].contiguous()
                scales = torch.clamp(torch.amax(torch.abs(weight), [1]) / 127., 1e-12)
                zeros = torch.zeros([weight.size(0)], dtype=4)
                q.append(ops.quantized.linear_prepack(
                    torch.quantize_per_channel(weight, scales, zeros, 0, 12), w[j + 1]))
                packed.append(torch.empty([0]))
              elif j >= 5 and (%15$s):
                packed.append(ops.mkldnn._reorder_linear_weight(w[j].contiguous(), None))
              else:
                packed.append(w[j])
            return (packed, q)
        """,
        NAME,
        h,
        eps,
        config.numLayers(),
        config.numHeads(),
        config.headSize(),
        PER_LAYER,
        Double.toString(scale),
        PACKED_PARAMS,
        product.get(LinearKind.QKV),
        product.get(LinearKind.ATTENTION_OUT),
        product.get(LinearKind.INTERMEDIATE),
        product.get(LinearKind.OUTPUT),
        quantized,
        reordered);
  }

  /** The module as {@code torch.jit.save} lays it out: the object's pickle, code, constants. */
  private static byte[] archive(String source) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      entry(zip, NAME + "/data.pkl", modulePickle());
      entry(zip, NAME + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      entry(zip, NAME + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // ()
      // The file-format version: 10 is current, so libtorch applies no operator upgraders (at 3,
      // gelu would be read with its pre-1.12 schema, which has no approximate argument).
      entry(zip, NAME + "/version", "10\n".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Pickle protocol 2 of {@code __torch__.NAME} with {@code training=False} and {@code
   * _is_full_backward_hook=None}: GLOBAL, EMPTY_TUPLE, NEWOBJ, a dict of the two, BUILD.
   */
  private static byte[] modulePickle() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(new byte[] {(byte) 0x80, 2});
    o.writeBytes(("c__torch__\n" + NAME + "\n").getBytes(StandardCharsets.US_ASCII));
    o.writeBytes(new byte[] {')', (byte) 0x81, '}', '('});
    pickleString(o, "training");
    o.write(0x89); // NEWFALSE
    pickleString(o, "_is_full_backward_hook");
    o.write('N');
    o.writeBytes(new byte[] {'u', 'b', '.'}); // SETITEMS, BUILD, STOP
    return o.toByteArray();
  }

  private static void pickleString(ByteArrayOutputStream o, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    o.write('X'); // BINUNICODE, 4-byte little-endian length
    for (int i = 0; i < 4; i++) {
      o.write((b.length >>> (8 * i)) & 0xff);
    }
    o.writeBytes(b);
  }

  private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content);
    zip.closeEntry();
  }

  @Override
  public void close() {
    weights.close();
    module.close();
  }
}
