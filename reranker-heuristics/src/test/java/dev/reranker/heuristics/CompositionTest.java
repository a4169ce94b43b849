package dev.reranker.heuristics;

import static dev.reranker.heuristics.Harness.find;
import static dev.reranker.heuristics.Harness.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.ScoredCandidate;
import dev.reranker.Source;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositionTest {

  /** A heuristic that logs when its pre- and post-model halves run, and adjusts every score. */
  private static Heuristic logging(String name, List<String> log, float change) {
    return (request, chain) -> {
      log.add(name + ":before");
      return chain
          .proceed(request)
          .thenApply(
              ranking -> {
                log.add(name + ":after");
                return ranking.map(c -> c.with(Verdict.adjust(name, change, "test")));
              });
    };
  }

  @Test
  void andThen_firstIsOutermost() {
    List<String> log = new ArrayList<>();
    Heuristic ab = logging("a", log, 1).andThen(logging("b", log, 10));
    Ranking r = Harness.logit(t -> 0).run(ab, Harness.lonely(), "I'm here for you.");

    assertThat(log).containsExactly("a:before", "b:before", "b:after", "a:after");
    assertThat(r.ranked().get(0).verdicts())
        .extracting(Verdict::heuristic)
        .containsExactly("b", "a");
    assertThat(r.ranked().get(0).score()).isEqualTo(11f);
  }

  @Test
  void chain_isTheSameAsAndThen() {
    List<String> viaChain = new ArrayList<>();
    List<String> viaAndThen = new ArrayList<>();
    Heuristic chained =
        Heuristics.chain(
            logging("a", viaChain, 1), logging("b", viaChain, 2), logging("c", viaChain, 3));
    Heuristic nested =
        logging("a", viaAndThen, 1)
            .andThen(logging("b", viaAndThen, 2))
            .andThen(logging("c", viaAndThen, 3));

    Ranking r1 = Harness.hashed().run(chained, Harness.exam(), "Good luck!", "Get some rest.");
    Ranking r2 = Harness.hashed().run(nested, Harness.exam(), "Good luck!", "Get some rest.");

    assertThat(viaChain)
        .containsExactly("a:before", "b:before", "c:before", "c:after", "b:after", "a:after")
        .isEqualTo(viaAndThen);
    assertThat(r1).isEqualTo(r2);
  }

  @Test
  void chain_ofNothingIsIdentity() {
    Ranking r = Harness.hashed().run(Heuristics.chain(), Harness.exam(), "Good luck!");
    assertThat(r.ranked().get(0).verdicts()).isEmpty();
  }

  @Test
  void preModelDropsNeverReachTheModel_postModelDropsAreScored() {
    Harness h = Harness.logit(t -> 1);
    Ranking r =
        h.run(
            Heuristics.chain(Heuristics.blank(), Heuristics.duplicate()),
            Harness.hobbies(),
            " ",
            "Mountains are the best.",
            "mountains are the best");

    assertThat(h.modelSaw)
        .extracting(Candidate::text)
        .containsExactly("Mountains are the best.", "mountains are the best");
    ScoredCandidate blank = find(r, " ");
    assertThat(blank.isScored()).isFalse();
    assertThat(blank.verdicts()).extracting(Verdict::heuristic).containsExactly("blank");
    ScoredCandidate dup = find(r, "mountains are the best");
    assertThat(dup.isScored()).isTrue();
    assertThat(dup.isDropped()).isTrue();
    assertThat(dup.verdicts()).extracting(Verdict::heuristic).containsExactly("duplicate");
  }

  @Test
  void laterPostModelHeuristicsSeeEarlierAdjustments() {
    // duplicate is outer, so it runs after source-preference and keeps the boosted retrieval one
    // although the model liked the generative one better.
    Harness h = Harness.scores(Map.of("Do you paint outdoors?", 1.0, "do you paint outdoors", 0.8));
    List<Candidate> cs =
        List.of(
            Candidate.generative("Do you paint outdoors?"),
            Candidate.retrieval("do you paint outdoors"));
    Heuristic h1 =
        Heuristics.chain(
            Heuristics.duplicate(), Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.5)));
    Ranking r = h.run(h1, Harness.hobbies(), cs);
    assertThat(texts(r)).containsExactly("do you paint outdoors");
    assertThat(r.ranked().get(0).verdicts())
        .extracting(Verdict::heuristic)
        .containsExactly("source-preference");
    assertThat(r.dropped().get(0).verdicts().get(0).reason()).contains("\"do you paint outdoors\"");
  }

  @Test
  void userLambdasComposeWithBuiltIns() {
    Heuristic noLinks =
        Heuristic.before(
            req ->
                req.filter("no-links", c -> c.text().contains("http") ? "contains a link" : null));
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.chain(Heuristics.blank(), noLinks),
                Harness.hobbies(),
                "Look at this: https://example.com/mountains",
                "",
                "I'd love to see your paintings!");
    assertThat(texts(r)).containsExactly("I'd love to see your paintings!");
    assertThat(find(r, "Look at this: https://example.com/mountains").verdicts())
        .containsExactly(Verdict.drop("no-links", "contains a link"));
  }

  @Test
  void defaults_onARealisticTurn() {
    Harness h = Harness.hashed();
    List<String> candidates =
        List.of(
            "I'm sorry you feel lonely. I'm here for you.", // repeat
            "thanks. i just moved to a new city and don't know anyone", // echo
            "", // blank
            "Hi {name}! Moving is hard.", // placeholder
            "Moving somewhere new is hard. What made you choose this city?",
            "moving somewhere new is HARD!! what made you choose this city", // duplicate
            "Have you tried a climbing gym or a board game cafe? Easy places to meet people.",
            "lol ".repeat(200)); // length
    Ranking r =
        h.run(
            Heuristics.defaults(),
            Harness.lonely(),
            Harness.candidates(candidates.toArray(String[]::new)));

    assertThat(r.size()).isEqualTo(2);
    assertThat(h.modelSaw).hasSize(3);
    assertThat(r.dropped())
        .extracting(c -> c.verdicts().get(0).heuristic())
        .containsExactlyInAnyOrder("repeat", "echo", "blank", "placeholder", "duplicate", "length");
    assertThat(Heuristics.defaults().toString())
        .startsWith("chain[blank, length{}, placeholder[")
        .endsWith(
            "duplicate{similarity=token-jaccard>=0.8, maxCompared=200}, " + "repeated-question{}]");
  }
}
