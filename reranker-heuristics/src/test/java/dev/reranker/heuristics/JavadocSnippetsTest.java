package dev.reranker.heuristics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Heuristic;
import dev.reranker.Reranker;
import dev.reranker.Source;
import dev.reranker.model.RerankerModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The examples in this package's Javadoc, kept compiling (and running where no model is needed).
 */
class JavadocSnippetsTest {

  /** package-info.java; not run, as it loads the bundled model. */
  @SuppressWarnings("unused")
  static Reranker packageExample() {
    Reranker reranker =
        Reranker.builder()
            .model(RerankerModel.bundled())
            .heuristics(
                Heuristics.defaults(),
                Heuristics.blocklist(Blocklist.builder().word("spoiler").build()))
            .fallback(Candidate.of("Tell me more?"))
            .build();
    return reranker;
  }

  @Test
  void heuristicsExamples() {
    Heuristic heuristics =
        Heuristics.chain(
            Heuristics.diversity(3, 0.7, 42), // post-model, last: samples among final scores
            Heuristics.defaults(), // filters, then duplicate over the adjusted scores
            Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.5))); // post-model, first
    Heuristic noLinks =
        Heuristic.before(
            req ->
                req.filter("no-links", c -> c.text().contains("http") ? "contains a link" : null));
    Heuristic sources =
        Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.5, Source.GENERATIVE, -0.25));
    assertThat(
            Harness.hashed()
                .run(
                    Heuristics.chain(heuristics, noLinks, sources),
                    Harness.exam(),
                    "You will do great!")
                .size())
        .isEqualTo(1);
  }

  @Test
  void configExamples() {
    LengthBounds tweetSized = LengthBounds.builder().maxChars(280).maxTokens(60).build();
    Blocklist spoilers =
        Blocklist.builder()
            .name("spoilers")
            .word("spoiler")
            .phrase("the ending is")
            .regex("season \\d+ finale")
            .build();
    RepeatedQuestionConfig strict =
        RepeatedQuestionConfig.builder().similarity(Similarity.charTrigram(0.7)).drop().build();
    DiversityConfig playful = DiversityConfig.builder().topK(3).temperature(0.7).seed(42).build();

    assertThat(tweetSized.maxChars()).isEqualTo(280);
    assertThat(spoilers.firstMatch("So THE ENDING IS sad")).contains("the ending is");
    assertThat(strict.drops()).isTrue();
    assertThat(playful.topK()).isEqualTo(3);
  }
}
