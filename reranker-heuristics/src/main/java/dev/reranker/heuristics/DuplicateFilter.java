package dev.reranker.heuristics;

import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Among candidates that say the same thing, keeps the best scored and drops the others. Exact
 * duplicates (after normalisation) are found by hashing, in linear time, across all candidates.
 * Near-duplicates are looked for, best first, until {@code maxCompared} distinct candidates have
 * been kept: each candidate is compared with at most {@code maxCompared} kept ones, so the work is
 * linear in the number of candidates. Stopping at a number of kept candidates, not of candidates
 * seen, keeps the filter idempotent.
 */
final class DuplicateFilter extends PostModelHeuristic {
  private final Similarity similarity;
  private final int maxCompared;

  DuplicateFilter(Similarity similarity, int maxCompared) {
    super(Heuristics.DUPLICATE);
    this.similarity = similarity;
    this.maxCompared = maxCompared;
  }

  @Override
  Ranking rewrite(RerankRequest request, Ranking ranking) {
    List<ScoredCandidate> ranked = ranking.ranked();
    int n = ranked.size();
    Verdict[] verdicts = new Verdict[n];
    Fingerprint[] prints = new Fingerprint[n];
    Map<String, Integer> firstWithKey = new HashMap<>(n * 2);
    List<Integer> kept =
        new ArrayList<>(); // the best distinct candidates, compared with later ones
    for (int i = 0; i < n; i++) {
      prints[i] = Fingerprint.of(ranked.get(i).text());
      Integer better = firstWithKey.putIfAbsent(prints[i].exactKey(), i);
      if (better != null) {
        verdicts[i] =
            Verdict.drop(
                name,
                "duplicate of a better-scored candidate " + Texts.quote(ranked.get(better).text()));
        continue;
      }
      if (similarity.measure() == Similarity.Measure.EXACT || kept.size() >= maxCompared) {
        continue;
      }
      for (int j : kept) {
        double score = similarity.score(prints[j], prints[i]);
        if (score >= similarity.threshold()) {
          verdicts[i] =
              Verdict.drop(
                  name,
                  "near-duplicate ("
                      + similarity.describe(score)
                      + ") of a better-scored candidate "
                      + Texts.quote(ranked.get(j).text()));
          break;
        }
      }
      if (verdicts[i] == null) {
        kept.add(i);
      }
    }
    return withVerdicts(ranking, verdicts);
  }

  @Override
  public String toString() {
    return name + "{similarity=" + similarity + ", maxCompared=" + maxCompared + "}";
  }
}
