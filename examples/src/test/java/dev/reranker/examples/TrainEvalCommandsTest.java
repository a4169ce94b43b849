package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.model.EncoderModel;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.ReactionRecord;
import dev.reranker.training.SyntheticReactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code train} and {@code eval} commands end to end through {@link Main}, and their usage
 * errors: exit 2 with one line on stderr.
 */
class TrainEvalCommandsTest {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @TempDir Path tmp;
  private Captured captured = Captured.withoutModel();

  private int run(String... args) {
    captured = Captured.withoutModel(); // train and eval build their own models
    return captured.run(args);
  }

  private String out() {
    return captured.out();
  }

  private String err() {
    return captured.err();
  }

  private Path tsv() throws IOException {
    List<String> lines = new ArrayList<>(List.of("context\treply\treaction"));
    for (ReactionRecord r : SyntheticReactions.generate(40, 0.05, 2)) {
      lines.add(
          r.dialog().turns().get(r.dialog().turns().size() - 1).text()
              + "\t"
              + r.reply()
              + "\t"
              + r.reaction().label());
    }
    Path file = tmp.resolve("reactions.tsv");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void trainsThenEvaluatesACheckpoint() throws IOException {
    Path init = tmp.resolve("tiny");
    try (EncoderModel tiny =
        RerankerModel.random(
                SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(tmp), 1)
            .load()) {
      tiny.save(init);
    }
    Path data = tsv();
    Path model = tmp.resolve("model");
    int status =
        run(
            "train",
            "--data",
            data.toString(),
            "--init",
            init.toString(),
            "--out",
            model.toString(),
            "--epochs",
            "1",
            "--batch-size",
            "16",
            "--seed",
            "7",
            "--calibration",
            "temperature");
    assertThat(status).as(err()).isEqualTo(OK);
    assertThat(out())
        .contains("data:        " + data + ": 80 records from ")
        .contains("best epoch:  1 of 1")
        .contains("calibration: scale")
        .contains("bias 0.0000");
    assertThat(err()).contains("epoch 1/1 step");

    status =
        run(
            "eval",
            "--data",
            data.toString(),
            "--model",
            model.toString(),
            "--split",
            "val",
            "--seed",
            "7");
    assertThat(status).as(err()).isEqualTo(OK);
    assertThat(out())
        .contains("saved calibration: scale")
        .containsPattern("split:       val, \\d+ records")
        .contains("AUC:")
        .contains("accuracy:")
        .contains("log loss:")
        .contains("ECE:         ")
        .contains("(15 equal-width bins)")
        .containsPattern("hits@1/\\d\\.\\d:")
        .contains("MRR:");
  }

  @Test
  void usageErrorsExitWithTwoAndOneLine() {
    assertThat(run()).isEqualTo(USAGE);
    assertThat(err()).startsWith("missing command");
    assertThat(run("fit")).isEqualTo(USAGE);
    assertThat(err()).contains("unknown command 'fit'");
    assertThat(run("train", "--out", "x")).isEqualTo(USAGE);
    assertThat(err()).startsWith("train: missing --data");
    assertThat(run("eval", "--data", "x.jsonl")).isEqualTo(USAGE);
    assertThat(err()).startsWith("eval: missing --model");
    assertThat(run("eval", "--data", "x.jsonl", "--model", "m", "--epochs", "3")).isEqualTo(USAGE);
    assertThat(err()).startsWith("eval: unknown option '--epochs'");
    assertThat(run("train", "--data", "x.jsonl", "--out")).isEqualTo(USAGE);
    assertThat(err()).startsWith("train: option --out needs a value");
    assertThat(run("train", "--data", "x.jsonl", "--out", "m", "--epochs", "two")).isEqualTo(USAGE);
    assertThat(err()).startsWith("train: --epochs must be an integer, but was 'two'");
    assertThat(run("train", "--data", "x.jsonl", "--out", "m", "--calibration", "isotonic"))
        .isEqualTo(USAGE);
    assertThat(err())
        .startsWith(
            "train: --calibration must be one of none, temperature, platt, but was 'isotonic'");
    assertThat(err().lines()).hasSize(1);
    assertThat(out()).isEmpty();
  }

  @Test
  void helpPrintsTheUsageOfBothCommands() {
    assertThat(run("train", "--help")).isEqualTo(OK);
    assertThat(out())
        .startsWith("usage: java -jar reranker-examples.jar")
        .contains("train --data FILE --out DIR")
        .contains("--mixed-precision")
        .contains("eval  --data FILE --model DIR|bundled");
    assertThat(err()).isEmpty();
    assertThat(run("eval", "-h")).isEqualTo(OK);
    assertThat(out()).contains("[--split val|train|all]");
  }

  @Test
  void mixedPrecisionIsPassedToTheTrainer() throws IOException {
    // The baseline has no float16 path: the trainer's own check answers, so the flag arrived.
    int status =
        run(
            "train",
            "--data",
            tsv().toString(),
            "--init",
            "baseline",
            "--out",
            tmp.resolve("m").toString(),
            "--epochs",
            "1",
            "--mixed-precision");
    assertThat(status).isEqualTo(FAILED);
    assertThat(err())
        .contains(
            "error: mixedPrecision(true) applies to the native BERT; the QA-LSTM"
                + " baseline trains in float32");
  }

  @Test
  void malformedDataFailsWithFileAndLine() throws IOException {
    Path data = tmp.resolve("bad.jsonl");
    Files.writeString(data, "{\"dialog_id\": \"a\", \"response\": \"x\", \"reaction\": \"up\"}\n");
    assertThat(run("eval", "--data", data.toString(), "--model", "bundled")).isEqualTo(FAILED);
    assertThat(err()).contains("error: " + data + ":1: unknown reaction 'up'");
    assertThat(run("eval", "--data", tmp.resolve("x.csv").toString(), "--model", "bundled"))
        .isEqualTo(USAGE);
    assertThat(err()).contains("pass --format jsonl|tsv");
  }
}
