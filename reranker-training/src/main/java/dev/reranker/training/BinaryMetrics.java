package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of binary predictions: {@code labels[i]} is true for an upvote, {@code scores[i]} or
 * {@code probabilities[i]} is the model's belief in it. Pure functions; arrays are not modified.
 * Every method throws {@link IllegalArgumentException} if its arrays differ in length.
 */
public final class BinaryMetrics {
  /** The number of equal-width bins of {@link #expectedCalibrationError(double[], boolean[])}. */
  public static final int DEFAULT_ECE_BINS = 15;

  /** Probabilities are clamped to [EPSILON, 1 - EPSILON] in {@link #logLoss}, as scikit-learn. */
  public static final double EPSILON = 1e-15;

  private BinaryMetrics() {}

  /**
   * Returns the exact area under the ROC curve: the probability that a random positive scores above
   * a random negative, ties counting one half (Mann-Whitney U with mid-ranks). Any monotone
   * transform of the scores gives the same AUC.
   *
   * @return the AUC, or NaN when there are no positives or no negatives
   */
  public static double rocAuc(double[] scores, boolean[] labels) {
    checkLengths(scores.length, labels.length);
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double positiveRankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // 1-based mean rank of the tied run [i, j]
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          positiveRankSum += midRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * Returns the share of correct predictions when a probability of at least 0.5 predicts an upvote.
   *
   * @return the accuracy, or NaN for no examples
   */
  public static double accuracy(double[] probabilities, boolean[] labels) {
    checkLengths(probabilities.length, labels.length);
    if (labels.length == 0) {
      return Double.NaN;
    }
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += (probabilities[i] >= 0.5) == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }

  /**
   * Returns the mean negative log-likelihood (binary cross-entropy, natural log), probabilities
   * clamped to [{@link #EPSILON}, 1 - {@link #EPSILON}].
   *
   * @return the log loss, or NaN for no examples
   */
  public static double logLoss(double[] probabilities, boolean[] labels) {
    checkLengths(probabilities.length, labels.length);
    if (labels.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
      sum -= labels[i] ? Math.log(p) : Math.log1p(-p);
    }
    return sum / labels.length;
  }

  /** Returns the expected calibration error over {@link #DEFAULT_ECE_BINS} (15) bins. */
  public static double expectedCalibrationError(double[] probabilities, boolean[] labels) {
    return expectedCalibrationError(probabilities, labels, DEFAULT_ECE_BINS);
  }

  /**
   * Returns the expected calibration error: the probabilities are put in {@code bins} equal-width
   * bins over [0, 1] (bin {@code k} holds {@code [k/bins, (k+1)/bins)}, the last bin also holds
   * 1.0), and ECE is the sum over non-empty bins of {@code (bin size / n) * |mean probability -
   * share of upvotes|}. 0 is perfect; it is measured on P(upvote), not on the predicted class's
   * confidence.
   *
   * @return the ECE, or NaN for no examples
   * @throws IllegalArgumentException also if {@code bins} is not positive
   */
  public static double expectedCalibrationError(
      double[] probabilities, boolean[] labels, int bins) {
    checkLengths(probabilities.length, labels.length);
    checkArgument(bins > 0, "bins must be positive, but was %s", bins);
    if (labels.length == 0) {
      return Double.NaN;
    }
    double[] probabilitySum = new double[bins];
    double[] positives = new double[bins];
    int[] count = new int[bins];
    for (int i = 0; i < labels.length; i++) {
      double p = probabilities[i];
      int bin = Math.min(bins - 1, Math.max(0, (int) Math.floor(p * bins)));
      probabilitySum[bin] += p;
      positives[bin] += labels[i] ? 1 : 0;
      count[bin]++;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        ece +=
            (double) count[b]
                / labels.length
                * Math.abs(probabilitySum[b] / count[b] - positives[b] / count[b]);
      }
    }
    return ece;
  }

  /**
   * Ranking quality when candidates are grouped by context: only groups with at least two
   * candidates and at least one upvote count.
   *
   * @param groups the number of groups that count
   * @param hitsAt1 the share of groups whose top candidate is an upvote (NaN for no groups)
   * @param meanReciprocalRank the mean of 1 / rank of each group's best-ranked upvote (NaN for no
   *     groups)
   * @param meanCandidates the mean group size (NaN for no groups)
   */
  public record RankingMetrics(
      int groups, double hitsAt1, double meanReciprocalRank, double meanCandidates) {}

  /**
   * Returns hits@1 and MRR over the groups of candidates that share a key. Ties are pessimistic:
   * the rank of a group's best upvote is 1 + the number of non-upvotes scoring at least as high, so
   * a constant scorer gets no credit.
   *
   * @param groupKeys each candidate's group (its context, see {@link ReactionRecord#contextKey()})
   */
  public static RankingMetrics ranking(double[] scores, boolean[] labels, List<String> groupKeys) {
    checkLengths(scores.length, labels.length);
    checkLengths(scores.length, groupKeys.size());
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < scores.length; i++) {
      groups.computeIfAbsent(groupKeys.get(i), k -> new ArrayList<>()).add(i);
    }
    int counted = 0;
    int hits = 0;
    double reciprocal = 0;
    long candidates = 0;
    for (List<Integer> group : groups.values()) {
      double best = Double.NEGATIVE_INFINITY;
      boolean anyPositive = false;
      for (int i : group) {
        if (labels[i]) {
          anyPositive = true;
          best = Math.max(best, scores[i]);
        }
      }
      if (group.size() < 2 || !anyPositive) {
        continue;
      }
      int rank = 1;
      for (int i : group) {
        if (!labels[i] && scores[i] >= best) {
          rank++;
        }
      }
      counted++;
      hits += rank == 1 ? 1 : 0;
      reciprocal += 1.0 / rank;
      candidates += group.size();
    }
    if (counted == 0) {
      return new RankingMetrics(0, Double.NaN, Double.NaN, Double.NaN);
    }
    return new RankingMetrics(
        counted, (double) hits / counted, reciprocal / counted, (double) candidates / counted);
  }

  private static void checkLengths(int a, int b) {
    checkArgument(a == b, "arrays differ in length: %s and %s", a, b);
  }
}
