package dev.reranker.heuristics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.Scorer;
import dev.reranker.Source;
import dev.reranker.Verdict;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The heuristics wired into a real {@link Reranker} with a fake scorer. */
class RerankerIntegrationTest {
  private final AtomicInteger scored = new AtomicInteger();

  /** Raw score: a tenth of the reply's length, so longer replies win; counts what it scores. */
  private final Scorer fakeScorer =
      batch -> {
        scored.addAndGet(batch.size());
        float[] out = new float[batch.size()];
        for (int i = 0; i < out.length; i++) {
          out[i] = batch.get(i).candidate().text().length() / 10f;
        }
        return out;
      };

  @Test
  void everythingDropped_bestIsTheFallback() {
    Candidate fallback = Candidate.of("Tell me more about that?");
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fakeScorer)
            .executor(Runnable::run)
            .heuristics(Heuristics.blank(), Heuristics.repeat(), Heuristics.echo())
            .fallback(fallback)
            .build()) {
      Ranking r =
          reranker.rank(
              Harness.lonely(),
              List.of(
                  Candidate.of("  "),
                  Candidate.of("I'm sorry you feel lonely. I'm here for you!"),
                  Candidate.of("Thanks. I just moved to a new city and don't know anyone.")));

      assertThat(r.ranked()).isEmpty();
      assertThat(r.isFallback()).isTrue();
      assertThat(r.best())
          .hasValueSatisfying(
              b -> {
                assertThat(b.candidate()).isEqualTo(fallback);
                assertThat(b.isScored()).isFalse();
              });
      assertThat(r.dropped())
          .extracting(c -> c.verdicts().get(0).heuristic())
          .containsExactly("blank", "repeat", "echo");
      assertThat(scored).hasValue(0); // all dropped before the model
    }
  }

  @Test
  void everythingDropped_withoutFallbackBestIsEmpty() {
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fakeScorer)
            .executor(Runnable::run)
            .heuristics(Heuristics.blank())
            .build()) {
      Ranking r = reranker.rank(Harness.lonely(), List.of(Candidate.of("")));
      assertThat(r.best()).isEmpty();
      assertThat(r.isFallback()).isFalse();
    }
  }

  @Test
  void postModelDropOfEverythingAlsoFallsBack() {
    Candidate fallback = Candidate.of("I'm listening.");
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fakeScorer)
            .executor(Runnable::run)
            .heuristics(dropAllAfterModel())
            .fallback(fallback)
            .build()) {
      Ranking r = reranker.rank(Harness.exam(), List.of(Candidate.of("Good luck!")));
      assertThat(r.best()).map(b -> b.candidate()).contains(fallback);
      assertThat(r.dropped().get(0).isScored()).isTrue();
    }
  }

  private static Heuristic dropAllAfterModel() {
    return Heuristic.after(ranking -> ranking.map(c -> c.with(Verdict.drop("all", "test"))));
  }

  @Test
  void rankRunsTheChainInOrderAroundTheModel() {
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fakeScorer)
            .executor(Runnable::run)
            .heuristics(
                Heuristics.diversity(3, 1e-3, 3), // so cold it is argmax
                Heuristics.defaults(),
                Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 1.0)))
            .build()) {
      Ranking r =
          reranker.rank(
              Harness.exam(),
              List.of(
                  Candidate.generative("What are you studying for? I could quiz you."),
                  Candidate.retrieval("You've prepared. Sleep helps memory more than cramming."),
                  Candidate.generative("you've prepared! sleep helps memory more than cramming"),
                  Candidate.generative("Hi {user}, good luck!")));

      assertThat(scored).hasValue(3); // the placeholder one never reached the model
      assertThat(r.best().orElseThrow().text())
          .isEqualTo("You've prepared. Sleep helps memory more than cramming.");
      assertThat(r.best().orElseThrow().verdicts())
          .extracting(Verdict::heuristic)
          .containsExactly("source-preference", "diversity");
      assertThat(r.dropped())
          .extracting(c -> c.verdicts().get(c.verdicts().size() - 1).heuristic())
          .containsExactlyInAnyOrder("placeholder", "duplicate");
      assertThat(r.ranked().get(1).verdicts())
          .extracting(Verdict::heuristic)
          .containsExactly("repeated-question");
    }
  }

  @Test
  void tenThousandCandidatesThroughTheReranker() {
    List<Candidate> many = LargeInputTest.candidates(10_000, 11);
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fakeScorer)
            .maxQueuedPairs(20_000)
            .batchSize(512)
            .heuristics(Heuristics.defaults())
            .build()) {
      Ranking r = reranker.rank(Harness.lonely(), many);
      assertThat(r.size() + r.dropped().size()).isEqualTo(10_000);
      assertThat(r.size()).isPositive();
    }
  }
}
