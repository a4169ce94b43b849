package dev.reranker.internal.batching;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * Picks a batch of similar lengths out of a window of waiting items: a pure function, no state.
 *
 * <p>The window is sorted by length, stably (by arrival among equal lengths), and the batch is the
 * run of {@code batchSize} sorted items with the least spread of lengths among the runs that hold
 * the oldest item, so batches need less padding while no item is passed over for ever.
 */
final class LengthGrouping {
  private LengthGrouping() {}

  /**
   * Returns the window positions of the batch, ascending (so in arrival order).
   *
   * @param lengths the items' lengths in arrival order: position 0 is the oldest item
   * @param batchSize most items per batch
   * @return every position when the window holds at most {@code batchSize} items; else {@code
   *     batchSize} positions, position 0 among them; among runs of equal spread the one of the
   *     shortest lengths
   * @throws NullPointerException if {@code lengths} is null
   * @throws IllegalArgumentException if {@code batchSize} is not positive
   */
  static int[] pick(int[] lengths, int batchSize) {
    checkNotNull(lengths, "lengths");
    checkArgument(batchSize > 0, "batchSize must be positive, but was %s", batchSize);
    int n = lengths.length;
    if (n <= batchSize) {
      int[] all = new int[n];
      Arrays.setAll(all, i -> i);
      return all;
    }
    // Length in the high half, window position in the low half: a stable sort of positions.
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) lengths[i] << 32) | i;
    }
    Arrays.sort(keys);
    int oldest = 0;
    while ((int) keys[oldest] != 0) {
      oldest++;
    }
    int best = Math.max(0, oldest - batchSize + 1);
    long bestSpread = Long.MAX_VALUE;
    for (int start = best; start <= Math.min(oldest, n - batchSize); start++) {
      long spread = (keys[start + batchSize - 1] >> 32) - (keys[start] >> 32);
      if (spread < bestSpread) {
        bestSpread = spread;
        best = start;
      }
    }
    int[] chosen = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      chosen[i] = (int) keys[best + i];
    }
    Arrays.sort(chosen);
    return chosen;
  }
}
