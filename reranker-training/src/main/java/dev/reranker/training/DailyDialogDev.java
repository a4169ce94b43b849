package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * DailyDialog++'s {@code dev.json}, as two example sets over the same contexts and true replies:
 * one whose negatives are the dataset's random replies, one whose negatives are its adversarial
 * replies (they reuse the context's words but do not fit it). Immutable.
 *
 * <p>Each context gives one example per positive reply in each set, in file order; an example's
 * negatives are all five of that context's random (or adversarial) replies.
 *
 * @param randomNegatives examples whose negatives are random replies
 * @param adversarialNegatives the same examples, with the adversarial replies as negatives
 */
public record DailyDialogDev(
    List<SelectionExample> randomNegatives, List<SelectionExample> adversarialNegatives) {

  /**
   * Creates the two sets.
   *
   * @throws NullPointerException if a list or an element is null
   */
  public DailyDialogDev {
    randomNegatives = List.copyOf(requireNonNull(randomNegatives, "randomNegatives"));
    adversarialNegatives =
        List.copyOf(requireNonNull(adversarialNegatives, "adversarialNegatives"));
  }
}
