package dev.reranker.heuristics;

import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Verdict;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Samples the reply among the best k with {@code softmax(score / T)} and lifts the sampled one to
 * the top with the smallest score change that puts it there.
 */
final class DiversitySampler extends PostModelHeuristic {
  private final DiversityConfig config;
  private final String reason;

  DiversitySampler(DiversityConfig config) {
    super(Heuristics.DIVERSITY);
    this.config = config;
    this.reason = "sampled at temperature " + config.temperature() + " among top " + config.topK();
  }

  @Override
  Ranking rewrite(RerankRequest request, Ranking ranking) {
    List<ScoredCandidate> top = ranking.top(config.topK());
    if (top.size() < 2) {
      return ranking;
    }
    double best = top.get(0).score();
    double[] cumulative = new double[top.size()];
    double total = 0;
    for (int i = 0; i < top.size(); i++) {
      double score = top.get(i).score();
      if (!Double.isFinite(score)) {
        return ranking; // an infinite logit wins outright; there is nothing to sample
      }
      total += Math.exp((score - best) / config.temperature()); // <= 1: no overflow
      cumulative[i] = total;
    }
    double u = draw() * total;
    int chosen = 0;
    while (chosen < cumulative.length - 1 && u >= cumulative[chosen]) {
      chosen++;
    }
    float change = chosen == 0 ? 0f : lift(top.get(0).score(), top.get(chosen).score());
    if (!Float.isFinite(change)) {
      return ranking; // scores so far apart that float cannot hold the gap
    }
    Verdict[] verdicts = new Verdict[ranking.size()];
    verdicts[chosen] = Verdict.adjust(name, change, reason);
    return withVerdicts(ranking, verdicts);
  }

  /** The smallest float change that takes {@code score} strictly above {@code first}. */
  static float lift(float first, float score) {
    float change = Math.nextUp(first) - score;
    while (Float.isFinite(change) && score + change <= first) {
      change = Math.nextUp(change);
    }
    return change;
  }

  private double draw() {
    RandomGenerator random = config.random();
    synchronized (random) {
      return random.nextDouble();
    }
  }

  @Override
  public String toString() {
    return name + config;
  }
}
