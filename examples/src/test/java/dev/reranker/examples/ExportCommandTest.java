package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.internal.bert.DialogModel;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.RerankerModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} end to end through {@link Main}: float16 weights, P(upvote) refitted on rated
 * turns, and an evidence blend fitted on the corpora's validation side; and its usage errors.
 */
class ExportCommandTest {
  static final int OK = 0;
  static final int USAGE = 2;

  @TempDir Path tmp;
  private Captured captured = Captured.withoutModel();

  private int run(String... args) {
    captured = Captured.withoutModel();
    return captured.run(args);
  }

  /** Persona dialogs (100, about eight topics) and a rated Topical-Chat file to calibrate on. */
  private Path corpora() throws IOException {
    Path dir = tmp.resolve("dialogs");
    PersonaChatFixture.write(dir, 100);
    Path topical = Files.createDirectories(dir.resolve("topical-chat"));
    StringBuilder json = new StringBuilder("{");
    String[] topics = {"dogs", "cats", "music", "hiking"};
    String[] ratings = {"Excellent", "Good", "Passable", "Poor"};
    for (int c = 0; c < 12; c++) {
      json.append(c == 0 ? "" : ",").append("\"t_").append(c).append("\": {\"content\": [");
      for (int m = 0; m < 4; m++) {
        json.append(m == 0 ? "" : ",")
            .append("{\"message\": \"message ")
            .append(m)
            .append(" about ")
            .append(topics[c % topics.length])
            .append("\", \"agent\": \"agent_")
            .append(1 + m % 2)
            .append("\", \"turn_rating\": \"")
            .append(ratings[(c + m) % ratings.length])
            .append("\"}");
      }
      json.append("]}");
    }
    Files.writeString(topical.resolve("test_rare.json"), json.append("}"), StandardCharsets.UTF_8);
    return dir;
  }

  @Test
  void writesTheBundledModelWithABlendFittedOnTheValidationSideAndItsOwnCalibration()
      throws IOException {
    Path checkpoint = Files.createDirectories(tmp.resolve("bundled"));
    for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      try (InputStream in =
          getClass().getClassLoader().getResourceAsStream(DialogModel.RESOURCE_FOLDER + name)) {
        Files.copy(Objects.requireNonNull(in, name), checkpoint.resolve(name));
      }
    }
    Path dialogs = corpora();
    Path out = tmp.resolve("out");
    int status =
        run(
            "export",
            "--checkpoint",
            checkpoint.toString(),
            "--out",
            out.toString(),
            "--calibrate-on",
            dialogs.toString(),
            "--evidence-from",
            dialogs.toString(),
            "--evidence-groups",
            "5");
    assertThat(status).as(captured.err()).isEqualTo(OK);
    assertThat(captured.out())
        .containsPattern("evidence: +5 groups of 20 \\(\\{\"synthetic-persona-chat\":5}\\)")
        .containsPattern("hits@1 [01]\\.\\d{4} cross-encoder alone, [01]\\.\\d{4} blended")
        .contains("weights: cross-encoder ")
        .contains("evidence:    blend calibrated on the same turns: Platt scale")
        .containsPattern("sha256 [0-9a-f]{64}  config.json");
    JsonObject config =
        JsonParser.parseString(Files.readString(out.resolve("config.json"))).getAsJsonObject();
    assertThat(config.has("reranker_calibration")).isTrue();
    assertThat(config.getAsJsonObject("reranker_evidence_fit").get("hits_at_1_blend")).isNotNull();
    try (EncoderModel exported = RerankerModel.checkpoint(out).load()) {
      EvidenceBlend blend = exported.evidence().orElseThrow();
      assertThat(blend.crossEncoder()).isPositive();
      assertThat(blend.calibration()).isNotEqualTo(exported.calibration().orElseThrow());
    }
  }

  @Test
  void usageErrorsExitWithTwoAndOneLine() {
    assertThat(run("export", "--checkpoint", "a", "--out", "b", "--evidence-from", "d"))
        .isEqualTo(USAGE);
    assertThat(captured.err())
        .startsWith(
            "export: --evidence-from needs --calibrate-on: the blend's P(upvote) is refitted");
    assertThat(captured.err().lines()).hasSize(1);
    assertThat(run("export", "--checkpoint", "a", "--out", "b", "--evidence-groups", "9"))
        .isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("export: --evidence-groups applies to --evidence-from");
    assertThat(
            run(
                "export",
                "--checkpoint",
                "a",
                "--out",
                "b",
                "--calibrate-on",
                "d",
                "--evidence-from",
                "d",
                "--evidence-groups",
                "1"))
        .isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("export: --evidence-groups must be an integer in [2, ");
    assertThat(run("eval", "--dialogs", "d", "--model", "bm25", "--no-evidence")).isEqualTo(USAGE);
    assertThat(captured.err())
        .startsWith("eval: --no-evidence applies to a cross-encoder, not to --model bm25");
    assertThat(captured.err().lines()).hasSize(1);
  }
}
