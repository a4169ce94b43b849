package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL format of selection examples: fields, defaults and bad lines. */
class SelectionJsonlTest {
  @TempDir Path tmp;

  @Test
  void read_parsesEveryFieldAndSkipsBlankLines() throws IOException {
    Path file = tmp.resolve("dialogs.jsonl");
    Files.write(
        file,
        List.of(
            "{\"dialog_id\": \"d1\", \"persona\": [\"i have two dogs\"], \"context\": [\"hi!\","
                + " \"any pets?\"], \"speakers\": [\"bot\", \"user\"], \"reply\": \"two dogs\","
                + " \"negatives\": [\"i work in a bank\"], \"source\": \"mine\"}",
            "",
            "{\"dialog_id\": \"d2\", \"context\": [\"a\", \"b\", \"c\"], \"reply\": \"d\"}"),
        StandardCharsets.UTF_8);
    List<SelectionExample> examples = SelectionJsonl.read(file);
    assertThat(examples).hasSize(2);
    SelectionExample first = examples.get(0);
    assertThat(first.dialogId()).isEqualTo("d1");
    assertThat(first.dialog().botPersona()).containsExactly("i have two dogs");
    assertThat(first.dialog().turns()).containsExactly(Turn.bot("hi!"), Turn.user("any pets?"));
    assertThat(first.reply()).isEqualTo("two dogs");
    assertThat(first.negatives()).containsExactly("i work in a bank");
    assertThat(first.source()).isEqualTo("mine");
    SelectionExample second = examples.get(1);
    // alternating, the last turn the user's
    assertThat(second.dialog().turns())
        .containsExactly(Turn.user("a"), Turn.bot("b"), Turn.user("c"));
    assertThat(second.negatives()).isEmpty();
    assertThat(second.source()).isEqualTo("dialogs.jsonl");
  }

  @Test
  void read_namesTheFileAndLineOfABadLine() throws IOException {
    Path file = tmp.resolve("bad.jsonl");
    Files.write(
        file,
        List.of("{\"dialog_id\": \"d1\", \"context\": [\"hi\"], \"reply\": \"yo\"}", "{\"x\": 1}"),
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> SelectionJsonl.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ":2: missing 'dialog_id'");
  }

  @Test
  void parse_rejectsBadFields() {
    assertThatThrownBy(() -> SelectionJsonl.parse("[1]", "s")).hasMessage("expected a JSON object");
    assertThatThrownBy(() -> SelectionJsonl.parse("{\"dialog_id\": \"d\", \"reply\": \"r\"}", "s"))
        .hasMessage("missing 'context'");
    assertThatThrownBy(
            () ->
                SelectionJsonl.parse(
                    "{\"dialog_id\": \"d\", \"context\": [], \"reply\": \"r\"}", "s"))
        .hasMessage("'context' needs at least one turn");
    assertThatThrownBy(
            () ->
                SelectionJsonl.parse(
                    "{\"dialog_id\": \"d\", \"context\": [\"a\"], \"reply\": \" \"}", "s"))
        .hasMessage("'reply' is blank");
    assertThatThrownBy(
            () ->
                SelectionJsonl.parse(
                    "{\"dialog_id\": \"d\", \"context\": [\"a\"], \"speakers\": [\"me\"],"
                        + " \"reply\": \"r\"}",
                    "s"))
        .hasMessage("'speakers' entries must be user or bot, but one was 'me'");
    assertThatThrownBy(
            () ->
                SelectionJsonl.parse(
                    "{\"dialog_id\": \"d\", \"context\": [\"a\"], \"speakers\": [],"
                        + " \"reply\": \"r\"}",
                    "s"))
        .hasMessage("'speakers' has 0 entries for 1 context turns");
    assertThatThrownBy(
            () ->
                SelectionJsonl.parse(
                    "{\"dialog_id\": \"d\", \"context\": [\"a\"], \"reply\": \"r\","
                        + " \"negatives\": [1]}",
                    "s"))
        .hasMessage("'negatives' must be an array of strings");
  }
}
