package dev.reranker.heuristics;

import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Heuristics nested in list order, first outermost: the same as {@code
 * a.andThen(b).andThen(c)}, with a readable {@link #toString()}.
 */
final class HeuristicChain implements Heuristic {
  private final List<Heuristic> heuristics;

  HeuristicChain(List<Heuristic> heuristics) {
    this.heuristics = List.copyOf(heuristics);
  }

  @Override
  public CompletionStage<Ranking> apply(RerankRequest request, Chain chain) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(chain, "chain");
    return proceed(0, request, chain);
  }

  private CompletionStage<Ranking> proceed(int index, RerankRequest request, Chain chain) {
    if (index == heuristics.size()) {
      return chain.proceed(request);
    }
    return heuristics.get(index).apply(request, next -> proceed(index + 1, next, chain));
  }

  @Override
  public String toString() {
    return "chain" + heuristics;
  }
}
