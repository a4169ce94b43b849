package dev.reranker.examples;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import java.util.List;

/**
 * A source of reply candidates for a dialog: a retrieval index, a generative model, a rule set. A
 * {@link ReplyPipeline} asks each of its sources, then reranks everything they proposed together.
 *
 * <p>Implementations must be thread-safe: a service calls one instance from many request threads.
 * They tag their candidates with a {@link dev.reranker.Source} (heuristics such as source
 * preference read it) and may add metadata (a document id, a log-probability), which the ranking
 * carries through unchanged.
 *
 * <pre>{@code
 * CandidateGenerator llm = (dialog, limit) -> myLlmClient.sample(prompt(dialog), limit).stream()
 *     .map(Candidate::generative)
 *     .toList();
 * }</pre>
 */
@FunctionalInterface
public interface CandidateGenerator {

  /**
   * Returns at most {@code limit} candidates for the dialog's next bot turn, best guesses first; an
   * empty list when the source has nothing to offer.
   *
   * @throws IllegalArgumentException if {@code limit} is negative
   */
  List<Candidate> generate(Dialog dialog, int limit);
}
