package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DialogCorporaTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private static final String SPC_HEADER =
      "user 1 personas,user 2 personas,Best Generated Conversation\n";

  @Test
  void syntheticPersonaChat_everyTurnAfterTheFirstIsAnExample_speakersRelativeToTheReplier()
      throws IOException {
    Path csv =
        write(
            "valid.csv",
            SPC_HEADER
                + "\"I bake.\nI knit.\",\"I am a boy.\",\"User 1: Hi!\nUser 2: Hello, \"\"friend\"\"!\n"
                + "\nUser 1: What do you do?\nUser 2: I study.\nIngredients: none\"\n"
                + "\"A.\",\"B.\",\"User 1: one\nUser 2: two\"\n");
    List<SelectionExample> examples = DialogCorpora.syntheticPersonaChat(csv);

    assertThat(examples).hasSize(4);
    SelectionExample first = examples.get(0);
    assertThat(first.reply()).isEqualTo("Hello, \"friend\"!");
    assertThat(first.dialog().turns()).containsExactly(Turn.user("Hi!"));
    assertThat(first.dialog().botPersona()).containsExactly("I am a boy.");
    assertThat(first.source()).isEqualTo(DialogCorpora.SYNTHETIC_PERSONA_CHAT);
    SelectionExample second = examples.get(1);
    assertThat(second.reply()).isEqualTo("What do you do?");
    assertThat(second.dialog().botPersona()).containsExactly("I bake.", "I knit.");
    assertThat(second.dialog().turns())
        .containsExactly(Turn.bot("Hi!"), Turn.user("Hello, \"friend\"!"));
    assertThat(examples.get(2).reply()).isEqualTo("I study.\nIngredients: none");
    assertThat(examples.get(2).dialog().lastTurn()).contains(Turn.user("What do you do?"));
    assertThat(examples.get(0).dialogId()).isEqualTo(examples.get(2).dialogId());
    assertThat(examples.get(3).dialogId()).isNotEqualTo(examples.get(0).dialogId());
    assertThat(examples).allSatisfy(e -> assertThat(e.negatives()).isEmpty());
  }

  @Test
  void syntheticPersonaChat_malformedRecord_namesFileAndRecord() throws IOException {
    Path csv =
        write("bad.csv", SPC_HEADER + "\"A.\",\"B.\",\"User 1: a\nUser 2: b\"\n\"A.\",\"B.\"\n");
    assertThatThrownBy(() -> DialogCorpora.syntheticPersonaChat(csv))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("bad.csv")
        .hasMessageContaining("record 2 (line 4)")
        .hasMessageContaining("expected 3 fields, but was 2");
  }

  @Test
  void syntheticPersonaChat_wrongHeaderOrUnclosedQuote_fails() throws IOException {
    Path header = write("h.csv", "a,b,c\n");
    assertThatThrownBy(() -> DialogCorpora.syntheticPersonaChat(header))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("line 1");
    Path open = write("o.csv", SPC_HEADER + "\"A.\",\"B.\",\"User 1: a\nUser 2: b\n");
    assertThatThrownBy(() -> DialogCorpora.syntheticPersonaChat(open))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("never ends");
  }

  @Test
  void syntheticPersonaChat_unlabelledLinesAlternate_tooShortConversationsGiveNothing()
      throws IOException {
    Path csv =
        write(
            "t.csv",
            SPC_HEADER
                + "\"A.\",\"B.\",\"User 1: alone\"\n"
                + "\"A.\",\"B.\",\"\"\n"
                + "\"A.\",\"B.\",\"hi there\n\nhello\"\n");
    List<SelectionExample> examples = DialogCorpora.syntheticPersonaChat(csv);
    assertThat(examples).hasSize(1);
    assertThat(examples.get(0).reply()).isEqualTo("hello");
    assertThat(examples.get(0).dialog().botPersona()).containsExactly("B.");
    assertThat(examples.get(0).dialog().turns()).containsExactly(Turn.user("hi there"));
  }

  @Test
  void topicalChat_keepsRatings_skipsBlankMessages() throws IOException {
    Path json =
        write(
            "valid_freq.json",
            """
            {"t_1": {"content": [
              {"message": "football?", "agent": "agent_1", "turn_rating": "Good"},
              {"message": "yes!", "agent": "agent_2", "turn_rating": "Not Good"},
              {"message": " ", "agent": "agent_1", "turn_rating": ""},
              {"message": "me too", "agent": "agent_1", "turn_rating": ""}
            ]}}
            """);
    List<RatedExample> examples = DialogCorpora.topicalChat(json);

    assertThat(examples).hasSize(2);
    assertThat(examples.get(0).rating()).contains(TurnRating.NOT_GOOD);
    assertThat(examples.get(0).example().dialog().turns()).containsExactly(Turn.user("football?"));
    assertThat(examples.get(1).rating()).isEqualTo(Optional.empty());
    assertThat(examples.get(1).example().dialog().turns())
        .containsExactly(Turn.bot("football?"), Turn.user("yes!"));
    assertThat(examples.get(1).example().source()).isEqualTo(DialogCorpora.TOPICAL_CHAT);
  }

  @Test
  void topicalChat_malformed_namesConversationAndMessage() throws IOException {
    Path noAgent =
        write(
            "x.json",
            "{\"t_9\": {\"content\": [{\"message\": \"hi\", \"turn_rating\": \"Good\"}]}}");
    assertThatThrownBy(() -> DialogCorpora.topicalChat(noAgent))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("x.json:conversation t_9 message 0: missing 'agent'");
    Path badRating =
        write(
            "y.json",
            "{\"t_9\": {\"content\": [{\"message\": \"hi\", \"agent\": \"a\", \"turn_rating\": \"Meh\"}]}}");
    assertThatThrownBy(() -> DialogCorpora.topicalChat(badRating))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("unknown turn_rating 'Meh'");
    Path notJson = write("z.json", "{\"t_9\": ");
    assertThatThrownBy(() -> DialogCorpora.topicalChat(notJson))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("z.json:JSON");
  }

  @Test
  void dailyDialogPositives_oneExamplePerPositive_lastContextTurnIsTheUsers() throws IOException {
    Path file =
        write(
            "data_positives.json",
            "{\"dialog_id\": 0, \"context\": [\"a\", \"b\", \"c\"], \"positive_responses\": [\"p1\", \"p2\"]}\n");
    List<SelectionExample> examples = DialogCorpora.dailyDialogPositives(file);

    assertThat(examples).extracting(SelectionExample::reply).containsExactly("p1", "p2");
    assertThat(examples.get(0).dialog().turns())
        .containsExactly(Turn.user("a"), Turn.bot("b"), Turn.user("c"));
    assertThat(examples.get(0).negatives()).isEmpty();
  }

  @Test
  void dailyDialogDev_randomAndAdversarialNegativesStayApart() throws IOException {
    Path file =
        write(
            "dev.json",
            "{\"id\": 3, \"context\": [\"x\", \"y\"], \"positive_responses\": [\"p1\", \"p2\"],"
                + " \"random_negative_responses\": [\"r1\"],"
                + " \"adversarial_negative_responses\": [\"a1\", \"a2\"]}\n");
    DailyDialogDev dev = DialogCorpora.dailyDialogDev(file);

    assertThat(dev.randomNegatives()).hasSize(2);
    assertThat(dev.adversarialNegatives()).hasSize(2);
    assertThat(dev.randomNegatives())
        .allSatisfy(e -> assertThat(e.negatives()).containsExactly("r1"));
    assertThat(dev.adversarialNegatives())
        .allSatisfy(e -> assertThat(e.negatives()).containsExactly("a1", "a2"));
    assertThat(dev.randomNegatives().get(0).dialog().turns())
        .containsExactly(Turn.bot("x"), Turn.user("y"));
  }

  @Test
  void dailyDialog_malformedLine_namesFileAndLine() throws IOException {
    Path file =
        write(
            "dev.json",
            "{\"id\": 1, \"context\": [\"x\"], \"positive_responses\": [\"p\"],"
                + " \"random_negative_responses\": [], \"adversarial_negative_responses\": []}\n"
                + "{\"id\": 2, \"context\": [\"x\"]}\n");
    assertThatThrownBy(() -> DialogCorpora.dailyDialogDev(file))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("dev.json:line 2: missing 'random_negative_responses'")
        .satisfies(
            e -> assertThat(((MalformedDialogDataException) e).location()).isEqualTo("line 2"));
    Path notJson = write("p.json", "{oops\n");
    assertThatThrownBy(() -> DialogCorpora.dailyDialogPositives(notJson))
        .isInstanceOf(MalformedDialogDataException.class)
        .hasMessageContaining("p.json:line 1: not JSON");
  }
}
