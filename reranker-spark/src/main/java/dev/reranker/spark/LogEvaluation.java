package dev.reranker.spark;

import java.util.Locale;

/**
 * The metrics of a scored log, from {@link RerankerSpark#evaluate}. Values that do not apply (AUC
 * with one class, hits@1 without groups) are NaN. Counts are {@code long}: a data lake's log
 * outgrows an {@code int}. Immutable.
 *
 * @param examples rows with a label and a probability
 * @param positives how many of them are upvotes
 * @param unscored rows with a label but no probability (an error, or dropped before the model),
 *     left out of every metric
 * @param auc exact ROC-AUC, ties counting one half
 * @param accuracy at threshold 0.5
 * @param logLoss mean binary cross-entropy, probabilities clamped to [1e-15, 1 - 1e-15]
 * @param ece expected calibration error over equal-width bins
 * @param groups contexts with two or more candidates and an upvote
 * @param hitsAt1 share of groups whose most probable candidate is an upvote (ties pessimistic)
 * @param mrr mean reciprocal rank of each group's best upvote
 * @param candidatesPerGroup mean group size (N of hits@1/N)
 */
public record LogEvaluation(
    long examples,
    long positives,
    long unscored,
    double auc,
    double accuracy,
    double logLoss,
    double ece,
    long groups,
    double hitsAt1,
    double mrr,
    double candidatesPerGroup) {

  /**
   * Returns one line: {@code AUC 0.7412 accuracy 0.7010 log loss 0.5731 ECE 0.0321 (n=278, 61.2%
   * upvotes)}, then hits@1 and MRR when there are groups, then the unscored rows if any.
   */
  public String summary() {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "AUC %.4f  accuracy %.4f  log loss %.4f  ECE %.4f  (n=%d, %.1f%% upvotes)",
                auc,
                accuracy,
                logLoss,
                ece,
                examples,
                examples == 0 ? 0.0 : 100.0 * positives / examples));
    if (groups > 0) {
      line.append(
          String.format(
              Locale.ROOT,
              "  hits@1/%.1f %.4f  MRR %.4f  (%d groups)",
              candidatesPerGroup,
              hitsAt1,
              mrr,
              groups));
    }
    if (unscored > 0) {
      line.append(String.format(Locale.ROOT, "  %d unscored rows left out", unscored));
    }
    return line.toString();
  }
}
