package dev.reranker.examples;

import dev.reranker.Heuristic;
import dev.reranker.Reranker;
import dev.reranker.Source;
import dev.reranker.heuristics.Blocklist;
import dev.reranker.heuristics.Heuristics;
import dev.reranker.model.RerankerModel;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The reranker configuration the examples share: the model and a companion bot's heuristics. */
public final class CompanionSetup {
  /** Score bonus of retrieval candidates: curated replies, written and reviewed by people. */
  public static final float RETRIEVAL_BONUS = 0.25f;

  /** Canned LLM disclaimers: a companion says it is an AI in its own words, not these. */
  public static final Blocklist CANNED_AI =
      Blocklist.builder()
          .name("canned-ai")
          .phrase("as an AI language model")
          .phrase("as a large language model")
          .phrase("I cannot have feelings or opinions")
          .build();

  private CompanionSetup() {}

  /**
   * Returns the companion bot's heuristics. Before the model, cheapest first: {@link
   * Heuristics#defaults()}' filters (blank, length, placeholder, repeat, echo), then {@link
   * #CANNED_AI}. After the model, innermost first: the retrieval bonus, then the defaults'
   * repeated-question penalty and duplicate filter, which so see the bonus.
   */
  public static Heuristic heuristics() {
    return Heuristics.chain(
        Heuristics.defaults(),
        Heuristics.blocklist(CANNED_AI),
        Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, RETRIEVAL_BONUS)));
  }

  /**
   * Returns a builder with the model ({@code checkpoint}, or the bundled model if null) and {@link
   * #heuristics()}; the caller sets batching and builds.
   */
  public static Reranker.Builder builder(@Nullable Path checkpoint) {
    return Reranker.builder()
        .model(checkpoint == null ? RerankerModel.bundled() : RerankerModel.checkpoint(checkpoint))
        .heuristics(heuristics());
  }
}
