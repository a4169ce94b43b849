package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A candidate with its score and every heuristic decision about it. Immutable.
 *
 * <p>{@code probability} is the model's calibrated P(upvote); heuristics never change it. {@code
 * score} is the ranking key: the model's calibrated logit ({@code Calibration.logit(raw)}, so that
 * {@code probability == sigmoid(logit)}) plus every {@link Verdict.Action#ADJUST adjustment}. A
 * candidate dropped before the model ran has NaN score and probability.
 *
 * @param candidate the reply
 * @param score the ranking key
 * @param probability calibrated P(upvote) in [0, 1], or NaN if the model never scored it
 * @param verdicts heuristic decisions, in the order they were made
 */
public record ScoredCandidate(
    Candidate candidate, float score, float probability, List<Verdict> verdicts) {

  /**
   * Creates a scored candidate.
   *
   * @throws IllegalArgumentException if the probability is outside [0, 1]
   */
  public ScoredCandidate {
    requireNonNull(candidate, "candidate");
    verdicts = List.copyOf(verdicts);
    checkArgument(
        Float.isNaN(probability) || (probability >= 0 && probability <= 1),
        "probability must be in [0, 1], but was %s",
        probability);
  }

  /** Returns a candidate the model has not scored (yet). */
  public static ScoredCandidate unscored(Candidate candidate) {
    return new ScoredCandidate(candidate, Float.NaN, Float.NaN, List.of());
  }

  /** Returns the candidate's text. */
  public String text() {
    return candidate.text();
  }

  /** Returns whether a heuristic dropped this candidate. */
  public boolean isDropped() {
    for (Verdict v : verdicts) {
      if (v.action() == Verdict.Action.DROP) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether the model scored this candidate. */
  public boolean isScored() {
    return !Float.isNaN(probability);
  }

  /** Returns this candidate with {@code verdict} appended; an adjustment also changes the score. */
  public ScoredCandidate with(Verdict verdict) {
    List<Verdict> next = new ArrayList<>(verdicts);
    next.add(requireNonNull(verdict, "verdict"));
    return new ScoredCandidate(candidate, score + verdict.scoreChange(), probability, next);
  }
}
