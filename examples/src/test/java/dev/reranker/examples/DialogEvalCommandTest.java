package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.training.DialogCorpora;
import dev.reranker.training.DialogSplit;
import dev.reranker.training.SelectionExample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --dialogs} end to end through {@link Main}, on tiny corpora the test writes, with the
 * lexical baselines (no model to load); and its usage errors.
 */
class DialogEvalCommandTest {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @TempDir Path tmp;
  private Captured captured = Captured.withoutModel();

  private int run(String... args) {
    captured = Captured.withoutModel();
    return captured.run(args);
  }

  @BeforeEach
  void writeCorpora() throws IOException {
    PersonaChatFixture.write(tmp, 40);
    Path ddpp = Files.createDirectories(tmp.resolve("dailydialog-plusplus"));
    Files.writeString(
        ddpp.resolve("dev.json"),
        "{\"id\": 0, \"context\": [\"do you want some tea?\"], \"positive_responses\": [\"yes, tea"
            + " please\"], \"random_negative_responses\": [\"the bus is late\"],"
            + " \"adversarial_negative_responses\": [\"tea is grown in india\"]}\n",
        StandardCharsets.UTF_8);
  }

  @Test
  void trainingOnTheCorporaFolderLeavesOutWhatEvalHoldsOut() {
    // train --dialogs DIR must never see the Synthetic-Persona-Chat dialogs eval --dialogs tests
    // on.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    List<SelectionExample> training =
        SelectionData.corporaTrainingSide(tmp, new java.io.PrintStream(bytes, true));
    List<SelectionExample> persona =
        DialogCorpora.syntheticPersonaChat(tmp.resolve("synthetic-persona-chat/valid.csv"));
    DialogSplit eval =
        DialogSplit.of(persona, 0, DialogEval.DEFAULT_TEST_FRACTION, DialogEval.DEFAULT_SEED);
    assertThat(eval.test()).isNotEmpty();
    java.util.Set<String> heldOut = new java.util.HashSet<>();
    eval.test().forEach(e -> heldOut.add(e.dialogId()));
    assertThat(training).hasSize(eval.train().size()); // no DD++ positives, no Topical-Chat here
    assertThat(training).noneMatch(e -> heldOut.contains(e.dialogId()));
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains(eval.test().size() + " Synthetic-Persona-Chat examples held out");
  }

  @Test
  void printsTheTableForABaseline() {
    int status =
        run(
            "eval",
            "--dialogs",
            tmp.toString(),
            "--model",
            "tfidf",
            "--candidates",
            "5",
            "--test-fraction",
            "0.5");

    assertThat(status).as(captured.err()).isEqualTo(OK);
    assertThat(captured.out())
        .contains("model:       tfidf (IDF from")
        .contains("hits@1/5")
        .containsPattern("synthetic-persona-chat, 50% held out +\\d+ +[01]\\.\\d{4} +[01]\\.\\d{4}")
        .containsPattern("dailydialog\\+\\+ dev, random negatives \\(1 contexts\\) +1 .* 1\\.0000")
        .contains("dailydialog++ dev, adversarial negatives (1 contexts)");
    assertThat(captured.err()).isEmpty();
  }

  @Test
  void sameSeed_sameNumbers() {
    String[] args = {
      "eval", "--dialogs", tmp.toString(), "--model", "bm25", "--candidates", "4", "--seed", "3"
    };
    assertThat(run(args)).isEqualTo(OK);
    String first = captured.out().replaceAll("time: .*", "");
    assertThat(run(args)).isEqualTo(OK);
    assertThat(captured.out().replaceAll("time: .*", "")).isEqualTo(first);
  }

  @Test
  void badArguments_exit2WithOneLine() {
    assertThat(run("eval", "--dialogs", tmp.toString(), "--model", "tfidf", "--max-examples", "0"))
        .isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("eval: --max-examples must be an integer in [1, ");
    assertThat(run("eval", "--dialogs", tmp.toString(), "--model", "tfidf", "--test-fraction", "1"))
        .isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("eval: --test-fraction must be in (0, 1), but was 1.0");
    assertThat(run("eval", "--data", "x.jsonl", "--model", "tfidf")).isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("eval: --model tfidf applies to --dialogs");
    assertThat(run("eval", "--data", "x.jsonl", "--model", "m", "--candidates", "3"))
        .isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("eval: --candidates applies to --dialogs");
    assertThat(run("eval", "--dialogs", tmp.toString())).isEqualTo(USAGE);
    assertThat(captured.err()).startsWith("eval: missing --model");
  }

  @Test
  void missingOrMalformedCorpora_exit1() throws IOException {
    assertThat(run("eval", "--dialogs", tmp.resolve("none").toString(), "--model", "bm25"))
        .isEqualTo(FAILED);
    assertThat(captured.err()).startsWith("error: ").contains("holds neither");
    Path dev = tmp.resolve("dailydialog-plusplus").resolve("dev.json");
    Files.writeString(dev, "{\"id\": 1}\n", StandardCharsets.UTF_8);
    assertThat(run("eval", "--dialogs", tmp.toString(), "--model", "bm25")).isEqualTo(FAILED);
    assertThat(captured.err()).contains(dev + ":line 1: missing 'context'");
    assertThat(captured.err().lines()).hasSize(1);
  }

  @Test
  void helpNamesTheDialogOptions() {
    assertThat(run("eval", "--help")).isEqualTo(OK);
    assertThat(captured.out())
        .contains("eval  --dialogs DIR --model DIR|bundled|minilm|tfidf|bm25")
        .contains("eval  --data FILE --model DIR|bundled|minilm");
  }

  @Test
  void withData_addsTheReactionAuc() throws IOException {
    Path log = tmp.resolve("reactions.tsv");
    Files.writeString(
        log,
        "context\treply\treaction\n"
            + "do you like dogs?\tyes I love dogs\tupvote\n"
            + "do you like dogs?\tthe bus is late\tdownvote\n",
        StandardCharsets.UTF_8);
    int status =
        run(
            "eval",
            "--dialogs",
            tmp.toString(),
            "--model",
            "tfidf",
            "--data",
            log.toString(),
            "--candidates",
            "3",
            "--split",
            "all");

    assertThat(status).as(captured.err()).isEqualTo(OK);
    assertThat(captured.out())
        .contains("data:        " + log)
        .containsPattern("reactions \\(--data, --split\\) +2 .* AUC 1\\.0000");
  }
}
