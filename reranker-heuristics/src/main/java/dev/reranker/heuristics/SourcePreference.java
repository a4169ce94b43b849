package dev.reranker.heuristics;

import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Source;
import dev.reranker.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Adds a configured amount to the score of each candidate from a given source. */
final class SourcePreference extends PostModelHeuristic {
  private final Map<Source, Float> adjustments;

  SourcePreference(Map<Source, Float> adjustments) {
    super(Heuristics.SOURCE_PREFERENCE);
    this.adjustments = Map.copyOf(adjustments);
  }

  @Override
  Ranking rewrite(RerankRequest request, Ranking ranking) {
    List<ScoredCandidate> ranked = ranking.ranked();
    Verdict[] verdicts = new Verdict[ranked.size()];
    for (int i = 0; i < verdicts.length; i++) {
      Source source = ranked.get(i).candidate().source();
      Float change = adjustments.get(source);
      if (change != null && change != 0f) {
        verdicts[i] =
            Verdict.adjust(
                name,
                change,
                String.format(
                    Locale.ROOT,
                    "%s source '%s'",
                    change > 0 ? "prefers" : "disfavours",
                    source.tag()));
      }
    }
    return withVerdicts(ranking, verdicts);
  }

  @Override
  public String toString() {
    return name + adjustments;
  }
}
