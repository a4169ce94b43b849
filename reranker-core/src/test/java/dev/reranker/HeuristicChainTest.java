package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one heuristic chain behind {@code Heuristic.chain}, {@code andThen} and the builder. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeuristicChainTest {
  private static final RerankRequest REQUEST =
      RerankRequest.of(RerankerTest.DIALOG, List.of(Candidate.of("Good luck!")));

  /** The model: scores every candidate 1. */
  private static final Heuristic.Chain MODEL =
      request ->
          CompletableFuture.completedFuture(
              Ranking.of(
                  request.candidates().stream()
                      .map(c -> new ScoredCandidate(c, 1f, 0.73f, List.of()))
                      .toList()));

  /** A heuristic named {@code name} that logs its pre- and post-model halves. */
  private static Heuristic logging(String name, List<String> log) {
    return new Heuristic() {
      @Override
      public CompletionStage<Ranking> apply(RerankRequest request, Chain chain) {
        log.add(name + ":before");
        return chain
            .proceed(request)
            .thenApply(
                ranking -> {
                  log.add(name + ":after");
                  return ranking;
                });
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** A heuristic named {@code name} that returns {@code result} without calling the chain. */
  private static Heuristic returning(String name, CompletionStage<Ranking> result) {
    return new Heuristic() {
      @Override
      public CompletionStage<Ranking> apply(RerankRequest request, Chain chain) {
        return result;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  @Test
  void nestedChainsAreFlattenedInOrder() {
    List<String> log = new ArrayList<>();
    Heuristic a = logging("a", log);
    Heuristic b = logging("b", log);
    Heuristic c = logging("c", log);
    Heuristic d = logging("d", log);

    Heuristic viaAndThen = a.andThen(b).andThen(c.andThen(d));
    Heuristic viaChain =
        Heuristic.chain(List.of(Heuristic.chain(List.of(a, b)), Heuristic.identity(), c, d));

    assertThat(viaAndThen).hasToString("chain[a, b, c, d]");
    assertThat(viaChain).hasToString("chain[a, b, c, d]");
    viaAndThen.apply(REQUEST, MODEL).toCompletableFuture().join();
    assertThat(log)
        .containsExactly(
            "a:before",
            "b:before",
            "c:before",
            "d:before",
            "d:after",
            "c:after",
            "b:after",
            "a:after");
  }

  @Test
  void emptyChainIsIdentity() {
    assertThat(Heuristic.chain(List.of())).isSameAs(Heuristic.identity()).hasToString("chain[]");
    assertThat(Heuristic.identity().andThen(Heuristic.identity())).hasToString("chain[]");
    Ranking direct = MODEL.proceed(REQUEST).toCompletableFuture().join();
    assertThat(Heuristic.identity().apply(REQUEST, MODEL).toCompletableFuture().join())
        .isEqualTo(direct);
  }

  @Test
  void nullElementIsRejectedByIndex() {
    Heuristic a = Heuristic.identity();
    assertThatThrownBy(() -> Heuristic.chain(Arrays.asList(a, null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("heuristics[1] is null");
    assertThatThrownBy(() -> a.andThen(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("inner");
  }

  @Test
  void heuristicReturningNullIsNamed() {
    List<String> log = new ArrayList<>();
    Heuristic chain = Heuristic.chain(List.of(logging("outer", log), returning("broken", null)));

    assertThatThrownBy(() -> chain.apply(REQUEST, MODEL))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("heuristic broken at chain index 1 returned null");
  }

  @Test
  void stageCompletingWithNullIsNamed() {
    Heuristic chain =
        Heuristic.chain(
            List.of(
                Heuristic.identity(), returning("lossy", CompletableFuture.completedFuture(null))));

    CompletableFuture<Ranking> result = chain.apply(REQUEST, MODEL).toCompletableFuture();

    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(NullPointerException.class)
        .hasMessage("heuristic lossy at chain index 0 completed with a null ranking");
  }

  @Test
  void rerankerFailsTheRequestOnANullRanking() {
    Heuristic lossy = returning("lossy", CompletableFuture.completedFuture(null));
    try (Reranker reranker =
        Reranker.builder()
            .scorer(FakeScorer.byLength())
            .heuristics(Heuristic.identity())
            .heuristics(lossy)
            .executor(Runnable::run)
            .build()) {
      assertThatThrownBy(() -> reranker.rank(RerankerTest.DIALOG, List.of(Candidate.of("hi"))))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("heuristic lossy at chain index 0 completed with a null ranking");
    }
  }

  @Test
  void builderCallsAccumulateOutermostFirst() {
    List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Reranker reranker =
        Reranker.builder()
            .scorer(FakeScorer.byLength())
            .heuristics(logging("a", log))
            .heuristics(logging("b", log), logging("c", log))
            .executor(Runnable::run)
            .build()) {
      Ranking ranking = reranker.rank(RerankerTest.DIALOG, List.of(Candidate.of("hi")));
      assertThat(ranking.ranked()).extracting(ScoredCandidate::text).containsExactly("hi");
    }
    assertThat(log)
        .containsExactly("a:before", "b:before", "c:before", "c:after", "b:after", "a:after");
  }
}
