package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Dialog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Response-selection metrics for any {@link ReplyScorer}: hits@1/N and MRR against random replies
 * of other dialogs (the ConvAI2 protocol), pairwise accuracy against a dataset's own negatives, and
 * AUC on rated replies. Deterministic: the same examples, seed and scorer give the same numbers.
 * Stateless; the scorer is called from the calling thread only.
 */
public final class RankingEvaluation {
  /** Examples scored together by {@link ReplyScorer#scoreAll}: 64 x 20 pairs in the queue. */
  private static final int SCORING_CHUNK = 64;

  /** Candidates per example in the ConvAI2 protocol: the true reply and 19 distractors. */
  public static final int DEFAULT_CANDIDATES = 20;

  private RankingEvaluation() {}

  /**
   * Hits@1 and MRR of the true reply among {@code candidates - 1} distractors.
   *
   * @param examples the number of examples ranked
   * @param candidates candidates per example, the true reply included
   * @param hitsAt1 the share of examples whose true reply ranks first (NaN for no examples)
   * @param meanReciprocalRank the mean of 1 / the true reply's rank (NaN for no examples)
   */
  public record RankingReport(
      int examples, int candidates, double hitsAt1, double meanReciprocalRank) {}

  /**
   * Pairwise accuracy: how often the true reply scores above a negative.
   *
   * @param pairs the number of (true reply, negative) pairs
   * @param accuracy the share of pairs the true reply wins, a tie counting half (NaN for no pairs)
   */
  public record PairwiseReport(int pairs, double accuracy) {}

  /**
   * Ranks each example's reply among distractors drawn from the replies of the other examples'
   * dialogs: {@link #ranking(ReplyScorer, List, List, int, long)} with the examples as the pool.
   */
  public static RankingReport ranking(
      ReplyScorer scorer, List<SelectionExample> examples, int candidates, long seed) {
    return ranking(scorer, examples, examples, candidates, seed);
  }

  /**
   * Ranks each example's true reply among {@code candidates - 1} distractors, distinct replies of
   * the pool drawn at random from dialogs other than the example's (and never equal to its reply,
   * which would be a correct answer marked wrong). Ties count against the true reply: its rank is 1
   * + the number of distractors scoring at least as high (or NaN), so a constant scorer gets hits@1
   * 0 and MRR 1 / candidates.
   *
   * @param pool the examples whose replies serve as distractors, e.g. the whole held-out side when
   *     {@code examples} is a sample of it
   * @throws IllegalArgumentException if {@code candidates < 2}, or the pool has too few replies
   *     outside an example's dialog
   * @throws IllegalStateException if the scorer returns a wrong number of scores
   */
  public static RankingReport ranking(
      ReplyScorer scorer,
      List<SelectionExample> examples,
      List<SelectionExample> pool,
      int candidates,
      long seed) {
    requireNonNull(scorer, "scorer");
    List<List<String>> lists = candidateLists(examples, pool, candidates, seed);
    int hits = 0;
    double reciprocal = 0;
    // A chunk of examples at a time, so a reranker's queue fills whole batches across examples.
    for (int from = 0; from < examples.size(); from += SCORING_CHUNK) {
      int to = Math.min(examples.size(), from + SCORING_CHUNK);
      List<Dialog> dialogs = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        dialogs.add(examples.get(i).dialog());
      }
      List<List<String>> chunk = lists.subList(from, to);
      List<double[]> all = scorer.scoreAll(dialogs, chunk);
      if (all.size() != chunk.size()) {
        throw new IllegalStateException(
            "scorer returned " + all.size() + " score arrays for " + chunk.size() + " dialogs");
      }
      for (int i = 0; i < all.size(); i++) {
        int rank = rankOfFirst(checked(all.get(i), chunk.get(i)));
        hits += rank == 1 ? 1 : 0;
        reciprocal += 1.0 / rank;
      }
    }
    int n = examples.size();
    return new RankingReport(
        n,
        candidates,
        n == 0 ? Double.NaN : (double) hits / n,
        n == 0 ? Double.NaN : reciprocal / n);
  }

  /**
   * Returns each example's candidates: its true reply first, then {@code candidates - 1}
   * distractors as {@link #ranking(ReplyScorer, List, List, int, long)} draws them.
   *
   * @throws IllegalArgumentException as {@code ranking} does
   */
  public static List<List<String>> candidateLists(
      List<SelectionExample> examples, List<SelectionExample> pool, int candidates, long seed) {
    requireNonNull(examples, "examples");
    requireNonNull(pool, "pool");
    checkArgument(candidates >= 2, "candidates must be at least 2, but was %s", candidates);
    // Distinct (dialog, reply) pairs, in pool order, so the draw does not depend on hash order.
    List<String> replies = new ArrayList<>();
    List<String> dialogs = new ArrayList<>();
    Set<List<String>> seen = new HashSet<>();
    for (SelectionExample e : pool) {
      if (seen.add(List.of(e.dialogId(), e.reply()))) {
        replies.add(e.reply());
        dialogs.add(e.dialogId());
      }
    }
    Random random = new Random(seed);
    List<List<String>> lists = new ArrayList<>(examples.size());
    for (SelectionExample e : examples) {
      Set<String> chosen = new LinkedHashSet<>();
      chosen.add(e.reply());
      int tries = 0;
      while (chosen.size() < candidates && tries < 50 * candidates) {
        tries++;
        int j = random.nextInt(Math.max(1, replies.size()));
        if (!replies.isEmpty() && !dialogs.get(j).equals(e.dialogId())) {
          chosen.add(replies.get(j));
        }
      }
      if (chosen.size() < candidates) {
        // A small pool: take what is left in order, rather than fail on bad luck.
        for (int j = 0; j < replies.size() && chosen.size() < candidates; j++) {
          if (!dialogs.get(j).equals(e.dialogId())) {
            chosen.add(replies.get(j));
          }
        }
      }
      checkArgument(
          chosen.size() == candidates,
          "the pool has only %s distinct replies outside dialog %s, but %s distractors are needed",
          chosen.size() - 1,
          e.dialogId(),
          candidates - 1);
      lists.add(List.copyOf(chosen));
    }
    return lists;
  }

  /**
   * Pairwise accuracy of each example's true reply against each of its own negatives. Examples of
   * one context (same dialog id and dialog) are scored in one call over their replies and
   * negatives.
   *
   * @throws IllegalStateException if the scorer returns a wrong number of scores
   */
  public static PairwiseReport pairwise(ReplyScorer scorer, List<SelectionExample> examples) {
    requireNonNull(scorer, "scorer");
    Map<List<Object>, List<SelectionExample>> contexts = new LinkedHashMap<>();
    for (SelectionExample e : examples) {
      contexts.computeIfAbsent(List.of(e.dialogId(), e.dialog()), k -> new ArrayList<>()).add(e);
    }
    int pairs = 0;
    double wins = 0;
    for (List<SelectionExample> group : contexts.values()) {
      Set<String> texts = new LinkedHashSet<>();
      for (SelectionExample e : group) {
        texts.add(e.reply());
        texts.addAll(e.negatives());
      }
      List<String> candidates = List.copyOf(texts);
      double[] scores = scores(scorer, group.get(0).dialog(), candidates);
      Map<String, Double> byText = new LinkedHashMap<>();
      for (int i = 0; i < scores.length; i++) {
        byText.put(candidates.get(i), scores[i]);
      }
      for (SelectionExample e : group) {
        double positive = Objects.requireNonNull(byText.get(e.reply()));
        for (String negative : e.negatives()) {
          double s = Objects.requireNonNull(byText.get(negative));
          pairs++;
          wins += positive > s ? 1 : positive == s ? 0.5 : 0;
        }
      }
    }
    return new PairwiseReport(pairs, pairs == 0 ? Double.NaN : wins / pairs);
  }

  /**
   * ROC AUC of the scorer's score of each rated record's reply against its reaction, through {@link
   * BinaryMetrics#rocAuc}; records without a polarity are left out.
   *
   * @throws IllegalStateException if the scorer returns a wrong number of scores
   */
  public static double reactionAuc(ReplyScorer scorer, List<ReactionRecord> records) {
    requireNonNull(scorer, "scorer");
    List<Double> scores = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    for (ReactionRecord r : records) {
      if (r.reaction().polarity().isPresent()) {
        scores.add(scores(scorer, r.dialog(), List.of(r.reply()))[0]);
        labels.add(r.reaction().polarity().orElseThrow());
      }
    }
    double[] s = new double[scores.size()];
    boolean[] l = new boolean[labels.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores.get(i);
      l[i] = labels.get(i);
    }
    return BinaryMetrics.rocAuc(s, l);
  }

  /**
   * Returns at most {@code max} of the items, a seeded random sample kept in input order (all of
   * them, in order, when there are no more than {@code max}).
   *
   * @throws IllegalArgumentException if {@code max} is negative
   */
  public static <T> List<T> sample(List<T> items, int max, long seed) {
    requireNonNull(items, "items");
    checkArgument(max >= 0, "max must not be negative, but was %s", max);
    if (items.size() <= max) {
      return List.copyOf(items);
    }
    List<Integer> indices = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      indices.add(i);
    }
    java.util.Collections.shuffle(indices, new Random(seed));
    List<Integer> kept = new ArrayList<>(indices.subList(0, max));
    java.util.Collections.sort(kept);
    List<T> out = new ArrayList<>(max);
    for (int i : kept) {
      out.add(items.get(i));
    }
    return List.copyOf(out);
  }

  /** The 1-based rank of {@code scores[0]}; ties and NaN count against it. */
  static int rankOfFirst(double[] scores) {
    int rank = 1;
    for (int j = 1; j < scores.length; j++) {
      if (!(scores[j] < scores[0])) {
        rank++;
      }
    }
    return rank;
  }

  private static double[] scores(ReplyScorer scorer, Dialog dialog, List<String> candidates) {
    return checked(scorer.score(dialog, candidates), candidates);
  }

  private static double[] checked(double @Nullable [] scores, List<String> candidates) {
    if (scores == null || scores.length != candidates.size()) {
      throw new IllegalStateException(
          "scorer returned "
              + (scores == null ? "null" : scores.length + " scores")
              + " for "
              + candidates.size()
              + " candidates");
    }
    return scores;
  }
}
