package dev.reranker.heuristics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Heuristic;
import dev.reranker.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every factory and builder option: one test per rule, asserting the message. */
class ValidationTest {

  @Test
  void repeat_window() {
    assertThatThrownBy(() -> Heuristics.repeat(0, Similarity.exact()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be positive, but was 0");
    assertThatThrownBy(() -> Heuristics.repeat(3, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("similarity");
  }

  @Test
  void similarity_threshold() {
    assertThatThrownBy(() -> Similarity.tokenJaccard(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold must be in (0, 1], but was 0.0");
    assertThatThrownBy(() -> Similarity.charTrigram(1.5))
        .hasMessage("threshold must be in (0, 1], but was 1.5");
    assertThatThrownBy(() -> Similarity.charTrigram(Double.NaN))
        .hasMessage("threshold must be in (0, 1], but was NaN");
    assertThatThrownBy(() -> new Similarity(Similarity.Measure.EXACT, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold must be 1 for EXACT similarity, but was 0.5");
    assertThatThrownBy(() -> new Similarity(null, 0.5))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("measure");
  }

  @Test
  void echo_similarity() {
    assertThatThrownBy(() -> Heuristics.echo(null, 3)).hasMessage("similarity");
    assertThatThrownBy(() -> Heuristics.echo(Similarity.exact(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minWords must be positive, but was 0");
  }

  @Test
  void duplicate_maxCompared() {
    assertThatThrownBy(() -> Heuristics.duplicate(Similarity.exact(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxCompared must be positive, but was 0");
  }

  @Test
  void length_options() {
    assertThatThrownBy(() -> LengthBounds.builder().minChars(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minChars must not be negative, but was -1");
    assertThatThrownBy(() -> LengthBounds.builder().maxChars(0))
        .hasMessage("maxChars must be positive, but was 0");
    assertThatThrownBy(() -> LengthBounds.builder().minTokens(-3))
        .hasMessage("minTokens must not be negative, but was -3");
    assertThatThrownBy(() -> LengthBounds.builder().maxTokens(0))
        .hasMessage("maxTokens must be positive, but was 0");
    assertThatThrownBy(() -> LengthBounds.builder().tokenCounter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tokenCounter");
    assertThatThrownBy(() -> Heuristics.length(null)).hasMessage("bounds");
  }

  @Test
  void length_minAboveMaxFailsAtBuild() {
    var builder = LengthBounds.builder().minChars(10).maxChars(5);
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("minChars (10) must not exceed maxChars (5)");
    assertThatThrownBy(LengthBounds.builder().minTokens(9).maxTokens(3)::build)
        .hasMessage("minTokens (9) must not exceed maxTokens (3)");
    // The builder stays usable after a failed or successful build.
    assertThat(builder.maxChars(20).build().maxChars()).isEqualTo(20);
  }

  @Test
  void length_toStringListsOnlyWhatWasSet() {
    assertThat(LengthBounds.defaults()).hasToString("{}");
    assertThat(LengthBounds.builder().maxChars(280).build()).hasToString("{maxChars=280}");
    assertThat(Heuristics.length(LengthBounds.builder().minTokens(0).build()))
        .hasToString("length{minTokens=0}");
  }

  @Test
  void blocklist_entries() {
    assertThatThrownBy(() -> Blocklist.builder().word("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blocklist word must not be blank, but was '  '");
    assertThatThrownBy(() -> Blocklist.builder().word("kill switch"))
        .hasMessage(
            "blocklist word must be a single word, but was 'kill switch'; add it as a " + "phrase");
    assertThatThrownBy(() -> Blocklist.builder().word("!!!"))
        .hasMessage("blocklist word must contain a letter, digit or symbol, but was '!!!'");
    assertThatThrownBy(() -> Blocklist.builder().phrase(""))
        .hasMessage("blocklist phrase must not be blank, but was ''");
    assertThatThrownBy(() -> Blocklist.builder().regex("spoil(er"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("blocklist regex 'spoil(er' does not compile: Unclosed group");
    assertThatThrownBy(() -> Blocklist.builder().regex(""))
        .hasMessage("blocklist regex must not be empty, but was ''");
    assertThatThrownBy(() -> Blocklist.builder().name(" "))
        .hasMessage("name must not be blank, but was ' '");
    assertThatThrownBy(() -> Blocklist.builder().word(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("word");
    List<String> words = new ArrayList<>();
    words.add("ok");
    words.add(null);
    assertThatThrownBy(() -> Blocklist.builder().words(words)).hasMessage("words[1]");
    assertThatThrownBy(() -> Heuristics.blocklist(null)).hasMessage("blocklist");
  }

  @Test
  void blocklist_emptyFailsAtBuild() {
    assertThatThrownBy(Blocklist.builder()::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("add a word, phrase or regex before build()");
  }

  @Test
  void placeholder_regexes() {
    assertThatThrownBy(() -> Heuristics.placeholder(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("regexes must not be empty, but was []");
    assertThatThrownBy(() -> Heuristics.placeholder(List.of("\\{\\w+\\}", "(")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("placeholder regex '(' does not compile");
    assertThatThrownBy(() -> Heuristics.placeholder(List.of("")))
        .hasMessage("placeholder regex must not be empty, but was ''");
    assertThatThrownBy(() -> Heuristics.placeholder(null)).hasMessage("regexes");
  }

  @Test
  void sourcePreference_amounts() {
    assertThatThrownBy(() -> Heuristics.sourcePreference(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("adjustments must not be empty, but was {}");
    assertThatThrownBy(() -> Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, Double.NaN)))
        .hasMessage("adjustment for source 'retrieval' must be finite, but was NaN");
    assertThatThrownBy(() -> Heuristics.sourcePreference(Map.of(Source.GENERATIVE, 1e300)))
        .hasMessage("adjustment for source 'generative' must be finite, but was 1.0E300");
    Map<Source, Double> withNull = new HashMap<>();
    withNull.put(Source.RETRIEVAL, null);
    assertThatThrownBy(() -> Heuristics.sourcePreference(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("adjustment for source 'retrieval' is null");
    Map<Source, Double> nullKey = new HashMap<>();
    nullKey.put(null, 1.0);
    assertThatThrownBy(() -> Heuristics.sourcePreference(nullKey))
        .hasMessage("adjustments has a null source");
  }

  @Test
  void diversity_options() {
    assertThatThrownBy(() -> Heuristics.diversity(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("topK must be positive, but was 0");
    assertThatThrownBy(() -> Heuristics.diversity(3, 0, 1))
        .hasMessage("temperature must be positive and finite, but was 0.0");
    assertThatThrownBy(() -> Heuristics.diversity(3, Double.POSITIVE_INFINITY, 1))
        .hasMessage("temperature must be positive and finite, but was Infinity");
    assertThatThrownBy(() -> DiversityConfig.builder().random(null)).hasMessage("random");
    assertThatThrownBy(() -> Heuristics.diversity(null)).hasMessage("config");
    assertThat(DiversityConfig.builder().topK(5).seed(9).build()).hasToString("{topK=5, seed=9}");
  }

  @Test
  void repeatedQuestion_options() {
    assertThatThrownBy(() -> RepeatedQuestionConfig.builder().penalty(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("penalty must be positive and finite, but was 0.0");
    assertThatThrownBy(() -> RepeatedQuestionConfig.builder().penalty(-1))
        .hasMessage("penalty must be positive and finite, but was -1.0");
    assertThatThrownBy(() -> RepeatedQuestionConfig.builder().penalty(Float.NaN))
        .hasMessage("penalty must be positive and finite, but was NaN");
    assertThatThrownBy(() -> RepeatedQuestionConfig.builder().window(0))
        .hasMessage("window must be positive, but was 0");
    assertThatThrownBy(() -> RepeatedQuestionConfig.builder().similarity(null))
        .hasMessage("similarity");
    assertThatThrownBy(() -> Heuristics.repeatedQuestion(null)).hasMessage("config");
    assertThat(RepeatedQuestionConfig.builder().window(4).penalty(1.5f).build())
        .hasToString("{window=4, penalty=1.5}");
  }

  @Test
  void chain_nulls() {
    assertThatThrownBy(() -> Heuristics.chain((Heuristic[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("heuristics");
    assertThatThrownBy(() -> Heuristics.chain(Heuristics.blank(), null))
        .hasMessage("heuristics[1] is null");
  }
}
