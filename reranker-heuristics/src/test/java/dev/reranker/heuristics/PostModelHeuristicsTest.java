package dev.reranker.heuristics;

import static dev.reranker.heuristics.Harness.find;
import static dev.reranker.heuristics.Harness.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.ScoredCandidate;
import dev.reranker.Source;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PostModelHeuristicsTest {

  private static final String ASKS_AGAIN = "What are you studying for? Maybe I can help.";
  private static final String NEW_QUESTION =
      "Which reactions are the hardest? We could make flashcards.";
  private static final String NO_QUESTION = "Try to rest a bit, tired brains remember less.";

  @Test
  void repeatedQuestion_penalisesAfterTheModelByDefault() {
    Harness h = Harness.scores(Map.of(ASKS_AGAIN, 1.0, NEW_QUESTION, 0.5, NO_QUESTION, 0.0));
    Ranking r =
        h.run(Heuristics.repeatedQuestion(), Harness.exam(), ASKS_AGAIN, NEW_QUESTION, NO_QUESTION);

    assertThat(h.modelSaw).hasSize(3);
    assertThat(texts(r)).containsExactly(NEW_QUESTION, NO_QUESTION, ASKS_AGAIN);
    ScoredCandidate penalised = find(r, ASKS_AGAIN);
    assertThat(penalised.verdicts())
        .containsExactly(
            Verdict.adjust(
                "repeated-question",
                -2f,
                "asks again \"What are you studying for?\", asked in the bot's last reply"));
    assertThat(penalised.score()).isEqualTo(-1f);
    assertThat(penalised.probability()).isCloseTo((float) (1 / (1 + Math.exp(-1))), within(1e-6f));
  }

  @Test
  void repeatedQuestion_findsNearRepeatsFurtherBack() {
    Ranking r =
        Harness.hashed()
            .run(Heuristics.repeatedQuestion(), Harness.exam(), "So what's keeping you up?!");
    assertThat(r.ranked().get(0).verdicts().get(0).reason())
        .isEqualTo(
            "asks again (token-jaccard 0.80) \"What's keeping you up?\", asked 2 bot turns "
                + "ago");
  }

  @Test
  void repeatedQuestion_canDropBeforeTheModel() {
    Harness h = Harness.hashed();
    var config = RepeatedQuestionConfig.builder().drop().build();
    Ranking r =
        h.run(Heuristics.repeatedQuestion(config), Harness.exam(), ASKS_AGAIN, NEW_QUESTION);
    assertThat(texts(r)).containsExactly(NEW_QUESTION);
    assertThat(h.modelSaw).extracting(Candidate::text).containsExactly(NEW_QUESTION);
    assertThat(r.dropped().get(0).verdicts().get(0).action()).isEqualTo(Verdict.Action.DROP);
    assertThat(config.toString()).isEqualTo("{drop}");
  }

  @Test
  void repeatedQuestion_windowLimitsHowFarBack() {
    var config = RepeatedQuestionConfig.builder().window(1).penalty(0.5f).build();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.repeatedQuestion(config),
                Harness.exam(),
                "What's keeping you up?",
                ASKS_AGAIN);
    assertThat(find(r, "What's keeping you up?").verdicts()).isEmpty();
    assertThat(find(r, ASKS_AGAIN).verdicts().get(0).scoreChange()).isEqualTo(-0.5f);
  }

  @Test
  void repeatedQuestion_statementsAreNotQuestions() {
    Dialog d = Dialog.of(Turn.bot("I love hiking."), Turn.user("me too"));
    Ranking r = Harness.hashed().run(Heuristics.repeatedQuestion(), d, "I love hiking?");
    assertThat(r.ranked().get(0).verdicts()).isEmpty();
  }

  @Test
  void repeatedQuestion_arabicQuestionMark() {
    Dialog d = Dialog.of(Turn.bot("كيف حالك؟"), Turn.user("بخير"));
    Ranking r = Harness.hashed().run(Heuristics.repeatedQuestion(), d, "جميل! كيف حالك؟");
    assertThat(r.ranked().get(0).verdicts()).hasSize(1);
  }

  @Test
  void sourcePreference_boostsAndPenalisesBySource() {
    Harness h = Harness.logit(t -> 0);
    List<Candidate> cs =
        List.of(
            Candidate.generative("I'm an AI, but our talks matter to me."),
            Candidate.retrieval("I'm a bot, yes. Want to keep chatting?"),
            new Candidate("Yes, I'm an AI companion.", Source.of("faq"), Map.of()));
    Map<Source, Double> prefs = new HashMap<>();
    prefs.put(Source.RETRIEVAL, 0.5);
    prefs.put(Source.GENERATIVE, -0.25);
    Ranking r = h.run(Heuristics.sourcePreference(prefs), Harness.areYouABot(), cs);

    assertThat(r.ranked())
        .extracting(c -> c.candidate().source().tag())
        .containsExactly("retrieval", "faq", "generative");
    assertThat(r.ranked().get(0).verdicts())
        .containsExactly(Verdict.adjust("source-preference", 0.5f, "prefers source 'retrieval'"));
    assertThat(r.ranked().get(1).verdicts()).isEmpty();
    assertThat(r.ranked().get(2).verdicts())
        .containsExactly(
            Verdict.adjust("source-preference", -0.25f, "disfavours source 'generative'"));
    assertThat(r.ranked()).allSatisfy(c -> assertThat(c.probability()).isEqualTo(0.5f));
  }

  private static final Map<String, Double> THREE =
      Map.of(
          "You'll do great.",
          2.0,
          "Want to practise together?",
          1.0,
          "Rest first.",
          0.0,
          "Eat something.",
          -1.0);

  private static Ranking sample(Heuristic diversity) {
    return Harness.scores(THREE)
        .run(
            diversity,
            Harness.exam(),
            "You'll do great.",
            "Want to practise together?",
            "Rest first.",
            "Eat something.");
  }

  @Test
  void diversity_sampledCandidateBecomesFirstWithARecordedLift() {
    Heuristic diversity = Heuristics.diversity(3, 1.0, 7);
    boolean sawLift = false;
    for (int i = 0; i < 50; i++) {
      Ranking r = sample(diversity);
      ScoredCandidate first = r.ranked().get(0);
      assertThat(first.verdicts()).hasSize(1);
      Verdict v = first.verdicts().get(0);
      assertThat(v.heuristic()).isEqualTo("diversity");
      assertThat(v.action()).isEqualTo(Verdict.Action.ADJUST);
      assertThat(v.reason()).isEqualTo("sampled at temperature 1.0 among top 3");
      assertThat(first.text()).isNotEqualTo("Eat something."); // outside the top 3
      if (!first.text().equals("You'll do great.")) {
        sawLift = true;
        // The smallest lift: just above the old best, 2.0.
        assertThat(first.score()).isGreaterThan(2f).isLessThan(2.001f);
        assertThat(v.scoreChange()).isEqualTo(first.score() - THREE.get(first.text()).floatValue());
        assertThat(r.ranked().get(1).text()).isEqualTo("You'll do great.");
      } else {
        assertThat(v.scoreChange()).isZero();
      }
      assertThat(r.ranked()).hasSize(4);
    }
    assertThat(sawLift).isTrue();
  }

  @Test
  void diversity_followsTheSoftmax() {
    Heuristic diversity = Heuristics.diversity(3, 1.0, 42);
    Map<String, Integer> counts = new HashMap<>();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      counts.merge(sample(diversity).ranked().get(0).text(), 1, Integer::sum);
    }
    double z = 1 + Math.exp(-1) + Math.exp(-2);
    assertThat(counts.get("You'll do great.") / (double) n).isCloseTo(1 / z, within(0.02));
    assertThat(counts.get("Want to practise together?") / (double) n)
        .isCloseTo(Math.exp(-1) / z, within(0.02));
    assertThat(counts.get("Rest first.") / (double) n).isCloseTo(Math.exp(-2) / z, within(0.02));
    assertThat(counts).doesNotContainKey("Eat something.");
  }

  @Test
  void diversity_sameSeedSameChoices() {
    Heuristic a = Heuristics.diversity(3, 2.0, 123);
    Heuristic b =
        Heuristics.diversity(
            DiversityConfig.builder()
                .topK(3)
                .temperature(2.0)
                .random(new SplittableRandom(123))
                .build());
    for (int i = 0; i < 30; i++) {
      assertThat(sample(a)).isEqualTo(sample(b));
    }
  }

  @Test
  void diversity_lowTemperatureIsArgmax() {
    Heuristic cold = Heuristics.diversity(4, 1e-3, 1);
    for (int i = 0; i < 20; i++) {
      assertThat(sample(cold).ranked().get(0).text()).isEqualTo("You'll do great.");
    }
  }

  @Test
  void diversity_liftIsTheSmallestThatReachesTheTop() {
    assertThat(DiversitySampler.lift(2f, 1f) + 1f).isGreaterThan(2f);
    assertThat(1f + Math.nextDown(DiversitySampler.lift(2f, 1f))).isLessThanOrEqualTo(2f);
    float big = DiversitySampler.lift(1e7f, -1e7f);
    assertThat(-1e7f + big).isGreaterThan(1e7f);
  }

  @Test
  void diversity_singleCandidateIsLeftAlone() {
    Ranking r =
        Harness.hashed().run(Heuristics.diversity(3, 1.0, 1), Harness.exam(), "You'll do great.");
    assertThat(r.ranked().get(0).verdicts()).isEmpty();
  }
}
