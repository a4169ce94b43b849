package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import dev.reranker.Dialog;
import dev.reranker.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Scores candidate replies for a dialog, higher meaning a better fit: what {@link
 * RankingEvaluation} measures. A {@link Reranker}, {@link TfIdfScorer} and {@link Bm25Scorer} all
 * fit; only the order of the scores within one call matters.
 */
@FunctionalInterface
public interface ReplyScorer {

  /**
   * Returns one score per candidate, in the candidates' order.
   *
   * @throws RuntimeException if scoring fails (a {@link dev.reranker.RerankerException}, say)
   */
  double[] score(Dialog dialog, List<String> candidates);

  /**
   * Returns a scorer that asks the reranker for each candidate's probability through {@link
   * Reranker#scoreAsync}, the serving path; the candidates of one call go to its queue together, so
   * they are batched. The reranker stays open: its caller closes it.
   */
  static ReplyScorer of(Reranker reranker) {
    requireNonNull(reranker, "reranker");
    return (dialog, candidates) -> {
      List<CompletableFuture<Float>> futures = new ArrayList<>(candidates.size());
      for (String c : candidates) {
        futures.add(reranker.scoreAsync(dialog, c));
      }
      double[] scores = new double[futures.size()];
      for (int i = 0; i < scores.length; i++) {
        try {
          scores[i] = futures.get(i).join();
        } catch (CompletionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw e;
        }
      }
      return scores;
    };
  }
}
