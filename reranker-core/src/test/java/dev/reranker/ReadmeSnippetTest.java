package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * README.md's snippets, compiled and run: if this test compiles, the README's API is real. Keep the
 * regions below and the README's code blocks word for word the same ({@link
 * #readmeContainsTheSnippet} checks it).
 */
class ReadmeSnippetTest {
  static final List<Candidate> candidates =
      List.of(
          Candidate.retrieval("You will do great, you prepared well."),
          Candidate.generative("I like trains."));

  @Test
  void builderSnippetRuns() throws Exception {
    // spotless:off (README.md shows this region as written here)
    // @start region="builder"
    try (Reranker reranker = Reranker.builder()
            .model(RerankerModel.bundled())            // or .model(Path.of("my-checkpoint"))
            .maxSeqLen(80).maxReplyTokens(20)
            .batchSize(32).maxBatchDelay(Duration.ofMillis(5))
            .maxQueuedPairs(10_000)
            .mixedPrecision(true)
            .build()) {
      Dialog dialog = Dialog.of(Turn.user("Just anxious and tired"), Turn.bot("Still worried about tomorrow?"),
          Turn.user("Yes, I have an exam"));
      Ranking ranking = reranker.rank(dialog, candidates);          // candidates: List<Candidate>
      CompletableFuture<Ranking> later = reranker.rankAsync(dialog, candidates);
      float p = reranker.score(dialog, "You will do great, you prepared well.");   // P(upvote)
    // @end
    // spotless:on
      assertThat(ranking.best()).isPresent();
      assertThat(later.get().best().orElseThrow().candidate())
          .isEqualTo(ranking.best().orElseThrow().candidate());
      assertThat(p).isBetween(0f, 1f);
    }
  }

  @Test
  void modelSnippetCompiles() {
    // spotless:off (README.md shows this region as written here)
    // @start region="models"
    RerankerModel.bundled();                          // the default dialog cross-encoder
    RerankerModel.miniLmBiEncoder();                  // pretrained all-MiniLM-L6-v2 (bi-encoder)
    RerankerModel.checkpoint(Path.of("my-bert"));     // a HuggingFace BERT checkpoint folder
    RerankerModel.torchScript(Path.of("model.pt"), Path.of("tokenizer.json"),
        ModelKind.CROSS_ENCODER, List.of("downvote", "upvote"));   // anything exported from Python
    // @end
    // spotless:on
  }

  @Test
  void readmeContainsTheSnippet() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String self = Files.readString(Path.of("src/test/java/dev/reranker/ReadmeSnippetTest.java"));
    for (String region : List.of("builder", "models")) {
      String start = "// @start region=\"" + region + "\"\n";
      int from = self.indexOf(start) + start.length();
      String body = self.substring(from, self.indexOf("    // @end", from));
      String indent = "    ";
      StringBuilder unindented = new StringBuilder();
      for (String line : body.split("\n", -1)) {
        unindented
            .append(line.startsWith(indent) ? line.substring(indent.length()) : line)
            .append('\n');
      }
      String snippet = unindented.toString().strip();
      assertThat(readme).as("README.md must contain the %s snippet", region).contains(snippet);
    }
  }
}
