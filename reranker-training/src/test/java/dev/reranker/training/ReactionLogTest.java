package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading reaction logs (JSONL, TSV), rejecting bad lines by number, and splitting by dialog. */
class ReactionLogTest {
  @TempDir Path tmp;

  private Path write(String name, String... lines) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsConvaiShapedJsonl() throws IOException {
    Path file =
        write(
            "log.jsonl",
            "{\"dialog_id\": \"a\", \"persona\": [\"i love hiking.\"], \"context\": [\"Hi!\", \"Hello\","
                + " \"How are you?\"], \"speakers\": [\"human\", \"bot\", \"human\"], \"response\":"
                + " \"Great, thanks!\", \"reaction\": \"upvote\", \"bot_id\": \"Bot 002\"}",
            "",
            "{\"dialog_id\": 7, \"context\": [], \"response\": \"Hi there\", \"reaction\": \"Downvote\"}",
            "{\"dialog_id\": \"b\", \"context\": [\"one\", \"two\"], \"response\": \"x\","
                + " \"reaction\": \"love\"}");
    ReactionLog log = ReactionLog.read(file);
    assertThat(log.size()).isEqualTo(3);
    ReactionRecord first = log.records().get(0);
    assertThat(first.dialogId()).isEqualTo("a");
    assertThat(first.dialog().botPersona()).containsExactly("i love hiking.");
    assertThat(first.dialog().turns())
        .containsExactly(Turn.user("Hi!"), Turn.bot("Hello"), Turn.user("How are you?"));
    assertThat(first.reply()).isEqualTo("Great, thanks!");
    assertThat(first.reaction()).isEqualTo(Reaction.UPVOTE);
    assertThat(first.source()).isEqualTo("log.jsonl:1");
    assertThat(log.records().get(1).dialogId()).isEqualTo("7");
    assertThat(log.records().get(1).dialog().turns()).isEmpty();
    assertThat(log.records().get(1).reaction()).isEqualTo(Reaction.DOWNVOTE);
    assertThat(log.records().get(1).source()).isEqualTo("log.jsonl:3");
    // without speakers the turns alternate, the newest being the user's
    assertThat(log.records().get(2).dialog().turns())
        .containsExactly(Turn.bot("one"), Turn.user("two"));
    assertThat(log.counts()).containsEntry(Reaction.LOVE, 1).containsEntry(Reaction.NONE, 0);
  }

  @Test
  void readsTsvWithAHeader() throws IOException {
    Path file =
        write(
            "log.tsv",
            "context\treply\treaction",
            "how was the exam?\tyou will do great\tupvote",
            "\thello\t0",
            "how was the exam?\tI like trains\tmeaningless");
    ReactionLog log = ReactionLog.read(file);
    assertThat(log.size()).isEqualTo(3);
    assertThat(log.records().get(0).dialog().turns())
        .containsExactly(Turn.user("how was the exam?"));
    assertThat(log.records().get(1).dialog().turns()).isEmpty();
    assertThat(log.records().get(1).reaction()).isEqualTo(Reaction.DOWNVOTE);
    assertThat(log.records().get(2).reaction()).isEqualTo(Reaction.MEANINGLESS);
    assertThat(log.records().get(0).dialogId()).isEqualTo(log.records().get(2).dialogId());
  }

  @Test
  void rejectsInvalidJsonWithItsLineNumber() throws IOException {
    Path file =
        write(
            "bad.jsonl",
            "{\"dialog_id\": \"a\", \"response\": \"ok\", \"reaction\": \"upvote\"}",
            "",
            "{\"dialog_id\": \"a\", \"response\": \"ok\", ");
    assertThatThrownBy(() -> ReactionLog.read(file))
        .isInstanceOfSatisfying(
            MalformedReactionLogException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.file()).isEqualTo(file.toString());
              assertThat(e.problem()).startsWith("not valid JSON");
            })
        .hasMessageStartingWith(file + ":3: not valid JSON");
  }

  @Test
  void rejectsAMissingResponse() throws IOException {
    Path file =
        write(
            "bad.jsonl",
            "{\"dialog_id\": \"a\", \"response\": \"ok\", \"reaction\": \"upvote\"}",
            "{\"dialog_id\": \"a\", \"reaction\": \"upvote\"}");
    assertThatThrownBy(() -> ReactionLog.read(file))
        .isInstanceOf(MalformedReactionLogException.class)
        .hasMessage(file + ":2: missing 'response'");
  }

  @Test
  void rejectsAnUnknownReaction() throws IOException {
    Path file =
        write("bad.jsonl", "{\"dialog_id\": \"a\", \"response\": \"ok\", \"reaction\": \"meh\"}");
    assertThatThrownBy(() -> ReactionLog.read(file))
        .isInstanceOf(MalformedReactionLogException.class)
        .hasMessageStartingWith(file + ":1: unknown reaction 'meh', expected one of upvote");
  }

  @Test
  void rejectsSpeakersThatDoNotMatchTheContext() throws IOException {
    Path file =
        write(
            "bad.jsonl",
            "{\"dialog_id\": \"a\", \"context\": [\"hi\", \"yo\"], \"speakers\": [\"human\"], "
                + "\"response\": \"ok\", \"reaction\": \"upvote\"}",
            "{\"dialog_id\": \"a\", \"context\": [\"hi\"], \"speakers\": [\"alien\"], "
                + "\"response\": \"ok\", \"reaction\": \"upvote\"}");
    assertThatThrownBy(() -> ReactionLog.read(file))
        .hasMessage(file + ":1: 'speakers' has 1 entries but 'context' has 2");
    Path second =
        write(
            "bad2.jsonl",
            "{\"dialog_id\": \"a\", \"context\": [\"hi\"], \"speakers\": [\"alien\"], "
                + "\"response\": \"ok\", \"reaction\": \"upvote\"}");
    assertThatThrownBy(() -> ReactionLog.read(second))
        .hasMessage(second + ":1: speakers[0] is 'alien', expected 'human', 'user' or 'bot'");
  }

  @Test
  void rejectsATsvLineWithTheWrongFieldCount() throws IOException {
    Path file = write("bad.tsv", "a\tb\tupvote", "a\tb\tc\tupvote");
    assertThatThrownBy(() -> ReactionLog.read(file))
        .isInstanceOfSatisfying(
            MalformedReactionLogException.class, e -> assertThat(e.line()).isEqualTo(2))
        .hasMessage(
            file
                + ":2: expected 3 tab-separated fields (context, reply, reaction), but "
                + "found 4");
  }

  @Test
  void picksTheFormatFromTheExtension() {
    assertThat(ReactionLogFormat.of(Path.of("x.jsonl"))).isEqualTo(ReactionLogFormat.JSONL);
    assertThat(ReactionLogFormat.of(Path.of("x.TSV"))).isEqualTo(ReactionLogFormat.TSV);
    assertThatThrownBy(() -> ReactionLogFormat.of(Path.of("x.csv")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected .jsonl or .tsv");
  }

  @Test
  void parsesReactions() {
    assertThat(Reaction.parse(" UpVote ")).isEqualTo(Reaction.UPVOTE);
    assertThat(Reaction.parse("1")).isEqualTo(Reaction.UPVOTE);
    assertThat(Reaction.parse("0")).isEqualTo(Reaction.DOWNVOTE);
    assertThat(Reaction.FUNNY.polarity()).contains(true);
    assertThat(Reaction.OFFENSIVE.polarity()).contains(false);
    assertThat(Reaction.NONE.polarity()).isEmpty();
  }

  @Test
  void splitNeverPutsADialogOnBothSides() {
    ReactionLog log = ReactionLog.of(SyntheticReactions.generate(300, 0, 1));
    for (long seed = 0; seed < 5; seed++) {
      DatasetSplit split = log.split(0.25, seed);
      Set<String> trainIds = new HashSet<>();
      split.train().forEach(r -> trainIds.add(r.dialogId()));
      split.validation().forEach(r -> assertThat(trainIds).doesNotContain(r.dialogId()));
      assertThat(split.train().size() + split.validation().size()).isEqualTo(600);
      assertThat(split.validation().size()).isBetween(150, 152);
    }
  }

  @Test
  void splitIsDeterministicForASeedWhateverTheLineOrder() {
    List<ReactionRecord> records = SyntheticReactions.generate(200, 0, 1);
    List<ReactionRecord> reversed = new java.util.ArrayList<>(records);
    java.util.Collections.reverse(reversed);
    DatasetSplit a = ReactionLog.of(records).split(0.2, 42);
    DatasetSplit b = ReactionLog.of(reversed).split(0.2, 42);
    assertThat(new HashSet<>(a.validation())).isEqualTo(new HashSet<>(b.validation()));
    DatasetSplit c = ReactionLog.of(records).split(0.2, 43);
    assertThat(new HashSet<>(c.validation())).isNotEqualTo(new HashSet<>(a.validation()));
  }

  @Test
  void splitKeepsADialogForTraining() {
    List<ReactionRecord> two = SyntheticReactions.generate(2, 0, 1);
    DatasetSplit split = ReactionLog.of(two).split(0.9, 1);
    assertThat(split.train()).hasSize(2);
    assertThat(split.validation()).hasSize(2);
    assertThat(ReactionLog.of(two).split(0, 1).validation()).isEmpty();
    assertThatThrownBy(() -> ReactionLog.of(two).split(1, 1))
        .hasMessage("validationFraction must be in [0, 1), but was 1.0");
  }
}
