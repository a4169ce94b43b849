package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Reranker;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.RerankerModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed-precision training (float16 working copy, float32 master weights) on the CPU: the tiny BERT
 * learns the synthetic task as in {@link RerankerTrainerTest}, the checkpoints stay float32 and
 * serve the trained scores, resume continues it, and bad options fail fast.
 */
class MixedPrecisionTrainingTest {
  static List<ReactionRecord> train;
  static List<ReactionRecord> validation;
  static TrainingResult result;
  static String log;
  @TempDir static Path shared;
  @TempDir Path tmp;

  private static RerankerTrainer.Builder trainer(Path tokenizerDir, Path out) {
    return RerankerTrainer.builder()
        .model(
            RerankerModel.random(
                SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(tokenizerDir), 3))
        .mixedPrecision(true)
        .batchSize(32)
        .learningRate(2e-3f)
        .patience(0)
        .output(out)
        .progressBar(false);
  }

  @BeforeAll
  static void trainOnce() {
    train = SyntheticReactions.generate("t", 400, 0.05, 7);
    validation = SyntheticReactions.generate("v", 100, 0, 8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    result =
        trainer(shared, shared.resolve("mixed"))
            .epochs(8)
            .progress(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .build()
            .fit(train, validation);
    log = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void learnsTheTopicMatchAsFloat32TrainingDoes() {
    assertThat(log)
        .contains(
            "mixed precision (float16 forward and backward, float32 master "
                + "weights, dynamic loss scale)");
    assertThat(result.initialValidation().orElseThrow().auc()).isBetween(0.35, 0.65);
    assertThat(result.best().validation().auc()).isGreaterThanOrEqualTo(0.9);
    assertThat(result.best().validation().hitsAt1()).isGreaterThan(0.85);
    assertThat(result.history()).hasSize(8);
    // the train loss comes from the float16 copy: it learns only if the updates reach it
    // (float32 training ends near 0.19 here; 5% of the training labels are flipped)
    assertThat(result.history().get(0).trainLoss()).isGreaterThan(0.6);
    assertThat(result.history().get(7).trainLoss()).isLessThan(0.3);
    assertThat(log).containsPattern("loss scale \\d+, \\d+ steps skipped so far");
  }

  @Test
  void checkpointsHoldFloat32MasterWeightsThatServeTheTrainedScores() throws IOException {
    assertThat(safetensorsDtypes(result.checkpoint().resolve("model.safetensors")))
        .containsExactly("F32");
    assertThat(safetensorsDtypes(result.checkpoint().resolve("last/model.safetensors")))
        .containsExactly("F32");
    JsonObject config =
        JsonParser.parseString(Files.readString(result.checkpoint().resolve("config.json")))
            .getAsJsonObject();
    assertThat(config.get("torch_dtype").getAsString()).isEqualTo("float32");
    try (Reranker reranker = Reranker.builder().model(result.checkpoint()).build()) {
      EvaluationReport served = ReactionEvaluation.evaluate(reranker, validation);
      assertThat(served.auc()).isCloseTo(result.best().validation().auc(), within(1e-3));
    }
  }

  @Test
  void resumesInMixedPrecision() {
    DatasetSplit split = ReactionLog.of(SyntheticReactions.generate(40, 0.05, 3)).split(0.25, 9);
    Path out = tmp.resolve("run");
    PrintStream silent = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    trainer(tmp, out).epochs(1).progress(silent).build().fit(split.train(), split.validation());
    TrainingResult resumed =
        trainer(tmp, out)
            .epochs(2)
            .progress(silent)
            .resume(true)
            .build()
            .fit(split.train(), split.validation());
    assertThat(resumed.resumedFromEpoch()).isEqualTo(1);
    assertThat(resumed.history()).hasSize(2);
    assertThat(resumed.history().get(1).trainLoss()).isFinite();
  }

  @Test
  void rejectsBfloat16WithTheReason() {
    assertThatThrownBy(() -> RerankerTrainer.builder().mixedPrecisionType(DataType.BFLOAT16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mixedPrecisionType BFLOAT16 is not supported: DJL 0.36's PyTorch engine "
                + "aborts the process on bfloat16 arrays; use FLOAT16");
  }

  @Test
  void rejectsATypeThatIsNotHalf() {
    assertThatThrownBy(() -> RerankerTrainer.builder().mixedPrecisionType(DataType.INT8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mixedPrecisionType must be FLOAT16, but was int8");
  }

  @Test
  void rejectsMixedPrecisionForTheBaseline() {
    assertThatThrownBy(
            () ->
                RerankerTrainer.builder()
                    .baseline(BaselineConfig.talk())
                    .mixedPrecision(true)
                    .output(tmp)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "mixedPrecision(true) applies to the native BERT; the QA-LSTM baseline "
                + "trains in float32");
  }

  @Test
  void toStringNamesTheType() {
    RerankerTrainer.Builder builder =
        RerankerTrainer.builder()
            .output(tmp)
            .mixedPrecision(true)
            .mixedPrecisionType(DataType.FLOAT16);
    assertThat(builder.toString()).contains("mixedPrecision=float16");
    assertThat(builder.mixedPrecision(false).toString()).doesNotContain("mixedPrecision");
  }

  /** Returns the distinct dtypes of a safetensors file's tensors, read from its header. */
  private static Set<String> safetensorsDtypes(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      long length = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
      JsonObject header =
          JsonParser.parseString(
                  new String(in.readNBytes(Math.toIntExact(length)), StandardCharsets.UTF_8))
              .getAsJsonObject();
      Set<String> dtypes = new HashSet<>();
      for (String name : header.keySet()) {
        if (!name.equals("__metadata__")) {
          dtypes.add(header.getAsJsonObject(name).get("dtype").getAsString());
        }
      }
      return dtypes;
    }
  }
}
