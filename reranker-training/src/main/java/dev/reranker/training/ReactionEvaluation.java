package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import dev.reranker.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Evaluates a served model on reaction records: each record's reply is scored by {@link
 * Reranker#scoreAsync} (the serving path: pair encoding, batching, the model's calibration), and
 * the probabilities are measured against the reactions. Records without a polarity ({@link
 * Reaction#NONE}) are left out.
 */
public final class ReactionEvaluation {
  private static final int IN_FLIGHT = 256;

  private ReactionEvaluation() {}

  /**
   * Scores every rated record with {@code reranker} and computes the metrics.
   *
   * @throws dev.reranker.RerankerException if scoring fails
   */
  public static EvaluationReport evaluate(Reranker reranker, List<ReactionRecord> records) {
    requireNonNull(reranker, "reranker");
    List<ReactionRecord> rated = new ArrayList<>(records.size());
    for (ReactionRecord r : records) {
      if (r.reaction().polarity().isPresent()) {
        rated.add(r);
      }
    }
    double[] probabilities = new double[rated.size()];
    boolean[] labels = new boolean[rated.size()];
    List<String> groups = new ArrayList<>(rated.size());
    // Bounded in flight: the queue batches them, and a large log never overflows it.
    for (int from = 0; from < rated.size(); from += IN_FLIGHT) {
      int to = Math.min(rated.size(), from + IN_FLIGHT);
      List<CompletableFuture<Float>> futures = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        futures.add(reranker.scoreAsync(rated.get(i).dialog(), rated.get(i).reply()));
      }
      for (int i = from; i < to; i++) {
        probabilities[i] = join(futures.get(i - from));
      }
    }
    for (int i = 0; i < rated.size(); i++) {
      Optional<Boolean> polarity = rated.get(i).reaction().polarity();
      labels[i] = polarity.orElseThrow();
      groups.add(rated.get(i).contextKey());
    }
    return EvaluationReport.of(probabilities, labels, groups);
  }

  private static float join(CompletableFuture<Float> future) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
