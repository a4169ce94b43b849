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
   * Scores several dialogs' candidates: one score array per dialog, in order. The default calls
   * {@link #score} for each; a scorer that can work on many at once (a reranker's queue) does.
   *
   * @throws RuntimeException if scoring fails
   */
  default List<double[]> scoreAll(List<Dialog> dialogs, List<List<String>> candidates) {
    if (dialogs.size() != candidates.size()) {
      throw new IllegalArgumentException(
          dialogs.size() + " dialogs but " + candidates.size() + " candidate lists");
    }
    List<double[]> out = new ArrayList<>(dialogs.size());
    for (int i = 0; i < dialogs.size(); i++) {
      out.add(score(dialogs.get(i), candidates.get(i)));
    }
    return out;
  }

  /**
   * Returns a scorer that asks the reranker for each candidate's probability through {@link
   * Reranker#scoreAsync}, the serving path. The candidates of one call, and of every dialog of one
   * {@link #scoreAll} call, go to its queue together, so they fill batches ({@link
   * RankingEvaluation} sends 64 dialogs at a time: give the reranker a {@code maxQueuedPairs} of at
   * least 64 x the candidates per dialog). The reranker stays open: its caller closes it.
   */
  static ReplyScorer of(Reranker reranker) {
    requireNonNull(reranker, "reranker");
    return new ReplyScorer() {
      @Override
      public double[] score(Dialog dialog, List<String> candidates) {
        return scoreAll(List.of(dialog), List.of(candidates)).get(0);
      }

      @Override
      public List<double[]> scoreAll(List<Dialog> dialogs, List<List<String>> candidates) {
        if (dialogs.size() != candidates.size()) {
          throw new IllegalArgumentException(
              dialogs.size() + " dialogs but " + candidates.size() + " candidate lists");
        }
        List<List<CompletableFuture<Float>>> futures = new ArrayList<>(dialogs.size());
        for (int i = 0; i < dialogs.size(); i++) {
          List<CompletableFuture<Float>> row = new ArrayList<>(candidates.get(i).size());
          for (String c : candidates.get(i)) {
            row.add(reranker.scoreAsync(dialogs.get(i), c));
          }
          futures.add(row);
        }
        List<double[]> out = new ArrayList<>(futures.size());
        for (List<CompletableFuture<Float>> row : futures) {
          double[] scores = new double[row.size()];
          for (int j = 0; j < scores.length; j++) {
            scores[j] = join(row.get(j));
          }
          out.add(scores);
        }
        return out;
      }
    };
  }

  private static float join(CompletableFuture<Float> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
