package dev.reranker.heuristics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large inputs stay correct and bounded: 10,000 candidates through every built-in, all
 * near-duplicates, one huge candidate. Times are printed for the record only; speed goals belong in
 * JMH, and the timeout only guards against a hang or a quadratic blow-up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LargeInputTest {
  private static final String[] OPENERS = {
    "I hear you.",
    "That sounds hard.",
    "Oh wow!",
    "Honestly,",
    "Aww,",
    "Hmm,",
    "Haha",
    "I'm sorry",
    "That's great!",
    "Really?",
    "Tell me more.",
    "I get it.",
    "😊",
    "🫂",
    "مرحبا",
    "Ça va?",
    "Zoë said",
    "नमस्ते",
    "今日は"
  };
  private static final String[] WORDS = {
    "exam",
    "lonely",
    "city",
    "friends",
    "paint",
    "mountains",
    "sleep",
    "tomorrow",
    "coffee",
    "music",
    "weekend",
    "work",
    "study",
    "chemistry",
    "hike",
    "cat",
    "dog",
    "movie",
    "book",
    "together",
    "you",
    "I",
    "we",
    "really",
    "maybe",
    "always",
    "new",
    "tired",
    "happy",
    "nervous"
  };

  /** Realistic-looking replies: some blank, some repeated, some near-duplicates, some slots. */
  static List<Candidate> candidates(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Candidate> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(100);
      String text;
      if (kind < 2) {
        text = " ";
      } else if (kind < 5) {
        text = "Hi {name}, " + WORDS[random.nextInt(WORDS.length)] + "?";
      } else if (kind < 12 && !out.isEmpty()) {
        text = out.get(random.nextInt(out.size())).text().toUpperCase(Locale.ROOT) + "!";
      } else {
        StringBuilder s = new StringBuilder(OPENERS[random.nextInt(OPENERS.length)]);
        int words = 3 + random.nextInt(15);
        for (int w = 0; w < words; w++) {
          s.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        s.append(random.nextBoolean() ? "?" : ".");
        text = s.toString();
      }
      Source source = random.nextBoolean() ? Source.RETRIEVAL : Source.GENERATIVE;
      out.add(new Candidate(text, source, Map.of()));
    }
    return out;
  }

  static Heuristic everything() {
    return Heuristics.chain(
        Heuristics.diversity(5, 0.7, 1),
        Heuristics.defaults(),
        Heuristics.blocklist(
            Blocklist.builder().word("spoiler").phrase("kill switch").regex("season \\d+").build()),
        Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.3)));
  }

  /** Runs 10,000 candidates through {@code h} ten times; returns the best time in ns. */
  private static long timeTenThousand(String what, Heuristic h) {
    List<Candidate> many = candidates(10_000, 1);
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 10; run++) {
      Harness harness = Harness.hashed();
      long start = System.nanoTime();
      Ranking r = harness.run(h, Harness.lonely(), many);
      long took = System.nanoTime() - start;
      assertThat(r.size() + r.dropped().size()).isEqualTo(10_000);
      best = Math.min(best, took);
      if (run == 0) {
        System.out.printf(
            Locale.ROOT, "10,000 candidates, %s, first run: %.1f ms%n", what, took / 1e6);
      }
    }
    System.out.printf(
        Locale.ROOT, "10,000 candidates, %s, best of 10: %.1f ms%n", what, best / 1e6);
    return best;
  }

  @Test
  void tenThousandCandidatesThroughEveryBuiltIn() {
    timeTenThousand("every built-in", everything());
  }

  @Test
  void tenThousandCandidatesThroughTheDefaultChain() {
    timeTenThousand("Heuristics.defaults()", Heuristics.defaults());
  }

  @Test
  void tenThousandNearDuplicatesStayBounded() {
    // Every candidate a near-duplicate of every other: the pairwise work is capped at maxCompared.
    List<Candidate> same = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      same.add(Candidate.of("good luck on your exam tomorrow friend number " + i));
    }
    Ranking[] r = new Ranking[1];
    long took =
        bestOf3(() -> r[0] = Harness.hashed().run(Heuristics.duplicate(), Harness.exam(), same));
    System.out.printf(
        Locale.ROOT, "10,000 near-duplicates through duplicate, best of 3: %.1f ms%n", took / 1e6);
    assertThat(r[0].dropped()).hasSize(9_999);
  }

  private static long bestOf3(Runnable run) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      run.run();
      best = Math.min(best, System.nanoTime() - start);
    }
    return best;
  }

  @Test
  void worstCaseForDuplicate_everyCandidateComparedWithMaxComparedKeptOnes() {
    // 199 distinct replies (one fewer than maxCompared, so comparing goes on), then 9,801
    // near-duplicates of the worst of them only: each is compared with all 199.
    List<Candidate> cs = new ArrayList<>();
    for (int i = 0; i < 199; i++) {
      cs.add(Candidate.of(String.format(Locale.ROOT, "topic%03d we could talk about it", i)));
    }
    for (int k = 0; cs.size() < 10_000; k++) {
      cs.add(Candidate.of("topic198 we could talk about it extra" + k));
    }
    Harness h =
        Harness.logit(t -> t.contains("extra") ? -1e4 : -Integer.parseInt(t.substring(5, 8)));
    Ranking[] r = new Ranking[1];
    long took = bestOf3(() -> r[0] = h.run(Heuristics.duplicate(), Harness.exam(), cs));
    System.out.printf(
        Locale.ROOT,
        "10,000 candidates, worst case for duplicate (1.95M comparisons), best of 3: %.1f ms%n",
        took / 1e6);
    assertThat(r[0].size()).isEqualTo(199);
  }

  @Test
  void oneHugeCandidate() {
    String huge = "I really like talking with you. ".repeat(10_000); // 320,000 chars
    long start = System.nanoTime();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.chain(
                    Heuristics.defaults(),
                    Heuristics.length(
                        LengthBounds.builder()
                            .maxChars(Integer.MAX_VALUE)
                            .maxTokens(Integer.MAX_VALUE)
                            .build())),
                Harness.lonely(),
                huge,
                "ok then");
    long took = System.nanoTime() - start;
    System.out.printf(
        Locale.ROOT, "a 320,000-char candidate through defaults: %.1f ms%n", took / 1e6);
    assertThat(r.dropped()).extracting(c -> c.verdicts().get(0).heuristic()).contains("length");
  }
}
