package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.internal.bert.DialogModel;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped default, {@link RerankerModel#bundled()}: the dialog cross-encoder of {@code
 * reranker-model-dialog}. Its ranking quality on held-out dialogs is checked against TF-IDF in the
 * examples module (which reads the shared corpora); here, that it loads as a calibrated
 * cross-encoder and prefers replies that answer the dialog.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DialogModelTest {
  static Reranker reranker;

  static final Dialog PERSONA =
      Dialog.of(
              Turn.user("Hi! How was your weekend?"),
              Turn.bot("Great, I went up a mountain trail with my dogs."),
              Turn.user("Nice! What do you do for a living?"))
          .withBotPersona(
              List.of("I have two dogs.", "I work as a nurse.", "I love hiking in the mountains."));

  static final String FITTING = "I am a nurse at the local hospital, I work night shifts.";

  static final List<String> OFF_TOPIC =
      List.of(
          "The capital of France is Paris.",
          "Please pass the salt.",
          "My favourite colour is green, what is yours?",
          "Thank you for calling, your order has shipped.");

  @BeforeAll
  static void load() {
    reranker = Reranker.builder().model(RerankerModel.bundled()).build();
  }

  @AfterAll
  static void close() {
    reranker.close();
  }

  @Test
  void isACalibratedCrossEncoderShippedInItsOwnArtifact() {
    assertThat(DialogModel.isPresent()).isTrue();
    try (EncoderModel model = RerankerModel.bundled().load()) {
      assertThat(model.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
      assertThat(model.labels()).containsExactly("upvote");
      assertThat(model.calibration()).isPresent();
      assertThat(model.maxPositions()).isEqualTo(512);
      // ships blended with the bi-encoder's evidence, calibrated apart from the logit alone
      assertThat(model.evidence()).isPresent();
      assertThat(model.evidence().orElseThrow().calibration())
          .isNotEqualTo(model.calibration().orElseThrow());
    }
    assertThat(reranker.toString()).contains("evidence=all-MiniLM-L6-v2");
    assertThat(RerankerModel.bundled()).isNotEqualTo(RerankerModel.miniLmBiEncoder());
    assertThat(RerankerModel.bundled().toString()).isEqualTo("RerankerModel.bundled()");
  }

  @Test
  void prefersTheReplyThatAnswersTheDialog() {
    List<Candidate> candidates =
        Stream.concat(OFF_TOPIC.stream().map(Candidate::of), Stream.of(Candidate.of(FITTING)))
            .toList();
    Ranking ranking = reranker.rank(PERSONA, candidates);
    assertThat(ranking.best().orElseThrow().text()).isEqualTo(FITTING);
    float fitting = reranker.score(PERSONA, FITTING);
    for (String other : OFF_TOPIC) {
      assertThat(reranker.score(PERSONA, other)).as(other).isLessThan(fitting);
    }
  }

  @Test
  void theExamDialogsOnTopicRepliesComeFirst() {
    Ranking ranking = reranker.rank(BundledRerankerTest.EXAM, BundledRerankerTest.CANDIDATES);
    assertThat(ranking.best().orElseThrow().text()).containsIgnoringCase("exam");
    assertThat(ranking.ranked().get(ranking.size() - 1).text())
        .isIn("I like pizza.", "ok", "What is your favourite colour?");
    for (ScoredCandidate c : ranking.ranked()) {
      assertThat(c.probability()).isBetween(0f, 1f);
    }
  }
}
