package dev.reranker;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * A step around the model, in OkHttp's interceptor shape: it may rewrite the request (drop
 * candidates before they cost model time), call {@link Chain#proceed}, and rewrite the ranking that
 * comes back (adjust scores, drop more). The model call is the chain's last link.
 *
 * <p>Order: with {@code a.andThen(b)}, {@code Heuristic.chain(List.of(a, b))} or {@code
 * Reranker.builder().heuristics(a, b)}, all one chain, {@code a} runs outermost: {@code a}'s
 * pre-model work sees the request first, then {@code b}'s; after the model, {@code b} rewrites the
 * ranking first and {@code a} last.
 *
 * <p>The chain is asynchronous so that {@link Reranker#rankAsync} never blocks a thread; {@link
 * #before} and {@link #after} build the two common kinds without touching futures:
 *
 * <pre>{@code
 * Heuristic noBlank = Heuristic.before(req -> req.filter("no-blank",
 *     c -> c.text().isBlank() ? "empty reply" : null));
 * }</pre>
 */
@FunctionalInterface
public interface Heuristic {

  /**
   * Applies this heuristic: must call {@code chain.proceed} at most once, and return what it
   * returns or a ranking derived from it. Must not block.
   */
  CompletionStage<Ranking> apply(RerankRequest request, Chain chain);

  /** The rest of the chain, ending in the model. */
  @FunctionalInterface
  interface Chain {
    /** Passes the request on to the next heuristic, or the model. */
    CompletionStage<Ranking> proceed(RerankRequest request);
  }

  /** Returns a heuristic that rewrites the request before the model (a pre-model filter). */
  static Heuristic before(UnaryOperator<RerankRequest> rewrite) {
    requireNonNull(rewrite, "rewrite");
    return (request, chain) -> chain.proceed(rewrite.apply(request));
  }

  /** Returns a heuristic that rewrites the ranking after the model (an adjuster or filter). */
  static Heuristic after(UnaryOperator<Ranking> rewrite) {
    requireNonNull(rewrite, "rewrite");
    return (request, chain) -> chain.proceed(request).thenApply(rewrite);
  }

  /** Returns a heuristic that does nothing: the empty chain, {@code chain[]}. */
  static Heuristic identity() {
    return HeuristicChain.EMPTY;
  }

  /**
   * Returns the heuristics nested in list order, first outermost: before the model they run first
   * to last, after it last to first. Chains in the list are spliced in, so chains nest freely; an
   * empty list gives {@link #identity()}. A heuristic that returns null, or whose stage completes
   * with a null ranking, fails the chain with a {@link NullPointerException} that names it. {@code
   * toString()} lists the heuristics: {@code chain[blank, length{}, ...]}.
   *
   * @throws NullPointerException if the list or an element is null; the message names the index
   */
  static Heuristic chain(List<? extends Heuristic> heuristics) {
    return HeuristicChain.of(heuristics);
  }

  /**
   * Returns {@code this} wrapped around {@code inner}, this outermost: {@code chain(List.of(this,
   * inner))}.
   *
   * @throws NullPointerException if {@code inner} is null
   */
  default Heuristic andThen(Heuristic inner) {
    requireNonNull(inner, "inner");
    return chain(List.of(this, inner));
  }
}
