package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One heuristic's decision about one candidate, kept on its {@link ScoredCandidate} so that a
 * developer can see why a reply lost.
 *
 * @param heuristic the heuristic's name
 * @param action what it did
 * @param reason why, in words ("repeats the bot's reply from 2 turns ago")
 * @param scoreChange how much it added to the score; 0 for a drop
 */
public record Verdict(String heuristic, Action action, String reason, float scoreChange) {

  /** What a heuristic did to a candidate. */
  public enum Action {
    /** Removed the candidate from the ranking. */
    DROP,
    /** Changed the candidate's score by {@link Verdict#scoreChange()}. */
    ADJUST
  }

  /**
   * Creates a verdict.
   *
   * @throws IllegalArgumentException if {@code heuristic} is blank, the change is not finite, or a
   *     drop carries a score change
   */
  public Verdict {
    requireNonNull(heuristic, "heuristic");
    requireNonNull(action, "action");
    requireNonNull(reason, "reason");
    checkArgument(!heuristic.isBlank(), "heuristic name must not be blank");
    checkArgument(
        Float.isFinite(scoreChange), "scoreChange must be finite, but was %s", scoreChange);
    checkArgument(
        action == Action.ADJUST || scoreChange == 0,
        "a DROP verdict has no score change, but was %s",
        scoreChange);
  }

  /** Returns a drop verdict. */
  public static Verdict drop(String heuristic, String reason) {
    return new Verdict(heuristic, Action.DROP, reason, 0);
  }

  /** Returns an adjustment verdict. */
  public static Verdict adjust(String heuristic, float scoreChange, String reason) {
    return new Verdict(heuristic, Action.ADJUST, reason, scoreChange);
  }

  @Override
  public String toString() {
    return action == Action.DROP
        ? heuristic + ": dropped (" + reason + ")"
        : String.format(java.util.Locale.ROOT, "%s: %+.3f (%s)", heuristic, scoreChange, reason);
  }
}
