package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A split of selection examples into train, validation and test by dialog: every example of a
 * dialog lands on the same side. Immutable.
 *
 * <p>A dialog's side depends only on its id and the seed (a hash of both, mapped to [0, 1) and cut
 * at the fractions), not on the other examples or their order: adding a corpus never moves a dialog
 * of another, and the same seed gives the same split on any machine. The sides' sizes are therefore
 * close to, not exactly, the fractions.
 *
 * @param train examples for training, in input order
 * @param validation held-out examples for model selection, in input order
 * @param test held-out examples for the final measurement, in input order
 */
public record DialogSplit(
    List<SelectionExample> train, List<SelectionExample> validation, List<SelectionExample> test) {

  /**
   * Creates a split.
   *
   * @throws NullPointerException if a list or an element is null
   */
  public DialogSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }

  /**
   * Splits the examples by dialog id.
   *
   * @param validationFraction the expected share of dialogs in validation, in [0, 1]
   * @param testFraction the expected share of dialogs in test, in [0, 1]
   * @throws IllegalArgumentException if a fraction is outside [0, 1] or they add up to more than 1
   * @throws NullPointerException if the list or an example is null
   */
  public static DialogSplit of(
      List<SelectionExample> examples, double validationFraction, double testFraction, long seed) {
    requireNonNull(examples, "examples");
    checkArgument(
        validationFraction >= 0 && validationFraction <= 1,
        "validationFraction must be in [0, 1], but was %s",
        validationFraction);
    checkArgument(
        testFraction >= 0 && testFraction <= 1,
        "testFraction must be in [0, 1], but was %s",
        testFraction);
    checkArgument(
        validationFraction + testFraction <= 1,
        "validationFraction + testFraction must be at most 1, but was %s",
        validationFraction + testFraction);
    List<SelectionExample> train = new ArrayList<>();
    List<SelectionExample> validation = new ArrayList<>();
    List<SelectionExample> test = new ArrayList<>();
    for (SelectionExample e : examples) {
      double u = unitHash(e.dialogId(), seed);
      if (u < testFraction) {
        test.add(e);
      } else if (u < testFraction + validationFraction) {
        validation.add(e);
      } else {
        train.add(e);
      }
    }
    return new DialogSplit(train, validation, test);
  }

  /** A uniform value in [0, 1) from the dialog id and the seed. */
  static double unitHash(String dialogId, long seed) {
    long h =
        Hashing.murmur3_128((int) (seed ^ (seed >>> 32)))
            .newHasher()
            .putLong(seed)
            .putString(dialogId, StandardCharsets.UTF_8)
            .hash()
            .asLong();
    return (h >>> 11) * 0x1.0p-53;
  }
}
