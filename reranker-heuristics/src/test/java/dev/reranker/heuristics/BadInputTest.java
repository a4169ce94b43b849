package dev.reranker.heuristics;

import static dev.reranker.heuristics.Harness.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.Source;
import dev.reranker.Turn;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class BadInputTest {

  private static List<Heuristic> every() {
    return List.of(
        Heuristics.blank(),
        Heuristics.length(),
        Heuristics.placeholder(),
        Heuristics.blocklist(Blocklist.builder().word("spoiler").regex("x+y").build()),
        Heuristics.repeat(),
        Heuristics.echo(),
        Heuristics.duplicate(),
        Heuristics.repeatedQuestion(),
        Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 1)),
        Heuristics.diversity(3, 1, 1),
        Heuristics.defaults());
  }

  @Test
  void nullRequestOrChainThrowsAtOnceNamingIt() {
    for (Heuristic h : every()) {
      assertThatThrownBy(() -> h.apply(null, r -> null))
          .as(h.toString())
          .isInstanceOf(NullPointerException.class)
          .hasMessage("request");
      assertThatThrownBy(() -> h.apply(RerankRequest.of(Dialog.of(), List.of()), null))
          .as(h.toString())
          .isInstanceOf(NullPointerException.class)
          .hasMessage("chain");
    }
  }

  @Test
  void emptyCandidateListsAndEmptyDialogs() {
    for (Heuristic h : every()) {
      Ranking r = Harness.hashed().run(h, Dialog.of(), List.of());
      assertThat(r.ranked()).as(h.toString()).isEmpty();
      assertThat(r.best()).isEmpty();
      assertThat(Harness.hashed().run(h, Dialog.of(), "hello").size()).isEqualTo(1);
    }
  }

  @Test
  void nullTextNeverGetsThatFar() {
    assertThatThrownBy(() -> Candidate.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Similarity.normalize(null)).hasMessage("text");
    assertThatThrownBy(() -> Similarity.exact().score(null, "x")).hasMessage("a");
    assertThatThrownBy(() -> Similarity.exact().matches("x", null)).hasMessage("b");
    assertThatThrownBy(() -> Blocklist.builder().word("x").build().firstMatch(null))
        .hasMessage("text");
    assertThatThrownBy(() -> Heuristics.wordCounter().applyAsInt(null)).hasMessage("text");
  }

  @Test
  void oddUnicodeFlowsThroughEveryHeuristic() {
    List<String> odd =
        List.of(
            "\uD83D", // a lone high surrogate
            "ok \uDE00 ok", // a lone low surrogate
            "\uDE00\uD83D", // reversed pair
            "😊😊😊",
            "👩‍👩‍👧‍👦",
            "🏳️‍🌈 🇺🇦",
            "مرحبا! كيف حالك اليوم؟",
            "שלום, מה שלומך?",
            "\u202Eevil\u202C",
            "\u200F\u200E",
            "e\u0301\u0301\u0301\u0301",
            "\u0301 alone",
            "Z\u0351\u0352\u0353alg\u0354o",
            "ﷺ",
            "ﬁne",
            "①②③",
            "\u0000\u0007",
            "\uFFFF\uFFFE",
            "\uE000 private use",
            "x".repeat(5000));
    Dialog d =
        Dialog.of(
            Turn.bot("\uD83D?"),
            Turn.user("\uDE00"),
            Turn.bot("مرحبا! كيف حالك اليوم؟"),
            Turn.user("😊😊😊"));
    for (Heuristic h : every()) {
      Ranking r = Harness.hashed().run(h, d, Harness.candidates(odd.toArray(String[]::new)));
      assertThat(r.size() + r.dropped().size()).as(h.toString()).isEqualTo(odd.size());
      r.all().forEach(c -> c.verdicts().forEach(v -> assertThat(v.reason()).isNotBlank()));
    }
  }

  @Test
  void oddUnicodeIsHandledCorrectly() {
    // Lone surrogates count as one code point each and compare as U+FFFD.
    var bounds = LengthBounds.builder().maxChars(2).minTokens(0).build();
    assertThat(
            Harness.hashed().run(Heuristics.length(bounds), Dialog.of(), "\uD83D\uD83D").dropped())
        .isEmpty();
    assertThat(Similarity.normalize("a\uD83Db")).isEqualTo("a \uFFFD b"); // a symbol: a word
    // RTL and bidi controls: the repeat filter sees through them.
    Dialog d = Dialog.of(Turn.bot("مرحبا! كيف حالك اليوم؟"), Turn.user("بخير"));
    assertThat(
            Harness.hashed().run(Heuristics.repeat(), d, "\u200Fمرحبا، كيف حالك اليوم").dropped())
        .hasSize(1);
    // Combining marks compose under NFKC; case folds fully.
    assertThat(Similarity.normalize("Cafe\u0301 STRASSE ﬁne")).isEqualTo("café strasse fine");
    assertThat(Similarity.normalize("Straße")).isEqualTo("strasse");
    // Emoji are words of their own, punctuation is not.
    assertThat(Similarity.normalize("great!!😊  see   you…")).isEqualTo("great 😊 see you");
    assertThat(Similarity.exact().matches("I'm FINE!!", "im fine")).isTrue();
    assertThat(Similarity.exact().matches("😊", "😢")).isFalse();
  }

  @Test
  void normalisationIsLocaleIndependent() {
    // Surefire runs with hi-IN; Turkish casing is the classic trap.
    java.util.Locale old = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
      assertThat(Similarity.normalize("TITLE")).isEqualTo("title");
      Blocklist list = Blocklist.builder().word("INFO").build();
      assertThat(list.firstMatch("some info here")).contains("INFO");
    } finally {
      java.util.Locale.setDefault(old);
    }
  }

  @Test
  void aNullFromTheChainIsATypedFailure() {
    Heuristic post = Heuristics.duplicate();
    RerankRequest req = RerankRequest.of(Dialog.of(), Harness.candidates("a"));
    assertThatThrownBy(() -> post.apply(req, r -> null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("chain.proceed returned null");
    assertThatThrownBy(
            () ->
                post.apply(req, r -> CompletableFuture.completedFuture(null))
                    .toCompletableFuture()
                    .join())
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("the chain returned a null ranking");
  }

  @Test
  void failuresInsideAHeuristicFailTheStageInsteadOfThrowing() {
    var bounds =
        LengthBounds.builder()
            .tokenCounter(
                t -> {
                  throw new IllegalStateException("tokenizer broke");
                })
            .build();
    var stage =
        Heuristics.length(bounds)
            .apply(
                RerankRequest.of(Dialog.of(), Harness.candidates("hello")),
                Harness.hashed().model());
    assertThatThrownBy(() -> stage.toCompletableFuture().join())
        .hasRootCauseMessage("tokenizer broke");

    var negative = LengthBounds.builder().tokenCounter(t -> -1).build();
    var stage2 =
        Heuristics.length(negative)
            .apply(
                RerankRequest.of(Dialog.of(), Harness.candidates("hello")),
                Harness.hashed().model());
    assertThatThrownBy(() -> stage2.toCompletableFuture().join())
        .hasRootCauseMessage("tokenCounter returned a negative count, -1, for \"hello\"");
  }

  @Test
  void modelFailuresPassThroughPostModelHeuristics() {
    Heuristic.Chain failing =
        r -> CompletableFuture.failedFuture(new IllegalStateException("model down"));
    var stage =
        Heuristics.defaults()
            .apply(RerankRequest.of(Harness.exam(), Harness.candidates("Good luck!")), failing);
    assertThatThrownBy(() -> stage.toCompletableFuture().join()).hasRootCauseMessage("model down");
  }

  @Test
  void longReasonsAreCutOnCodePointBoundaries() {
    String longBot = "😊".repeat(100);
    Dialog d = Dialog.of(Turn.bot(longBot), Turn.user("hm"));
    Ranking r = Harness.hashed().run(Heuristics.repeat(), d, longBot);
    String reason = r.dropped().get(0).verdicts().get(0).reason();
    assertThat(reason).isEqualTo("repeats the bot's last reply \"" + "😊".repeat(60) + "...\"");
    assertThat(texts(r)).isEmpty();
  }
}
