package dev.reranker.heuristics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Source;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties over many generated dialogs and candidate lists (a seeded generator, so a failure
 * names its seed and replays): the output is a permutation of the input, ranked best first, scores
 * add up from the verdicts, and filters are idempotent.
 */
class PropertiesTest {
  private static final int RUNS = 300;

  private static final String[] PIECES = {
    "hi",
    "Hi!",
    "how are you?",
    "I'm fine",
    "im FINE",
    "exam",
    "tomorrow",
    "lonely",
    "are you a" + " bot?",
    "I'm an AI",
    "paint",
    "mountains",
    "😊",
    "🫂",
    "👩‍👩‍👧",
    "مرحبا",
    "كيف حالك؟",
    "שלום",
    "cafe\u0301",
    "café",
    "Straße",
    "STRASSE",
    "今日は",
    "ภาษาไทย",
    "\uD800",
    "\uDC00",
    "{name}",
    "[USER]",
    "<unk>",
    "%s",
    "spoiler",
    "kill switch",
    "...",
    "?",
    "!",
    " ",
    "\t",
    "\u200B",
    "\u202E",
    "e\u0301\u0301\u0301",
    "x".repeat(50),
    "spoilers",
    "don't",
    "do not"
  };

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= RUNS; s++) {
      seeds.add(s * 0x9E3779B97F4A7C15L);
    }
    return seeds;
  }

  private static String text(SplittableRandom r) {
    int n = r.nextInt(0, 7);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0 && r.nextBoolean()) {
        s.append(' ');
      }
      s.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  private static Dialog dialog(SplittableRandom r) {
    List<Turn> turns = new ArrayList<>();
    int n = r.nextInt(0, 8);
    for (int i = 0; i < n; i++) {
      turns.add(r.nextBoolean() ? Turn.user(text(r)) : Turn.bot(text(r)));
    }
    return Dialog.of(turns);
  }

  private static List<Candidate> candidates(SplittableRandom r, Dialog d) {
    List<Candidate> out = new ArrayList<>();
    int n = r.nextInt(0, 40);
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      String text;
      if (kind == 0 && !d.turns().isEmpty()) {
        text = d.turns().get(r.nextInt(d.turns().size())).text(); // a repeat or an echo
      } else if (kind == 1 && !out.isEmpty()) {
        text = out.get(r.nextInt(out.size())).text() + "!"; // a duplicate
      } else {
        text = text(r);
      }
      Source source =
          switch (r.nextInt(3)) {
            case 0 -> Source.RETRIEVAL;
            case 1 -> Source.GENERATIVE;
            default -> Source.of("faq");
          };
      out.add(new Candidate(text, source, Map.of()));
    }
    return out;
  }

  private static Map<String, Heuristic> heuristics(long seed) {
    Map<String, Heuristic> hs = new HashMap<>();
    hs.put("blank", Heuristics.blank());
    hs.put("length", Heuristics.length(LengthBounds.builder().maxChars(60).maxTokens(8).build()));
    hs.put("placeholder", Heuristics.placeholder());
    hs.put(
        "blocklist",
        Heuristics.blocklist(
            Blocklist.builder().word("spoiler").phrase("kill switch").regex("caf.").build()));
    hs.put("repeat", Heuristics.repeat(3, Similarity.charTrigram(0.6)));
    hs.put("echo", Heuristics.echo());
    hs.put("duplicate", Heuristics.duplicate(Similarity.tokenJaccard(0.5), 10));
    hs.put("repeated-question", Heuristics.repeatedQuestion());
    hs.put(
        "repeated-question-drop",
        Heuristics.repeatedQuestion(RepeatedQuestionConfig.builder().drop().build()));
    hs.put(
        "source-preference",
        Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.5, Source.GENERATIVE, -1.5)));
    hs.put("diversity", Heuristics.diversity(4, 0.5, seed));
    hs.put(
        "everything",
        Heuristics.chain(
            Heuristics.diversity(3, 2, seed),
            Heuristics.defaults(),
            hs.get("blocklist"),
            hs.get("source-preference")));
    return hs;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void outputIsASortedPermutationOfTheInput(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Dialog d = dialog(r);
    List<Candidate> cs = candidates(r, d);
    for (Map.Entry<String, Heuristic> e : heuristics(seed).entrySet()) {
      Harness h = Harness.hashed();
      Ranking ranking = h.run(e.getValue(), d, cs);
      String where = e.getKey() + " with seed " + seed;

      List<Candidate> out = new ArrayList<>();
      ranking.all().forEach(c -> out.add(c.candidate()));
      assertThat(out).as(where).containsExactlyInAnyOrderElementsOf(cs);

      List<ScoredCandidate> ranked = ranking.ranked();
      for (int i = 1; i < ranked.size(); i++) {
        assertThat(ranked.get(i - 1).score())
            .as(where)
            .isGreaterThanOrEqualTo(ranked.get(i).score());
      }
      for (ScoredCandidate c : ranked) {
        assertThat(c.isDropped()).as(where).isFalse();
        float logit = (float) Math.log(c.probability() / (1 - c.probability()));
        double changes = c.verdicts().stream().mapToDouble(Verdict::scoreChange).sum();
        assertThat((double) c.score())
            .as(where)
            .isCloseTo(logit + changes, org.assertj.core.data.Offset.offset(1e-3));
      }
      for (ScoredCandidate c : ranking.dropped()) {
        assertThat(c.verdicts()).as(where).anyMatch(v -> v.action() == Verdict.Action.DROP);
        assertThat(c.verdicts()).as(where).allSatisfy(v -> assertThat(v.reason()).isNotBlank());
      }
      // Only what no pre-model filter dropped reached the model, each candidate once.
      assertThat(h.modelSaw.size() + ranking.dropped().stream().filter(c -> !c.isScored()).count())
          .as(where)
          .isEqualTo(cs.size());
    }
  }

  /** Runs only the pre-model part: returns the request the model would get. */
  private static RerankRequest filtered(Heuristic h, RerankRequest request) {
    AtomicReference<RerankRequest> seen = new AtomicReference<>();
    h.apply(
            request,
            req -> {
              seen.set(req);
              return CompletableFuture.completedFuture(Ranking.of(req.dropped()));
            })
        .toCompletableFuture()
        .join();
    return seen.get();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void filtersAreIdempotent(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Dialog d = dialog(r);
    List<Candidate> cs = candidates(r, d);
    Map<String, Heuristic> hs = heuristics(seed);
    for (String name :
        List.of(
            "blank",
            "length",
            "placeholder",
            "blocklist",
            "repeat",
            "echo",
            "repeated-question-drop")) {
      RerankRequest once = filtered(hs.get(name), RerankRequest.of(d, cs));
      RerankRequest twice = filtered(hs.get(name), once);
      assertThat(twice).as(name + " with seed " + seed).isEqualTo(once);
    }
    // The post-model filter: dropping duplicates from a ranking without duplicates changes nothing.
    Heuristic duplicate = hs.get("duplicate");
    Ranking model = Harness.hashed().score(RerankRequest.of(d, cs));
    Ranking once =
        duplicate
            .apply(RerankRequest.of(d, cs), req -> CompletableFuture.completedFuture(model))
            .toCompletableFuture()
            .join();
    Ranking twice =
        duplicate
            .apply(RerankRequest.of(d, cs), req -> CompletableFuture.completedFuture(once))
            .toCompletableFuture()
            .join();
    assertThat(twice).as("duplicate with seed " + seed).isEqualTo(once);
  }
}
