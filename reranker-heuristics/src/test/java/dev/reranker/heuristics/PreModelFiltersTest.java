package dev.reranker.heuristics;

import static dev.reranker.heuristics.Harness.droppedTexts;
import static dev.reranker.heuristics.Harness.find;
import static dev.reranker.heuristics.Harness.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreModelFiltersTest {

  @Test
  void blank_dropsEmptyAndWhitespaceOnlyBeforeTheModel() {
    Harness h = Harness.hashed();
    Ranking r =
        h.run(
            Heuristics.blank(),
            Harness.lonely(),
            "",
            "   \n\t",
            "\u200B\u00A0\u3000",
            "That sounds really hard. Moving somewhere new is lonely at first.");

    assertThat(texts(r))
        .containsExactly("That sounds really hard. Moving somewhere new is lonely at first.");
    assertThat(h.modelSaw).hasSize(1);
    assertThat(find(r, "").verdicts()).containsExactly(Verdict.drop("blank", "empty reply"));
    assertThat(find(r, "   \n\t").verdicts())
        .containsExactly(Verdict.drop("blank", "whitespace-only reply"));
    assertThat(find(r, "\u200B\u00A0\u3000").isDropped()).isTrue();
    assertThat(find(r, "\u200B\u00A0\u3000").isScored()).isFalse();
  }

  @Test
  void blank_keepsEmojiAndPunctuationOnlyReplies() {
    Ranking r = Harness.hashed().run(Heuristics.blank(), Harness.lonely(), "🫂", "...", "؟");
    assertThat(r.dropped()).isEmpty();
  }

  @Test
  void length_countsCodePointsNotUtf16Units() {
    // Five emoji: 10 UTF-16 units, 5 code points.
    String hugs = "🫂🫂🫂🫂🫂";
    var bounds = LengthBounds.builder().maxChars(5).minTokens(0).build();
    Ranking r = Harness.hashed().run(Heuristics.length(bounds), Harness.lonely(), hugs, hugs + "!");

    assertThat(texts(r)).containsExactly(hugs);
    assertThat(find(r, hugs + "!").verdicts())
        .containsExactly(Verdict.drop("length", "has 6 characters, more than the maximum 5"));
  }

  @Test
  void length_dropsTooFewAndTooManyTokens() {
    var bounds = LengthBounds.builder().minTokens(2).maxTokens(8).build();
    String ok = "Good luck tomorrow, you've prepared well!";
    String shortOne = "ok!!";
    String rambling =
        "Well, you know, exams are really just one small part of a much longer story overall.";
    Ranking r =
        Harness.hashed().run(Heuristics.length(bounds), Harness.exam(), ok, shortOne, rambling);

    assertThat(texts(r)).containsExactly(ok);
    assertThat(find(r, shortOne).verdicts().get(0).reason())
        .isEqualTo("has 1 tokens, fewer than the minimum 2");
    assertThat(find(r, rambling).verdicts().get(0).reason())
        .isEqualTo("has 16 tokens, more than the maximum 8");
  }

  @Test
  void length_usesTheSuppliedTokenCounter() {
    List<String> counted = new ArrayList<>();
    var bounds =
        LengthBounds.builder()
            .maxTokens(3)
            .tokenCounter(
                t -> {
                  counted.add(t);
                  return t.length(); // a "tokenizer" with one token per char
                })
            .build();
    Ranking r = Harness.hashed().run(Heuristics.length(bounds), Harness.lonely(), "hey", "hey!");
    assertThat(texts(r)).containsExactly("hey");
    assertThat(counted).containsExactly("hey", "hey!");
  }

  @Test
  void length_defaultsDropPunctuationOnlyAndVeryLongReplies() {
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.length(),
                Harness.lonely(),
                "...",
                "x ".repeat(300),
                "I'm glad you told me.");
    assertThat(texts(r)).containsExactly("I'm glad you told me.");
    assertThat(droppedTexts(r)).hasSize(2);
  }

  @Test
  void wordCounter_countsWordsEmojiAndUnspacedScripts() {
    var words = Heuristics.wordCounter();
    assertThat(words.applyAsInt("I'm so anxious about the exam!!")).isEqualTo(6);
    assertThat(words.applyAsInt("good luck 🍀🍀")).isEqualTo(4);
    assertThat(words.applyAsInt("今日は")).isEqualTo(3);
    assertThat(words.applyAsInt("مرحبا، كيف حالك؟")).isEqualTo(3);
    assertThat(words.applyAsInt("  ...  ")).isZero();
    assertThat(words.applyAsInt("cafe\u0301 au lait")).isEqualTo(3);
  }

  @Test
  void placeholder_dropsUnfilledTemplateSlots() {
    List<String> bad =
        List.of(
            "Hi {name}, how are you feeling today?",
            "I'm so glad you're here, {{user}}!",
            "That's a <UNK> idea",
            "I think <unk> is great",
            "Hello [USER], welcome back",
            "Nice to meet you, [NAME].",
            "Good luck with %s tomorrow!",
            "Hey ${name}!",
            "See you later, $user");
    List<String> fine =
        List.of(
            "I'm 100% sure you'll do great.",
            "It costs $5, not much.",
            "Use a {} if you like, I'm kidding.",
            "[laughs] that's funny",
            "Nice to meet you too!");
    List<String> all = new ArrayList<>(bad);
    all.addAll(fine);
    Harness h = Harness.hashed();
    Ranking r =
        h.run(
            Heuristics.placeholder(),
            Harness.lonely(),
            Harness.candidates(all.toArray(String[]::new)));

    assertThat(droppedTexts(r)).containsExactlyElementsOf(bad);
    assertThat(texts(r)).containsExactlyInAnyOrderElementsOf(fine);
    assertThat(h.modelSaw).hasSize(fine.size());
    assertThat(find(r, "Hi {name}, how are you feeling today?").verdicts())
        .containsExactly(Verdict.drop("placeholder", "unfilled placeholder \"{name}\""));
  }

  @Test
  void placeholder_takesCustomPatterns() {
    List<String> patterns = new ArrayList<>(Heuristics.DEFAULT_PLACEHOLDERS);
    patterns.add("@@\\w+@@");
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.placeholder(patterns),
                Harness.lonely(),
                "Hey @@NAME@@!",
                "Hey {name}!",
                "Hey there!");
    assertThat(texts(r)).containsExactly("Hey there!");
  }

  @Test
  void placeholder_findsFullWidthSlotsAfterNfkc() {
    Ranking r = Harness.hashed().run(Heuristics.placeholder(), Harness.lonely(), "Hi ｛name｝!");
    assertThat(r.dropped()).hasSize(1);
  }

  @Test
  void blocklist_matchesWholeWordsWithUnicodeCaseFolding() {
    Blocklist list = Blocklist.builder().word("darn").word("spoiler").word("straße").build();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.blocklist(list),
                Harness.hobbies(),
                "Darn, that sounds fun!",
                "No SPOILERS please",
                "Spoiler: the trail ends at a lake.",
                "I love darning socks while it rains.",
                "My STRASSE has a great view",
                "Mountains are my favourite too");

    assertThat(texts(r))
        .containsExactlyInAnyOrder(
            "No SPOILERS please",
            "I love darning socks while it rains.",
            "Mountains are my favourite too");
    assertThat(find(r, "Darn, that sounds fun!").verdicts())
        .containsExactly(Verdict.drop("blocklist", "contains blocked word 'darn'"));
    assertThat(find(r, "My STRASSE has a great view").isDropped()).isTrue();
  }

  @Test
  void blocklist_phrasesMatchAcrossPunctuationAndWhitespace() {
    Blocklist list = Blocklist.builder().phrase("kill switch").build();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.blocklist(list),
                Harness.areYouABot(),
                "I don't have a kill switch, I promise.",
                "There is no Kill-Switch.",
                "KILL\n  SWITCH",
                "I'd rather kill time with you than switch topics.");
    assertThat(texts(r)).containsExactly("I'd rather kill time with you than switch topics.");
    assertThat(find(r, "There is no Kill-Switch.").verdicts().get(0).reason())
        .isEqualTo("contains blocked phrase 'kill switch'");
  }

  @Test
  void blocklist_cannotBeDodgedWithInvisibleCharacters() {
    Blocklist list = Blocklist.builder().word("spoiler").build();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.blocklist(list),
                Harness.hobbies(),
                "spo\u200Biler alert",
                "ｓｐｏｉｌｅｒ",
                "spoiler's not coming");
    assertThat(r.ranked()).isEmpty();
  }

  @Test
  void blocklist_regexesAreCaseInsensitive() {
    Blocklist list = Blocklist.builder().name("spoilers").regex("season \\d+ finale").build();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.blocklist(list),
                Harness.hobbies(),
                "Did you watch the Season 3 Finale?",
                "Did you watch anything good?");
    assertThat(texts(r)).containsExactly("Did you watch anything good?");
    assertThat(r.dropped().get(0).verdicts())
        .containsExactly(Verdict.drop("spoilers", "contains blocked pattern 'season \\d+ finale'"));
  }

  @Test
  void blocklist_unspacedScriptsMatchCharacterRuns() {
    Blocklist list = Blocklist.builder().word("東京").build();
    Ranking r =
        Harness.hashed().run(Heuristics.blocklist(list), Dialog.of(), "明日東京に行きます", "京都に行きます");
    assertThat(texts(r)).containsExactly("京都に行きます");
  }

  @Test
  void blocklist_firstMatchReportsTheEntry() {
    Blocklist list = Blocklist.builder().words(List.of("spoiler", "darn")).build();
    assertThat(list.firstMatch("oh DARN it")).contains("darn");
    assertThat(list.firstMatch("darning")).isEmpty();
    assertThat(list.toString()).isEqualTo("blocklist{entries=2}");
  }
}
