package dev.reranker.model;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * A padded batch of token sequences, ready for an encoder: {@code size} rows of {@code length}
 * tokens each, stored row-major. Padding positions have attention mask 0.
 *
 * <p>Arrays are shared, not copied, so that building a batch costs no extra copy on the hot path:
 * callers must not modify them after construction.
 */
public record TokenBatch(
    int size, int length, long[] inputIds, long[] typeIds, long[] attentionMask) {

  /**
   * Creates a batch.
   *
   * @throws IllegalArgumentException if the sizes are not positive or an array's length is not
   *     {@code size * length}
   */
  public TokenBatch {
    checkArgument(size > 0, "size must be positive, but was %s", size);
    checkArgument(length > 0, "length must be positive, but was %s", length);
    int n = Math.multiplyExact(size, length);
    checkArgument(inputIds.length == n, "inputIds has %s values, expected %s", inputIds.length, n);
    checkArgument(typeIds.length == n, "typeIds has %s values, expected %s", typeIds.length, n);
    checkArgument(
        attentionMask.length == n,
        "attentionMask has %s values, expected %s",
        attentionMask.length,
        n);
  }

  /**
   * Pads rows of possibly different lengths into one batch.
   *
   * @param ids token ids per row
   * @param types token type (segment) ids per row, same lengths as {@code ids}
   * @param padId the id used for padding positions
   * @throws IllegalArgumentException if there are no rows, a row is empty, or lengths disagree
   */
  public static TokenBatch pad(long[][] ids, long[][] types, long padId) {
    checkArgument(ids.length > 0, "a batch needs at least one row");
    checkArgument(
        ids.length == types.length, "%s id rows but %s type rows", ids.length, types.length);
    int length = 0;
    for (int i = 0; i < ids.length; i++) {
      checkArgument(ids[i].length > 0, "row %s is empty", i);
      checkArgument(
          ids[i].length == types[i].length,
          "row %s has %s ids but %s type ids",
          i,
          ids[i].length,
          types[i].length);
      length = Math.max(length, ids[i].length);
    }
    int size = ids.length;
    long[] inputIds = new long[size * length];
    long[] typeIds = new long[size * length];
    long[] mask = new long[size * length];
    Arrays.fill(inputIds, padId);
    for (int i = 0; i < size; i++) {
      System.arraycopy(ids[i], 0, inputIds, i * length, ids[i].length);
      System.arraycopy(types[i], 0, typeIds, i * length, types[i].length);
      Arrays.fill(mask, i * length, i * length + ids[i].length, 1L);
    }
    return new TokenBatch(size, length, inputIds, typeIds, mask);
  }

  /** Returns the number of real (unpadded) tokens in row {@code row}. */
  public int rowLength(int row) {
    int n = 0;
    for (int j = row * length; j < (row + 1) * length; j++) {
      n += (int) attentionMask[j];
    }
    return n;
  }
}
