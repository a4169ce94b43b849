package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The outcome of reranking: the surviving candidates sorted best first, and the dropped ones with
 * the verdicts that dropped them. Immutable.
 *
 * <p>Order: by {@link ScoredCandidate#score()} descending; ties keep the callers' candidate order.
 * When every candidate was dropped, {@link #best()} is the configured fallback reply, if any, else
 * empty.
 */
public final class Ranking {
  private static final Comparator<ScoredCandidate> BEST_FIRST =
      Comparator.comparingDouble((ScoredCandidate c) -> c.score()).reversed();

  private final List<ScoredCandidate> ranked;
  private final List<ScoredCandidate> dropped;
  private final Optional<Candidate> fallback;

  private Ranking(
      List<ScoredCandidate> ranked, List<ScoredCandidate> dropped, Optional<Candidate> fallback) {
    this.ranked = ranked;
    this.dropped = dropped;
    this.fallback = fallback;
  }

  /**
   * Sorts candidates into a ranking: those with a drop verdict go to {@link #dropped()}, the rest
   * are sorted best first (stable).
   *
   * @throws IllegalArgumentException if a surviving candidate has no score
   */
  public static Ranking of(List<ScoredCandidate> candidates) {
    List<ScoredCandidate> kept = new ArrayList<>();
    List<ScoredCandidate> gone = new ArrayList<>();
    for (ScoredCandidate c : candidates) {
      requireNonNull(c, "candidate");
      if (c.isDropped()) {
        gone.add(c);
      } else {
        checkArgument(
            !Float.isNaN(c.score()), "candidate '%s' was neither scored nor dropped", c.text());
        kept.add(c);
      }
    }
    kept.sort(BEST_FIRST);
    return new Ranking(List.copyOf(kept), List.copyOf(gone), Optional.empty());
  }

  /** Returns the surviving candidates, best first. */
  public List<ScoredCandidate> ranked() {
    return ranked;
  }

  /** Returns the candidates heuristics dropped, in the order they were given. */
  public List<ScoredCandidate> dropped() {
    return dropped;
  }

  /** Returns every candidate: the ranked ones best first, then the dropped ones. */
  public List<ScoredCandidate> all() {
    List<ScoredCandidate> all = new ArrayList<>(ranked);
    all.addAll(dropped);
    return List.copyOf(all);
  }

  /**
   * Returns the reply to send: the best surviving candidate, else the fallback (unscored), else
   * empty.
   */
  public Optional<ScoredCandidate> best() {
    if (!ranked.isEmpty()) {
      return Optional.of(ranked.get(0));
    }
    return fallback.map(ScoredCandidate::unscored);
  }

  /** Returns whether {@link #best()} is the fallback because every candidate was dropped. */
  public boolean isFallback() {
    return ranked.isEmpty() && fallback.isPresent();
  }

  /**
   * Returns the best {@code k} surviving candidates (fewer if fewer survived).
   *
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public List<ScoredCandidate> top(int k) {
    checkArgument(k >= 0, "k must not be negative, but was %s", k);
    return ranked.subList(0, Math.min(k, ranked.size()));
  }

  /** Returns the number of surviving candidates. */
  public int size() {
    return ranked.size();
  }

  /** Returns the reply {@link #best()} falls back to when every candidate is dropped, if any. */
  public Optional<Candidate> fallback() {
    return fallback;
  }

  /**
   * Returns a ranking in which {@code f} has rewritten every surviving candidate (adding verdicts),
   * re-sorted; candidates {@code f} drops move to {@link #dropped()}. {@code f} visits the
   * candidates best first, once each. The fallback is kept.
   */
  public Ranking map(Function<ScoredCandidate, ScoredCandidate> f) {
    List<ScoredCandidate> next = new ArrayList<>();
    for (ScoredCandidate c : ranked) {
      next.add(requireNonNull(f.apply(c), "mapped candidate"));
    }
    Ranking mapped = of(next);
    List<ScoredCandidate> gone = new ArrayList<>(dropped);
    gone.addAll(mapped.dropped);
    return new Ranking(mapped.ranked, List.copyOf(gone), fallback);
  }

  /** Returns this ranking with the given candidates added to {@link #dropped()}. */
  public Ranking withDropped(List<ScoredCandidate> more) {
    List<ScoredCandidate> gone = new ArrayList<>(dropped);
    gone.addAll(more);
    return new Ranking(ranked, List.copyOf(gone), fallback);
  }

  /** Returns this ranking with a fallback reply for when every candidate is dropped. */
  public Ranking withFallback(Candidate fallback) {
    return new Ranking(ranked, dropped, Optional.of(requireNonNull(fallback, "fallback")));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ranking r
        && ranked.equals(r.ranked)
        && dropped.equals(r.dropped)
        && fallback.equals(r.fallback);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(ranked, dropped, fallback);
  }

  @Override
  public String toString() {
    return "Ranking{ranked=" + ranked + ", dropped=" + dropped.size() + "}";
  }
}
