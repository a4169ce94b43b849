package dev.reranker;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Scores batches of (dialog, candidate) pairs: the model stage of a {@link Reranker}. The library
 * supplies it from {@link Reranker.Builder#model}; implement it to plug in another model service,
 * or a fake in tests.
 *
 * <p>Called from the reranker's worker thread only, one batch at a time per worker.
 */
@FunctionalInterface
public interface Scorer {

  /**
   * Returns one raw score per pair, in order: a logit, turned into a probability by the reranker's
   * {@link Calibration}. May throw: the batch's requests fail with {@link ScoringException}, the
   * reranker keeps serving.
   */
  float[] score(List<Pair> batch) throws Exception;

  /**
   * One pair to score.
   *
   * @param dialog the dialog
   * @param candidate the reply
   */
  record Pair(Dialog dialog, Candidate candidate) {
    /** Creates a pair. */
    public Pair {
      requireNonNull(dialog, "dialog");
      requireNonNull(candidate, "candidate");
    }
  }
}
