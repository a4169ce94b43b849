package dev.reranker.spring.boot;

import dev.reranker.heuristics.Blocklist;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;

/**
 * Reads {@code reranker.heuristics.blocklist-file}: UTF-8, one entry a line, a word, a phrase
 * (whitespace inside) or {@code regex:} and a regular expression; blank lines and {@code #}
 * comments are skipped. Every problem fails with the property's name, and the line's number where
 * it has one.
 */
final class BlocklistFile {
  static final String PROPERTY = "reranker.heuristics.blocklist-file";
  static final String REGEX_PREFIX = "regex:";

  private BlocklistFile() {}

  static Blocklist read(Resource file) {
    Blocklist.Builder builder = Blocklist.builder();
    int entries = 0;
    int lineNumber = 0;
    // Strict: a file in another encoding fails the start instead of silently never matching.
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(file.getInputStream(), decoder))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        String entry = line.strip();
        if (entry.isEmpty() || entry.startsWith("#")) {
          continue;
        }
        try {
          if (entry.startsWith(REGEX_PREFIX)) {
            builder.regex(entry.substring(REGEX_PREFIX.length()).strip());
          } else if (entry
              .codePoints()
              .anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            builder.phrase(entry);
          } else {
            builder.word(entry);
          }
        } catch (IllegalArgumentException e) {
          throw invalid(file, "line " + lineNumber + ": " + e.getMessage());
        }
        entries++;
      }
    } catch (CharacterCodingException e) {
      throw invalid(file, "is not UTF-8 text");
    } catch (IOException e) {
      throw invalid(file, "cannot be read: " + e);
    }
    if (entries == 0) {
      throw invalid(file, "has no entries");
    }
    return builder.build();
  }

  private static InvalidConfigurationPropertyValueException invalid(Resource file, String reason) {
    return new InvalidConfigurationPropertyValueException(PROPERTY, file.getDescription(), reason);
  }
}
