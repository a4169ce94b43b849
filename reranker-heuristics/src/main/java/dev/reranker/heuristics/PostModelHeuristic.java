package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Verdict;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/** A heuristic that rewrites the ranking the rest of the chain returns. */
abstract class PostModelHeuristic implements Heuristic {
  final String name;

  PostModelHeuristic(String name) {
    this.name = name;
  }

  @Override
  public final CompletionStage<Ranking> apply(RerankRequest request, Chain chain) {
    requireNonNull(request, "request");
    requireNonNull(chain, "chain");
    CompletionStage<Ranking> next =
        requireNonNull(chain.proceed(request), "chain.proceed returned null");
    return next.thenApply(
        ranking -> {
          requireNonNull(ranking, "the chain returned a null ranking");
          return ranking.size() == 0 ? ranking : rewrite(request, ranking);
        });
  }

  /** Returns the ranking with this heuristic's verdicts added; never null. */
  abstract Ranking rewrite(RerankRequest request, Ranking ranking);

  /**
   * Adds {@code byRank[i]} (when non-null) to the i-th best candidate and re-sorts, keeping the
   * ranking's fallback.
   */
  // ReferenceEquality: the identity check is the point: it proves Ranking.map visits the very
  // candidates of ranked(), in order; equal-but-distinct candidates would hide a reordering.
  @SuppressWarnings("ReferenceEquality")
  static Ranking withVerdicts(Ranking ranking, @Nullable Verdict[] byRank) {
    boolean any = false;
    for (Verdict v : byRank) {
      any |= v != null;
    }
    if (!any) {
      return ranking;
    }
    List<ScoredCandidate> ranked = ranking.ranked();
    int[] next = {0};
    // Ranking.map visits the ranked candidates best first; the identity check guards that.
    return ranking.map(
        c -> {
          int i = next[0]++;
          if (i >= ranked.size() || ranked.get(i) != c) {
            throw new IllegalStateException("Ranking.map visited candidates out of rank order");
          }
          Verdict v = byRank[i];
          return v == null ? c : c.with(v);
        });
  }
}
