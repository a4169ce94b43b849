package dev.reranker.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.reranker.heuristics.Blocklist;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * The blocklist file's format: words, phrases, regexes, comments; errors name line and property.
 */
class BlocklistFileTest {
  @Test
  void readsWordsPhrasesAndRegexes_skippingCommentsAndBlankLines() {
    Blocklist list = BlocklistFile.read(new ClassPathResource("test-blocklist.txt"));

    assertThat(list.firstMatch("Well, as an AI language model I cannot.")).isPresent();
    assertThat(list.firstMatch("DARN!")).isPresent();
    assertThat(list.firstMatch("the season 4 finale was great")).isPresent();
    assertThat(list.firstMatch("darning socks")).isEmpty(); // a word matches whole only
    assertThat(list.firstMatch("# The test blocklist")).isEmpty(); // comments are no entries
    assertThat(list.toString()).isEqualTo("blocklist{entries=3}");
  }

  @Test
  void aWordWithANoBreakSpace_isAPhrase() {
    Blocklist list = BlocklistFile.read(text("kill\u00a0switch\n"));

    assertThat(list.firstMatch("a kill-switch")).isPresent();
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        arguments(
            "darn\n\nregex:season (\\d+ finale\n",
            "line 3: blocklist regex 'season (\\d+ finale' does not compile"),
        arguments("darn\n!!!\n", "line 2: blocklist word must contain a letter, digit or symbol"),
        arguments("# nothing yet\n\n", "has no entries"));
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void aBadFile_isRefused_namingThePropertyAndTheLine(String content, String reason) {
    assertRefused(text(content), reason);
  }

  @Test
  void aFileInAnotherEncoding_isRefused() {
    byte[] latin1 = "darn\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1);
    assertRefused(new ByteArrayResource(latin1), "is not UTF-8 text");
  }

  private static void assertRefused(Resource file, String reason) {
    assertThatThrownBy(() -> BlocklistFile.read(file))
        .isInstanceOfSatisfying(
            InvalidConfigurationPropertyValueException.class,
            e -> {
              assertThat(e.getName()).isEqualTo("reranker.heuristics.blocklist-file");
              assertThat(e.getReason()).startsWith(reason);
            });
  }

  private static ByteArrayResource text(String content) {
    return new ByteArrayResource(content.getBytes(StandardCharsets.UTF_8));
  }
}
