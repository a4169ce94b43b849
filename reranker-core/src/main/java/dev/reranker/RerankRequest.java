package dev.reranker;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What flows down the heuristic chain to the model: the dialog, the candidates still alive, and
 * those dropped so far with their verdicts. Immutable; every change returns a new request.
 *
 * @param dialog the dialog the reply is for
 * @param candidates the candidates still alive, in the caller's order
 * @param dropped candidates dropped before the model, each with its drop verdict
 */
public record RerankRequest(
    Dialog dialog, List<Candidate> candidates, List<ScoredCandidate> dropped) {

  /** Creates a request. */
  public RerankRequest {
    requireNonNull(dialog, "dialog");
    candidates = List.copyOf(candidates);
    dropped = List.copyOf(dropped);
  }

  /** Returns a request with nothing dropped yet. */
  public static RerankRequest of(Dialog dialog, List<Candidate> candidates) {
    return new RerankRequest(dialog, candidates, List.of());
  }

  /**
   * Drops every candidate for which {@code reasonToDrop} returns a reason, recording a {@link
   * Verdict#drop} by {@code heuristic}; candidates for which it returns null stay.
   */
  public RerankRequest filter(
      String heuristic, Function<? super Candidate, @Nullable String> reasonToDrop) {
    requireNonNull(heuristic, "heuristic");
    List<Candidate> kept = new ArrayList<>();
    List<ScoredCandidate> gone = new ArrayList<>(dropped);
    for (Candidate c : candidates) {
      String reason = reasonToDrop.apply(c);
      if (reason == null) {
        kept.add(c);
      } else {
        gone.add(ScoredCandidate.unscored(c).with(Verdict.drop(heuristic, reason)));
      }
    }
    return new RerankRequest(dialog, kept, gone);
  }

  /** Returns this request with the alive candidates replaced (dropped ones are kept). */
  public RerankRequest withCandidates(List<Candidate> next) {
    return new RerankRequest(dialog, next, dropped);
  }
}
