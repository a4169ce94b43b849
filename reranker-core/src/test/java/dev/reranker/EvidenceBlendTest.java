package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.internal.io.HfConfig;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cross-encoder blended with bi-encoder evidence ({@link EvidenceBlend}): the value type, its
 * {@code config.json} entry, and the reranker's blended scores checked against the same formula
 * computed from a cross-encoder alone and from the bi-encoder run as a reranker of its own (a
 * different tokenization and batching path).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvidenceBlendTest {
  private static final Calibration BLEND_CALIBRATION = Calibration.platt(0.5f, 0.25f);
  private static final EvidenceBlend BLEND =
      new EvidenceBlend(1.5f, 4f, 0.3f, 2f, 0.2f, BLEND_CALIBRATION);

  private static final Dialog PERSONA =
      Dialog.of(
              Turn.user("Hi! How was your weekend?"),
              Turn.bot("Great, I went up a mountain trail with my dogs."),
              Turn.user("Nice! What do you do for a living?"))
          .withBotPersona(List.of("I have two dogs.", "I work as a nurse.", "  "));
  private static final Dialog NO_PERSONA = Dialog.of(Turn.user("Do you like cooking pasta?"));
  private static final List<String> REPLIES =
      List.of(
          "I am a nurse at the local hospital.",
          "I love making fresh pasta on Sundays.",
          "The capital of France is Paris.");

  @Test
  void scoreAddsOnlyTheEvidenceThatIsThere() {
    assertThat(BLEND.score(2f, Float.NaN, Float.NaN)).isEqualTo(3f);
    assertThat(BLEND.score(2f, 0.5f, Float.NaN)).isCloseTo(3f + 4f * 0.2f, within(1e-6f));
    assertThat(BLEND.score(2f, 0.5f, 0.7f)).isCloseTo(3f + 0.8f + 2f * 0.5f, within(1e-6f));
    assertThat(BLEND.withCalibration(Calibration.SIGMOID).calibration())
        .isEqualTo(Calibration.SIGMOID);
  }

  @Test
  void badWeightsAreRefusedByName() {
    assertThatThrownBy(() -> new EvidenceBlend(0f, 1f, 0f, 1f, 0f, Calibration.SIGMOID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("crossEncoder must be positive and finite, but was 0.0");
    assertThatThrownBy(() -> new EvidenceBlend(1f, Float.NaN, 0f, 1f, 0f, Calibration.SIGMOID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lastTurn must be finite, but was NaN");
    assertThatThrownBy(
            () -> new EvidenceBlend(1f, 1f, 0f, 1f, Float.POSITIVE_INFINITY, Calibration.SIGMOID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("personaCenter must be finite, but was Infinity");
    assertThatThrownBy(() -> new EvidenceBlend(1f, 1f, 0f, 1f, 0f, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void configEntryRoundTripsAndBadEntriesNameTheFile() {
    Path file = Path.of("config.json");
    JsonObject config = new JsonObject();
    assertThat(HfConfig.evidence(config, file)).isEmpty();
    config.add(HfConfig.EVIDENCE_KEY, HfConfig.evidenceJson(BLEND));
    assertThat(HfConfig.evidence(config, file)).contains(BLEND);

    JsonObject other = HfConfig.evidenceJson(BLEND);
    other.addProperty("encoder", "e5-small");
    config.add(HfConfig.EVIDENCE_KEY, other);
    assertThatThrownBy(() -> HfConfig.evidence(config, file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("names encoder 'e5-small'; only 'all-minilm-l6-v2' is supported");

    JsonObject missing = HfConfig.evidenceJson(BLEND);
    missing.remove("persona");
    config.add(HfConfig.EVIDENCE_KEY, missing);
    assertThatThrownBy(() -> HfConfig.evidence(config, file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'reranker_evidence' must be {");

    JsonObject negative = HfConfig.evidenceJson(BLEND);
    negative.addProperty("cross_encoder", -1);
    config.add(HfConfig.EVIDENCE_KEY, negative);
    assertThatThrownBy(() -> HfConfig.evidence(config, file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("'reranker_evidence' must be {");
  }

  @Test
  void theRerankerBlendsTheCrossEncoderWithTheBiEncodersEvidence(@TempDir Path tmp)
      throws IOException {
    Path blended = checkpoint(tmp.resolve("blended"), true);
    try (EncoderModel loaded = RerankerModel.checkpoint(blended).load()) {
      assertThat(loaded.evidence()).contains(BLEND);
      Path saved = tmp.resolve("saved");
      loaded.save(saved); // fitted for these weights: a saved copy (after training) drops it
      try (EncoderModel reloaded = RerankerModel.checkpoint(saved).load()) {
        assertThat(reloaded.evidence()).isEmpty();
      }
    }
    try (Reranker withEvidence = Reranker.builder().model(blended).build();
        Reranker crossAlone =
            Reranker.builder()
                .model(blended)
                .evidence(false)
                .calibration(Calibration.SIGMOID)
                .build();
        Reranker bi =
            Reranker.builder()
                .model(RerankerModel.miniLmBiEncoder())
                .calibration(Calibration.SIGMOID)
                .build()) {
      assertThat(withEvidence.toString()).contains("evidence=all-MiniLM-L6-v2");
      assertThat(crossAlone.toString()).contains("evidence=false").doesNotContain("MiniLM");
      for (Dialog dialog : List.of(PERSONA, NO_PERSONA)) {
        Ranking ranking = withEvidence.rank(dialog, REPLIES.stream().map(Candidate::of).toList());
        for (ScoredCandidate c : ranking.all()) {
          float logit = crossAlone.rank(dialog, List.of(c.candidate())).all().get(0).score();
          Turn last = dialog.lastTurn().orElseThrow();
          float lastTurn = bi.rank(Dialog.of(last), List.of(c.candidate())).all().get(0).score();
          float persona = Float.NaN;
          for (String fact : dialog.botPersona()) {
            if (!fact.isBlank()) {
              float cos =
                  bi.rank(Dialog.of(Turn.user(fact)), List.of(c.candidate())).all().get(0).score();
              persona = Float.isNaN(persona) ? cos : Math.max(persona, cos);
            }
          }
          float expected = BLEND_CALIBRATION.logit(BLEND.score(logit, lastTurn, persona));
          assertThat(c.score()).as(c.text()).isCloseTo(expected, within(2e-3f));
          assertThat(c.probability())
              .isCloseTo(
                  BLEND_CALIBRATION.probability(BLEND.score(logit, lastTurn, persona)),
                  within(1e-3f));
        }
      }
    }
  }

  @Test
  void withoutEvidenceTheCrossEncoderScoresAloneWithItsOwnCalibration(@TempDir Path tmp)
      throws IOException {
    Path blended = checkpoint(tmp.resolve("blended"), true);
    Path plain = checkpoint(tmp.resolve("plain"), false);
    try (Reranker off = Reranker.builder().model(blended).evidence(false).build();
        Reranker reference = Reranker.builder().model(plain).build()) {
      List<Candidate> candidates = REPLIES.stream().map(Candidate::of).toList();
      List<ScoredCandidate> a = off.rank(PERSONA, candidates).all();
      List<ScoredCandidate> b = reference.rank(PERSONA, candidates).all();
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i).text()).isEqualTo(b.get(i).text());
        assertThat(a.get(i).score()).isEqualTo(b.get(i).score());
        assertThat(a.get(i).probability()).isEqualTo(b.get(i).probability());
      }
    }
  }

  /** The tiny cross-encoder fixture, calibrated, with the test's blend if asked. */
  private static Path checkpoint(Path dir, boolean withBlend) throws IOException {
    Files.createDirectories(dir);
    Path fixture = Path.of("src/test/resources/fixtures/tiny-bert");
    JsonObject config =
        JsonParser.parseString(
                Files.readString(fixture.resolve("config.json"), StandardCharsets.UTF_8))
            .getAsJsonObject();
    config.add(HfConfig.CALIBRATION_KEY, HfConfig.calibrationJson(Calibration.platt(2f, -1f)));
    if (withBlend) {
      config.add(HfConfig.EVIDENCE_KEY, HfConfig.evidenceJson(BLEND));
    }
    Files.writeString(dir.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
    Files.copy(fixture.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    Files.writeString(dir.resolve("tokenizer.json"), BundledModel.tokenizerJson());
    return dir;
  }
}
