package dev.reranker.examples;

import dev.reranker.Reranker;

/**
 * How a command gets its reranker from the builder it configured, and gives it back: a seam, so
 * that tests run many commands on one loaded model.
 */
interface RerankerFactory {
  /** Builds a new reranker for every command and closes it afterwards. */
  RerankerFactory BUILDING = Reranker.Builder::build;

  /** Returns the reranker for a command that configured {@code builder}. */
  Reranker open(Reranker.Builder builder);

  /** Gives back what {@link #open} returned; closes it by default. */
  default void release(Reranker reranker) {
    reranker.close();
  }
}
