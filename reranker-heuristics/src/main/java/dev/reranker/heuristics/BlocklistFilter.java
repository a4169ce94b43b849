package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.RerankRequest;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Drops replies that contain an entry of a {@link Blocklist}. */
final class BlocklistFilter extends PreModelHeuristic {
  private final Blocklist blocklist;

  BlocklistFilter(Blocklist blocklist) {
    super(blocklist.name());
    this.blocklist = blocklist;
  }

  @Override
  Function<Candidate, @Nullable String> reasons(RerankRequest request) {
    return c -> blocklist.reason(c.text());
  }

  @Override
  public String toString() {
    return blocklist.toString();
  }
}
