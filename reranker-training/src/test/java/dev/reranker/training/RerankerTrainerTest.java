package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Calibration;
import dev.reranker.Reranker;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning a tiny BERT on the synthetic reaction set: it learns (AUC from about 0.5 to at least
 * 0.9), and the checkpoint it saves serves the same scores, calibrated, through {@link Reranker}.
 */
class RerankerTrainerTest {
  static List<ReactionRecord> train;
  static List<ReactionRecord> validation;
  static TrainingResult result;
  static String log;
  @TempDir static Path shared;

  @BeforeAll
  static void trainOnce() {
    // Noise in training only: the validation AUC then measures what was learned (up to 1.0).
    train = SyntheticReactions.generate("t", 400, 0.05, 7);
    validation = SyntheticReactions.generate("v", 100, 0, 8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    result =
        RerankerTrainer.builder()
            .model(
                RerankerModel.random(
                    SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(shared), 3))
            .epochs(8)
            .batchSize(32)
            .learningRate(2e-3f)
            .patience(0)
            .output(shared.resolve("tiny"))
            .progress(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .build()
            .fit(train, validation);
    log = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void learnsTheTopicMatch() {
    assertThat(result.initialValidation()).isPresent();
    assertThat(result.initialValidation().orElseThrow().auc()).isBetween(0.35, 0.65);
    assertThat(result.best().validation().auc()).isGreaterThanOrEqualTo(0.9);
    assertThat(result.history()).hasSize(8);
    assertThat(result.history().get(7).globalStep()).isEqualTo(8 * 25); // 800 records / 32
    // grouped by context: one on-topic and one off-topic reply each
    assertThat(result.best().validation().groups()).isEqualTo(100);
    assertThat(result.best().validation().hitsAt1()).isGreaterThan(0.85);
  }

  @Test
  void checkpointServesTheSameCalibratedScores() throws IOException {
    Path checkpoint = result.checkpoint();
    JsonObject config =
        JsonParser.parseString(Files.readString(checkpoint.resolve("config.json")))
            .getAsJsonObject();
    assertThat(config.getAsJsonObject("id2label").get("0").getAsString()).isEqualTo("upvote");
    JsonObject saved = config.getAsJsonObject("reranker_calibration");
    Calibration calibration =
        new Calibration(saved.get("scale").getAsFloat(), saved.get("bias").getAsFloat());
    assertThat(calibration).isEqualTo(result.best().calibration());

    ReactionRecord first = validation.get(0);
    float logit;
    try (EncoderModel model = RerankerModel.checkpoint(checkpoint).load();
        PairEncoder encoder =
            new PairEncoder(model.tokenizerJson(), ModelKind.CROSS_ENCODER, 80, 20)) {
      assertThat(model.calibration()).contains(calibration);
      logit =
          model
              .logits(
                  encoder.crossBatch(
                      encoder.encode(
                          first.dialog(), List.of(dev.reranker.Candidate.of(first.reply())))))[0][
              0];
    }
    try (Reranker reranker = Reranker.builder().model(checkpoint).build()) {
      assertThat(reranker.score(first.dialog(), first.reply()))
          .isCloseTo(calibration.probability(logit), within(1e-5f));
      EvaluationReport served = ReactionEvaluation.evaluate(reranker, validation);
      EvaluationReport trained = result.best().validation();
      assertThat(served.examples()).isEqualTo(trained.examples());
      assertThat(served.auc()).isCloseTo(trained.auc(), within(1e-3));
      assertThat(served.logLoss()).isCloseTo(trained.logLoss(), within(1e-3));
      assertThat(served.ece()).isCloseTo(trained.ece(), within(1e-2));
    }
    // the builder's calibration still wins over the saved one
    try (Reranker reranker =
        Reranker.builder().model(checkpoint).calibration(Calibration.SIGMOID).build()) {
      assertThat(reranker.score(first.dialog(), first.reply()))
          .isCloseTo(Calibration.SIGMOID.probability(logit), within(1e-5f));
    }
  }

  @Test
  void logsPlainLinesWithoutAConsole() {
    assertThat(log).contains("before training: validation AUC");
    assertThat(log).containsPattern("epoch 1/8 step \\d+/\\d+ loss \\d\\.\\d{4} lr .* ETA");
    assertThat(log).contains("best so far, saved");
  }

  @Test
  void refusesToOverwriteACheckpointWithoutResume() {
    assertThatThrownBy(
            () ->
                RerankerTrainer.builder()
                    .model(
                        RerankerModel.random(
                            SyntheticReactions.tinyBert(),
                            SyntheticReactions.tokenizerFile(shared),
                            3))
                    .output(result.checkpoint())
                    .quiet()
                    .build()
                    .fit(train, validation))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already holds a checkpoint: resume(true)");
  }
}
