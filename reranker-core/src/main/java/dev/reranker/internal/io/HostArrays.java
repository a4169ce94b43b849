package dev.reranker.internal.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies between DJL arrays and the heap: model outputs to rows, parameters to checkpoints. */
public final class HostArrays {
  private HostArrays() {}

  /** Splits a row-major {@code [size, width]} array into {@code size} rows. */
  public static float[][] rows(float[] flat, int size, int width) {
    float[][] out = new float[size][];
    for (int i = 0; i < size; i++) {
      out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
    }
    return out;
  }

  /** Copies every direct parameter of {@code block} to the host as float32, in block order. */
  public static LinkedHashMap<String, HostTensor> parameters(Block block) {
    LinkedHashMap<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : block.getDirectParameters().toMap().entrySet()) {
      NDArray a = e.getValue().getArray();
      out.put(
          e.getKey(),
          new HostTensor(
              a.getShape().getShape(), a.toType(DataType.FLOAT32, false).toFloatArray()));
    }
    return out;
  }
}
