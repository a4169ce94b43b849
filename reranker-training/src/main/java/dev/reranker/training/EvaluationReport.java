package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Locale;

/**
 * The metrics of one model on one set of reaction records. Values that do not apply (AUC with a
 * single class, hits@1 without groups) are NaN. Immutable.
 *
 * @param examples the records with a polarity ({@link Reaction#NONE} is left out)
 * @param positives how many of them are upvotes
 * @param auc ROC-AUC ({@link BinaryMetrics#rocAuc})
 * @param accuracy at threshold 0.5 ({@link BinaryMetrics#accuracy})
 * @param logLoss mean binary cross-entropy ({@link BinaryMetrics#logLoss})
 * @param ece expected calibration error, 15 bins ({@link BinaryMetrics#expectedCalibrationError})
 * @param groups contexts with two or more candidates and an upvote, for hits@1 and MRR
 * @param hitsAt1 share of groups whose best-scored candidate is an upvote
 * @param mrr mean reciprocal rank of each group's best upvote
 * @param candidatesPerGroup mean group size (N of hits@1/N)
 */
public record EvaluationReport(
    int examples,
    int positives,
    double auc,
    double accuracy,
    double logLoss,
    double ece,
    int groups,
    double hitsAt1,
    double mrr,
    double candidatesPerGroup) {

  /**
   * Computes every metric.
   *
   * @param probabilities calibrated P(upvote) per example
   * @param labels true for an upvote
   * @param groupKeys each example's context key ({@link ReactionRecord#contextKey()})
   * @throws IllegalArgumentException if the lengths differ
   */
  public static EvaluationReport of(
      double[] probabilities, boolean[] labels, List<String> groupKeys) {
    checkArgument(
        probabilities.length == labels.length && labels.length == groupKeys.size(),
        "lengths differ: %s probabilities, %s labels, %s group keys",
        probabilities.length,
        labels.length,
        groupKeys.size());
    int positives = 0;
    for (boolean label : labels) {
      positives += label ? 1 : 0;
    }
    BinaryMetrics.RankingMetrics ranking = BinaryMetrics.ranking(probabilities, labels, groupKeys);
    return new EvaluationReport(
        labels.length,
        positives,
        BinaryMetrics.rocAuc(probabilities, labels),
        BinaryMetrics.accuracy(probabilities, labels),
        BinaryMetrics.logLoss(probabilities, labels),
        BinaryMetrics.expectedCalibrationError(probabilities, labels),
        ranking.groups(),
        ranking.hitsAt1(),
        ranking.meanReciprocalRank(),
        ranking.meanCandidates());
  }

  /**
   * Returns one line: {@code AUC 0.7412 accuracy 0.7010 log loss 0.5731 ECE 0.0321 (n=278, 61.2%
   * upvotes)}, plus hits@1 and MRR when there are groups.
   */
  public String summary() {
    String line =
        String.format(
            Locale.ROOT,
            "AUC %.4f  accuracy %.4f  log loss %.4f  ECE %.4f  (n=%d, %.1f%% upvotes)",
            auc,
            accuracy,
            logLoss,
            ece,
            examples,
            examples == 0 ? 0.0 : 100.0 * positives / examples);
    if (groups > 0) {
      line +=
          String.format(
              Locale.ROOT,
              "  hits@1/%.1f %.4f  MRR %.4f  (%d groups)",
              candidatesPerGroup,
              hitsAt1,
              mrr,
              groups);
    }
    return line;
  }
}
