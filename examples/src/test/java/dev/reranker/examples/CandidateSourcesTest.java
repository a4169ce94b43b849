package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.Source;
import dev.reranker.Turn;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The retrieval and template sources, and the pipeline around a fake-scored reranker. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CandidateSourcesTest {
  static final Bm25Retriever retriever = Bm25Retriever.over(ReplyCorpus.bundled());

  @AfterAll
  static void close() {
    retriever.close();
  }

  @Test
  void bundledCorpus_holdsAFewHundredDistinctReplies() {
    List<String> replies = ReplyCorpus.bundled().replies();

    assertThat(replies)
        .hasSizeGreaterThanOrEqualTo(250)
        .doesNotHaveDuplicates()
        .allSatisfy(r -> assertThat(r).isNotBlank().doesNotStartWith("#"));
  }

  @Test
  void bm25_findsRepliesOnTheDialogsTopic_bestFirst() {
    Dialog dialog =
        Dialog.of(
            Turn.user("Just anxious and tired"),
            Turn.bot("Still worried about tomorrow?"),
            Turn.user("Yes, I have an exam tomorrow"));

    List<Candidate> found = retriever.generate(dialog, 5);

    assertThat(found)
        .hasSize(5)
        .allSatisfy(
            c -> {
              assertThat(c.source()).isEqualTo(Source.RETRIEVAL);
              assertThat(c.metadata()).containsKeys("doc", "bm25");
            });
    assertThat(found.get(0).text()).containsIgnoringCase("exam");
    assertThat(found)
        .map(c -> Double.parseDouble(c.metadata().get("bm25")))
        .isSortedAccordingTo((a, b) -> Double.compare(b, a));
  }

  @Test
  void bm25_withOnlyStopWordsOrNoUserTurn_findsNothing() {
    assertThat(retriever.generate(Dialog.of(Turn.user("is it to be?")), 5)).isEmpty();
    assertThat(retriever.generate(Dialog.of(Turn.bot("hello")), 5)).isEmpty();
    assertThat(retriever.generate(Dialog.of(Turn.user("exam")), 0)).isEmpty();
    assertThatThrownBy(() -> retriever.generate(Dialog.of(), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must not be negative, but was -1");
  }

  @Test
  void templates_fillTheNameWhenKnown_andLeaveTheSlotWhenNot() {
    Dialog known =
        Dialog.of(Turn.user("I got the job!")).withUserFacts(List.of("the user's name is Priya."));
    Dialog unknown = Dialog.of(Turn.user("I got the job!"));

    List<String> filled = texts(TemplateGenerator.create().generate(known, 3));
    List<String> unfilled = texts(TemplateGenerator.create().generate(unknown, 3));

    assertThat(filled)
        .contains("That's wonderful, Priya! Congratulations!")
        .noneMatch(t -> t.contains("{name}"));
    assertThat(unfilled).contains("That's wonderful, {name}! Congratulations!");
  }

  @Test
  void templatesWithFaults_addAnEchoAndARepeat_withinTheLimit() {
    Dialog dialog =
        Dialog.of(Turn.user("hey"), Turn.bot("Hi! How are you?"), Turn.user("so bored today"));

    List<Candidate> out = TemplateGenerator.withFaults().generate(dialog, 4);

    assertThat(out).hasSize(4).allSatisfy(c -> assertThat(c.source()).isEqualTo(Source.GENERATIVE));
    assertThat(texts(out)).contains("so bored today", "Hi! How are you?");
    assertThat(TemplateGenerator.create().generate(dialog, 4))
        .map(Candidate::text)
        .doesNotContain("so bored today", "Hi! How are you?");
  }

  @Test
  void pipeline_ranksEverySourcesCandidates_andSurvivesAFailingSource() {
    // A fake scorer (longer reply, higher score) keeps this test about the pipeline, not a model.
    try (Reranker reranker =
        fakeScored()
            .scorer(
                batch -> {
                  float[] s = new float[batch.size()];
                  for (int i = 0; i < s.length; i++) {
                    s[i] = batch.get(i).candidate().text().length() / 10f;
                  }
                  return s;
                })
            .build()) {
      ReplyPipeline pipeline =
          ReplyPipeline.builder(reranker)
              .source(retriever, 4)
              .source(TemplateGenerator.withFaults(), 4)
              .source(
                  (d, n) -> {
                    throw new IllegalStateException("LLM down");
                  },
                  4)
              .build();
      Dialog dialog =
          Dialog.of(
              Turn.user("hey"),
              Turn.bot("Hi! How are you?"),
              Turn.user("my dog died this morning"));

      Ranking ranking = pipeline.reply(dialog);

      assertThat(ranking.all()).hasSize(8);
      assertThat(ranking.ranked())
          .map(c -> c.candidate().source())
          .contains(Source.RETRIEVAL, Source.GENERATIVE);
      assertThat(ranking.dropped())
          .flatMap(ScoredCandidate::verdicts)
          .map(v -> v.heuristic())
          .contains("echo", "repeat");
      assertThat(pipeline.reply(Dialog.of(Turn.bot("anyone there?"))).best()).isPresent();
    }
  }

  @Test
  void pipeline_withNothingProposed_givesAnEmptyRanking() {
    try (Reranker reranker = fakeScored().scorer(b -> new float[b.size()]).build()) {
      ReplyPipeline pipeline = ReplyPipeline.builder(reranker).source(retriever, 3).build();

      assertThat(pipeline.reply(Dialog.of(Turn.user("is it?"))).best()).isEmpty();
      assertThatThrownBy(() -> ReplyPipeline.builder(reranker).build())
          .isInstanceOf(IllegalStateException.class);
    }
  }

  private static Reranker.Builder fakeScored() {
    return Reranker.builder().heuristics(CompanionSetup.heuristics());
  }

  private static List<String> texts(List<Candidate> candidates) {
    return candidates.stream().map(Candidate::text).toList();
  }
}
