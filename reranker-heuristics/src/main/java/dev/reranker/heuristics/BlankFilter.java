package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.RerankRequest;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Drops empty and whitespace-only replies. */
final class BlankFilter extends PreModelHeuristic {
  BlankFilter() {
    super(Heuristics.BLANK);
  }

  @Override
  Function<Candidate, @Nullable String> reasons(RerankRequest request) {
    return c -> {
      String text = c.text();
      if (text.isEmpty()) {
        return "empty reply";
      }
      return Texts.isBlank(text) ? "whitespace-only reply" : null;
    };
  }

  @Override
  public String toString() {
    return name;
  }
}
