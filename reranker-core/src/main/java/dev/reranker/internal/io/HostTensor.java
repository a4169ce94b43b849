package dev.reranker.internal.io;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A float32 tensor in Java heap memory: what checkpoint readers produce and writers consume. Half
 * precision inputs (F16, BF16) are widened to float32 before they become a {@code HostTensor}, so
 * nothing downstream (DJL included) ever sees them.
 *
 * <p>The data array is shared, not copied: treat it as read-only.
 */
public record HostTensor(long[] shape, float[] data) {
  public HostTensor {
    long n = 1;
    for (long d : shape) {
      checkArgument(d >= 0, "negative dimension in shape %s", Arrays.toString(shape));
      n *= d;
    }
    checkArgument(
        n == data.length,
        "shape %s holds %s values, but data has %s",
        Arrays.toString(shape),
        n,
        data.length);
    shape = shape.clone();
  }

  /** Returns a copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Returns the number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Returns whether this tensor has exactly the given shape. */
  public boolean hasShape(long... expected) {
    return Arrays.equals(shape, expected);
  }

  /** Returns the shape as {@code [a, b]}, for error messages. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** Returns this tensor's transpose; only for rank-2 tensors. */
  public HostTensor transpose2d() {
    checkArgument(
        shape.length == 2,
        "transpose2d needs a rank-2 tensor, but shape was %s",
        Arrays.toString(shape));
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    float[] out = new float[data.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = data[r * cols + c];
      }
    }
    return new HostTensor(new long[] {cols, rows}, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape);
  }
}
