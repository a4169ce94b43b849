package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import dev.reranker.Candidate;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A filter that drops candidates before the model scores them. Subclasses look at the request once
 * ({@link #reasons}) and then at each candidate. A failure inside the filter fails the returned
 * stage rather than throwing, as the model's failures do.
 */
abstract class PreModelHeuristic implements Heuristic {
  final String name;

  PreModelHeuristic(String name) {
    this.name = name;
  }

  @Override
  public final CompletionStage<Ranking> apply(RerankRequest request, Chain chain) {
    requireNonNull(request, "request");
    requireNonNull(chain, "chain");
    RerankRequest filtered;
    try {
      filtered = request.candidates().isEmpty() ? request : request.filter(name, reasons(request));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return requireNonNull(chain.proceed(filtered), "chain.proceed returned null");
  }

  /**
   * Returns, for this request, the function that gives a candidate's reason to be dropped, or null
   * to keep it.
   */
  abstract Function<Candidate, @Nullable String> reasons(RerankRequest request);
}
