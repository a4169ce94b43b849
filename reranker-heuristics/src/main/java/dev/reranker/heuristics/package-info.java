/**
 * Built-in heuristics for the reranker: filters that drop a candidate and adjusters that change its
 * score, each recording its decision as a {@link dev.reranker.Verdict} (heuristic name, action,
 * reason, score change) on the candidate's {@link dev.reranker.ScoredCandidate}.
 *
 * <p>Start at {@link dev.reranker.heuristics.Heuristics}: its static factories return {@link
 * dev.reranker.Heuristic}s, {@link dev.reranker.heuristics.Heuristics#chain} composes them, and
 * {@link dev.reranker.heuristics.Heuristics#defaults()} is a sensible chain to begin with:
 *
 * <pre>{@code
 * Reranker reranker = Reranker.builder()
 *     .model(RerankerModel.bundled())
 *     .heuristics(Heuristics.defaults(),
 *         Heuristics.blocklist(Blocklist.builder().word("spoiler").build()))
 *     .fallback(Candidate.of("Tell me more?"))
 *     .build();
 * }</pre>
 *
 * <p><b>Pre-model and post-model.</b> A pre-model heuristic (a filter such as {@code blank}, {@code
 * length}, {@code placeholder}, {@code blocklist}, {@code repeat}, {@code echo}) drops candidates
 * from the request before the model scores them, so they cost no model time. A post-model heuristic
 * ({@code duplicate}, {@code repeated-question}, {@code source-preference}, {@code diversity})
 * needs the scores and rewrites the ranking the model returned.
 *
 * <p><b>Order.</b> In {@code Heuristics.chain(a, b, c)}, {@code a.andThen(b).andThen(c)} and {@code
 * Reranker.builder().heuristics(a, b, c)} alike, {@code a} is outermost: pre-model work runs a, b,
 * c; post-model work runs c, b, a. Verdicts on a candidate appear in the order they were made.
 *
 * <p><b>When every candidate is dropped</b>, {@link dev.reranker.Ranking#best()} returns the
 * fallback reply configured with the reranker builder's {@code fallback(...)} (unscored, with
 * {@link dev.reranker.Ranking#isFallback()} true), or empty if none was configured; the dropped
 * candidates and their verdicts are still in {@link dev.reranker.Ranking#dropped()}.
 *
 * <p><b>Text.</b> Comparisons work on normalised text (NFKC, Unicode case folding, punctuation and
 * whitespace runs collapsed; see {@link dev.reranker.heuristics.Similarity}); lengths count code
 * points, not UTF-16 units. Emoji, right-to-left scripts, combining marks and lone surrogates are
 * handled, never thrown on.
 *
 * <p>Null is never a valid argument: methods throw {@link NullPointerException} naming it. Bad
 * options throw {@link IllegalArgumentException} naming the option and the value.
 */
@NullMarked
@CheckReturnValue
package dev.reranker.heuristics;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
