package dev.reranker.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small Synthetic-Persona-Chat file for command tests: one topic per dialog, three turns. */
final class PersonaChatFixture {
  private PersonaChatFixture() {}

  /**
   * Writes {@code dialogs} conversations (eight topics, numbered so that every dialog differs) to
   * {@code corpora/synthetic-persona-chat/valid.csv}, in the corpus's CSV layout.
   */
  static void write(Path corpora, int dialogs) throws IOException {
    Path spc = Files.createDirectories(corpora.resolve("synthetic-persona-chat"));
    StringBuilder csv =
        new StringBuilder("user 1 personas,user 2 personas,Best Generated Conversation\n");
    String[] topics = {"dogs", "cats", "music", "hiking", "cooking", "chess", "rain", "trains"};
    for (int d = 0; d < dialogs; d++) {
      String t = topics[d % topics.length] + d;
      csv.append("\"I like ")
          .append(t)
          .append(".\",\"I am tall.\",\"User 1: hi, do you like ")
          .append(t)
          .append("?\nUser 2: yes I love ")
          .append(t)
          .append(" a lot\nUser 1: me too, ")
          .append(t)
          .append(" is great\"\n");
    }
    Files.writeString(spc.resolve("valid.csv"), csv, StandardCharsets.UTF_8);
  }
}
