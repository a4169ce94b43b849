package dev.reranker.internal.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure length-grouping choice: ordering, window, stability and edge cases. */
class LengthGroupingTest {

  @Test
  void windowOfAtMostOneBatch_takesEveryItemInArrivalOrder() {
    assertThat(LengthGrouping.pick(new int[] {9, 1, 5}, 3)).containsExactly(0, 1, 2);
    assertThat(LengthGrouping.pick(new int[] {9, 1}, 3)).containsExactly(0, 1);
    assertThat(LengthGrouping.pick(new int[] {}, 3)).isEmpty();
  }

  @Test
  void takesTheRunOfLeastSpreadThatHoldsTheOldestItem() {
    // Oldest has length 10; the tight run around it is {9, 10, 11}, not the tighter {1, 1, 1}.
    int[] lengths = {10, 1, 30, 9, 1, 11, 1, 50};

    assertThat(LengthGrouping.pick(lengths, 3)).containsExactly(0, 3, 5);
  }

  @Test
  void returnsPositionsAscending_thatIsInArrivalOrder() {
    int[] lengths = {5, 7, 3, 6, 4, 100, 200};

    int[] chosen = LengthGrouping.pick(lengths, 4);

    // Lengths 3, 4, 5, 6 (positions 2, 4, 0, 3): spread 3, as 4..7 has, but shorter.
    assertThat(chosen).containsExactly(0, 2, 3, 4);
    assertThat(chosen).isSorted();
  }

  @Test
  void amongEqualLengths_theOlderItemsGoFirst() {
    int[] lengths = {4, 4, 4, 4, 4, 4};

    assertThat(LengthGrouping.pick(lengths, 2)).containsExactly(0, 1);
    assertThat(LengthGrouping.pick(new int[] {4, 8, 8, 8, 8}, 2)).containsExactly(0, 1);
  }

  @Test
  void amongRunsOfEqualSpread_theShortestWins() {
    // Runs holding the oldest (5): {3, 5} and {5, 7}, both spread 2.
    assertThat(LengthGrouping.pick(new int[] {5, 7, 3}, 2)).containsExactly(0, 2);
  }

  @Test
  void oldestItemAtEitherEndOfTheSortedWindow_isStillTaken() {
    assertThat(LengthGrouping.pick(new int[] {1, 50, 51, 52, 2}, 2)).containsExactly(0, 4);
    assertThat(LengthGrouping.pick(new int[] {99, 1, 2, 3, 98}, 2)).containsExactly(0, 4);
  }

  @Test
  void batchOfOne_takesOnlyTheOldest() {
    assertThat(LengthGrouping.pick(new int[] {8, 8, 1, 2}, 1)).containsExactly(0);
  }

  @Test
  void zeroAndNegativeLengths_sortBelowPositiveOnes() {
    assertThat(LengthGrouping.pick(new int[] {-3, 0, 7, -2}, 2)).containsExactly(0, 3);
    assertThat(LengthGrouping.pick(new int[] {0, Integer.MAX_VALUE, Integer.MIN_VALUE, 0}, 2))
        .containsExactly(0, 3);
  }

  @Test
  void randomWindows_alwaysGiveAValidBatchOfLeastSpread() {
    Random random = new Random(14);
    for (int round = 0; round < 2_000; round++) {
      int batchSize = 1 + random.nextInt(8);
      int[] lengths = new int[1 + random.nextInt(40)];
      Arrays.setAll(lengths, i -> random.nextInt(20));
      int[] input = lengths.clone();

      int[] chosen = LengthGrouping.pick(lengths, batchSize);

      assertThat(lengths).as("input untouched").containsExactly(input);
      assertThat(chosen).hasSize(Math.min(batchSize, lengths.length));
      assertThat(chosen).isSorted().doesNotHaveDuplicates().contains(0);
      assertThat(Arrays.stream(chosen).allMatch(p -> p >= 0 && p < lengths.length)).isTrue();
      assertThat(spread(lengths, chosen)).isEqualTo(leastSpreadWithOldest(lengths, batchSize));
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> LengthGrouping.pick(new int[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be positive, but was 0");
    assertThatThrownBy(() -> LengthGrouping.pick(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("lengths");
  }

  private static long spread(int[] lengths, int[] chosen) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int p : chosen) {
      min = Math.min(min, lengths[p]);
      max = Math.max(max, lengths[p]);
    }
    return max - min;
  }

  /** Brute force: the least spread of any batch of the oldest item and its nearest lengths. */
  private static long leastSpreadWithOldest(int[] lengths, int batchSize) {
    int k = Math.min(batchSize, lengths.length);
    long best = Long.MAX_VALUE;
    // Any optimal batch is a contiguous range [lo, lo + spread] of lengths holding lengths[0].
    for (int lo = lengths[0] - 20; lo <= lengths[0]; lo++) {
      for (long width = 0; width < best; width++) {
        int inRange = 0;
        for (int length : lengths) {
          if (length >= lo && length <= lo + width) {
            inRange++;
          }
        }
        if (lengths[0] <= lo + width && inRange >= k) {
          best = width;
          break;
        }
      }
    }
    return best;
  }
}
