package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.model.RerankerModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reaction fine-tuning with relevance anchors ({@link RerankerTrainer#fit(List, List, List)}):
 * selection groups ride along in every step's forward and loss, resume knows the anchors, and bad
 * anchors are refused before training.
 */
class RelevanceAnchorsTest {
  @TempDir Path dir;

  private RerankerTrainer.Builder tiny(Path out, ByteArrayOutputStream log) {
    return RerankerTrainer.builder()
        .model(
            RerankerModel.random(
                SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(dir), 3))
        .epochs(1)
        .batchSize(16)
        .learningRate(2e-3f)
        .maxSeqLen(24)
        .maxReplyTokens(8)
        .output(out)
        .progress(new PrintStream(log, true, StandardCharsets.UTF_8));
  }

  @Test
  void everyStepCarriesAnchorGroups_andResumeChecksTheAnchors() {
    List<ReactionRecord> train = SyntheticReactions.generate("t", 60, 0.05, 7);
    List<ReactionRecord> validation = SyntheticReactions.generate("v", 30, 0, 8);
    List<SelectionExample> anchors = SelectionTrainingTest.toy("a", 40, 0, 5);
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    TrainingResult result =
        tiny(dir.resolve("anchored"), log).build().fit(train, validation, anchors);

    String text = log.toString(StandardCharsets.UTF_8);
    // batch 16 and k = 7: two groups of 8 pairs, as many pairs as the reaction batch.
    assertThat(text)
        .contains("each step also 2 relevance-anchor groups of 1+7 pairs (listwise, weight 1.0)");
    assertThat(Files.exists(result.checkpoint().resolve("model.safetensors"))).isTrue();
    assertThat(result.best().validation().auc()).isBetween(0.0, 1.0);

    // Other anchors are other training data: resuming with them is refused.
    assertThatThrownBy(
            () ->
                tiny(dir.resolve("anchored"), new ByteArrayOutputStream())
                    .epochs(2)
                    .resume(true)
                    .build()
                    .fit(train, validation, SelectionTrainingTest.toy("b", 40, 0, 6)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anchorWeight_reachesTheLoss() throws Exception {
    List<ReactionRecord> train = SyntheticReactions.generate("t", 32, 0.05, 7);
    List<ReactionRecord> validation = SyntheticReactions.generate("v", 16, 0, 8);
    List<SelectionExample> anchors = SelectionTrainingTest.toy("a", 40, 0, 5);
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    TrainingResult full =
        tiny(dir.resolve("w1"), new ByteArrayOutputStream())
            .build()
            .fit(train, validation, anchors);
    TrainingResult light =
        tiny(dir.resolve("w025"), log).anchorWeight(0.25).build().fit(train, validation, anchors);

    assertThat(log.toString(StandardCharsets.UTF_8)).contains("(listwise, weight 0.25)");
    // Same seed, same batches: only the weight differs, so the weights trained do too.
    assertThat(Files.readAllBytes(light.checkpoint().resolve("model.safetensors")))
        .isNotEqualTo(Files.readAllBytes(full.checkpoint().resolve("model.safetensors")));
  }

  @Test
  void tooFewAnchorDialogsForKNegatives_isRefusedBeforeTraining() {
    List<ReactionRecord> train = SyntheticReactions.generate("t", 20, 0.05, 7);
    List<ReactionRecord> validation = SyntheticReactions.generate("v", 10, 0, 8);
    assertThatThrownBy(
            () ->
                tiny(dir.resolve("few"), new ByteArrayOutputStream())
                    .build()
                    .fit(train, validation, SelectionTrainingTest.toy("a", 3, 0, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too few replies from other dialogs");
  }
}
