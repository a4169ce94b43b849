package dev.reranker.model;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Calibration;

/**
 * A learned blend of a cross-encoder's upvote logit with cheap evidence from the all-MiniLM-L6-v2
 * bi-encoder: the cosine similarity of the reply to the dialog's last turn, and its highest cosine
 * similarity to one of the bot's persona facts. A cross-encoder reads the whole context in one
 * sequence, where the newest turn is a few tokens among many; the bi-encoder's view of the last
 * turn and of each fact alone adds what that dilutes. Immutable.
 *
 * <p>The blended raw score is {@code crossEncoder * logit + lastTurn * (cos(reply, last turn) -
 * lastTurnCenter) + persona * (max cos(reply, fact) - personaCenter)}; a term whose evidence is
 * absent (no turns, no persona facts) is 0, so the centres (the evidence's mean on the data the
 * blend was fitted on) keep a dialog without it comparable. {@link #calibration} turns the blended
 * score into P(upvote). A model carries a blend in its {@code config.json} under {@code
 * reranker_evidence}; {@link dev.reranker.Reranker} applies it unless told not to.
 *
 * @param crossEncoder the weight of the cross-encoder's upvote logit
 * @param lastTurn the weight of the reply's cosine similarity to the last turn
 * @param lastTurnCenter subtracted from that similarity
 * @param persona the weight of the reply's highest cosine similarity to a bot persona fact
 * @param personaCenter subtracted from that similarity
 * @param calibration P(upvote) of the blended score
 */
public record EvidenceBlend(
    float crossEncoder,
    float lastTurn,
    float lastTurnCenter,
    float persona,
    float personaCenter,
    Calibration calibration) {

  /**
   * Creates a blend.
   *
   * @throws IllegalArgumentException if a number is not finite, or the cross-encoder's weight is
   *     not positive (the blend refines the cross-encoder, it does not replace it)
   * @throws NullPointerException if {@code calibration} is null
   */
  public EvidenceBlend {
    requireNonNull(calibration, "calibration");
    checkArgument(
        crossEncoder > 0 && Float.isFinite(crossEncoder),
        "crossEncoder must be positive and finite, but was %s",
        crossEncoder);
    checkFinite("lastTurn", lastTurn);
    checkFinite("lastTurnCenter", lastTurnCenter);
    checkFinite("persona", persona);
    checkFinite("personaCenter", personaCenter);
  }

  private static void checkFinite(String name, float value) {
    checkArgument(Float.isFinite(value), "%s must be finite, but was %s", name, value);
  }

  /**
   * Returns the blended raw score of one pair.
   *
   * @param logit the cross-encoder's upvote logit
   * @param lastTurnSimilarity the reply's cosine similarity to the last turn, or NaN if the dialog
   *     has no turn
   * @param personaSimilarity the reply's highest cosine similarity to a bot persona fact, or NaN if
   *     the dialog has none
   */
  public float score(float logit, float lastTurnSimilarity, float personaSimilarity) {
    float s = crossEncoder * logit;
    if (!Float.isNaN(lastTurnSimilarity)) {
      s += lastTurn * (lastTurnSimilarity - lastTurnCenter);
    }
    if (!Float.isNaN(personaSimilarity)) {
      s += persona * (personaSimilarity - personaCenter);
    }
    return s;
  }

  /** Returns a copy with another calibration (one refitted on the blended scores). */
  public EvidenceBlend withCalibration(Calibration calibration) {
    return new EvidenceBlend(
        crossEncoder, lastTurn, lastTurnCenter, persona, personaCenter, calibration);
  }
}
