package dev.reranker.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Heuristic;
import dev.reranker.heuristics.Heuristics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScoringOptionsTest {
  @Test
  void defaultsReadTheReactionLogWithTheBundledModel() {
    ScoringOptions options = ScoringOptions.defaults();
    assertThat(options.model()).isEqualTo(ScoringOptions.BUNDLED);
    assertThat(options.contextColumn()).isEqualTo("context");
    assertThat(options.speakersColumn()).isEqualTo("speakers");
    assertThat(options.personaColumn()).isEqualTo("persona");
    assertThat(options.candidateColumn()).isEqualTo("response");
    assertThat(options.probabilityColumn()).isEqualTo("probability");
    assertThat(options.scoreColumn()).isEqualTo("score");
    assertThat(options.errorColumn()).isEqualTo("error");
    assertThat(options.inFlight()).isEqualTo(ScoringOptions.DEFAULT_IN_FLIGHT);
    assertThat(options.hasVerdicts()).isFalse();
    assertThat(options).hasToString("ScoringOptions{}");
  }

  @Test
  void toStringListsWhatWasSet() {
    ScoringOptions options =
        ScoringOptions.builder()
            .batchSize(16)
            .heuristics(Heuristics::defaults)
            .candidateColumn("reply")
            .batchSize(8)
            .build();
    assertThat(options)
        .hasToString("ScoringOptions{batchSize=8, heuristics=<factory>, candidateColumn=reply}");
    assertThat(options.hasVerdicts()).isTrue();
  }

  @Test
  void equalSettingsShareOneExecutorReranker() {
    ScoringOptions a =
        ScoringOptions.builder().batchSize(16).heuristics(Heuristics::defaults).build();
    ScoringOptions b =
        ScoringOptions.builder()
            .heuristics(Heuristics::defaults)
            .batchSize(16)
            .inFlight(4) // a task's setting: same reranker
            .candidateColumn("reply")
            .build();
    assertThat(a.rerankerKey()).isEqualTo(b.rerankerKey());
    assertThat(ScoringOptions.builder().batchSize(8).build().rerankerKey())
        .isNotEqualTo(a.rerankerKey());
    assertThat(
            ScoringOptions.builder()
                .batchSize(16)
                .heuristics(Heuristics::blank)
                .build()
                .rerankerKey())
        .isNotEqualTo(a.rerankerKey());
  }

  @Test
  void survivesJavaSerializationAsSparkShipsIt() throws Exception {
    ScoringOptions options =
        ScoringOptions.builder().heuristics(Heuristics::defaults).inFlight(7).build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(options);
    }
    ScoringOptions copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ScoringOptions) in.readObject();
    }
    assertThat(copy.rerankerKey()).isEqualTo(options.rerankerKey());
    assertThat(copy.inFlight()).isEqualTo(7);
    assertThat(copy).hasToString(options.toString());
  }

  @Test
  void aFactoryThatCannotBeSerializedFailsAtBuild() {
    Object notSerializable = new Object();
    ScoringOptions.HeuristicFactory capturing =
        () -> notSerializable.hashCode() > 0 ? Heuristic.identity() : Heuristics.blank();
    assertThatThrownBy(() -> ScoringOptions.builder().heuristics(capturing).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "the heuristics or reranker factory cannot be serialized for Spark's tasks"
                + " (java.io.NotSerializableException: java.lang.Object)");
  }

  @Test
  void rerankerSettingsUseTheRerankersRules() {
    assertThatThrownBy(() -> ScoringOptions.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be in [1, 4096], but was 0");
    assertThatThrownBy(() -> ScoringOptions.builder().maxSeqLen(4))
        .hasMessage("maxSeqLen must be in [8, 4096], but was 4");
    assertThatThrownBy(() -> ScoringOptions.builder().maxReplyTokens(0))
        .hasMessage("maxReplyTokens must be positive, but was 0");
    assertThatThrownBy(() -> ScoringOptions.builder().maxBatchDelay(Duration.ofMinutes(2)))
        .hasMessage("maxBatchDelay must be in [0, 1 min], but was PT2M");
    assertThatThrownBy(() -> ScoringOptions.builder().workersPerDevice(0))
        .hasMessage("workersPerDevice must be in [1, 64], but was 0");
  }

  @Test
  void inFlightIsBounded() {
    assertThatThrownBy(() -> ScoringOptions.builder().inFlight(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inFlight must be in [1, 65536], but was 0");
    assertThat(ScoringOptions.builder().inFlight(65_536).build().inFlight()).isEqualTo(65_536);
  }

  @Test
  void modelMustNotBeBlank() {
    assertThatThrownBy(() -> ScoringOptions.builder().model(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model must be 'bundled' or a directory, but was blank");
  }

  @Test
  void columnNamesMustNotBeBlank() {
    assertThatThrownBy(() -> ScoringOptions.builder().contextColumn(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contextColumn must not be blank");
    assertThatThrownBy(() -> ScoringOptions.builder().errorColumn(" "))
        .hasMessage("errorColumn must not be blank");
  }

  @Test
  void columnNamesMustDiffer() {
    assertThatThrownBy(() -> ScoringOptions.builder().scoreColumn("probability").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("probabilityColumn and scoreColumn are both 'probability'");
    assertThatThrownBy(() -> ScoringOptions.builder().candidateColumn("context").build())
        .hasMessage("contextColumn and candidateColumn are both 'context'");
  }

  @Test
  void aFactoryReplacesTheModelSettings() {
    assertThatThrownBy(
            () ->
                ScoringOptions.builder()
                    .batchSize(8)
                    .reranker(FakeRerankers::byLength)
                    .model("bundled")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "reranker(...) builds the whole reranker; do not combine it with [batchSize, model]");
    ScoringOptions ok =
        ScoringOptions.builder().reranker(FakeRerankers::byLength).inFlight(8).build();
    assertThat(ok.hasVerdicts()).isTrue();
  }

  @Test
  void theReplyBudgetLeavesRoomForTheContext() {
    assertThatThrownBy(() -> ScoringOptions.builder().maxSeqLen(16).maxReplyTokens(13).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "maxReplyTokens (13) must leave room for the context: at most maxSeqLen (16) - 4 = 12");
    assertThat(ScoringOptions.builder().maxSeqLen(16).maxReplyTokens(12).build()).isNotNull();
  }

  @Test
  void theBuilderStaysReusable() {
    ScoringOptions.Builder builder = ScoringOptions.builder().batchSize(8);
    ScoringOptions first = builder.build();
    ScoringOptions second = builder.batchSize(16).build();
    assertThat(first).hasToString("ScoringOptions{batchSize=8}");
    assertThat(second).hasToString("ScoringOptions{batchSize=16}");
  }

  @Test
  void nullsAreRefusedByName() {
    assertThatThrownBy(() -> ScoringOptions.builder().model(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("model");
    assertThatThrownBy(() -> ScoringOptions.builder().heuristics(null)).hasMessage("heuristics");
    assertThatThrownBy(() -> ScoringOptions.builder().reranker(null)).hasMessage("factory");
    assertThatThrownBy(() -> ScoringOptions.builder().scoreColumn(null)).hasMessage("scoreColumn");
  }
}
