package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.model.EncoderModel;
import dev.reranker.model.RerankerModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code train} and {@code eval} commands end to end, and their usage errors. */
class TrainCliTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return TrainCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path tsv() throws IOException {
    List<String> lines = new ArrayList<>(List.of("context\treply\treaction"));
    for (ReactionRecord r : SyntheticReactions.generate(40, 0.05, 2)) {
      lines.add(r.dialog().turns().get(r.dialog().turns().size() - 1).text() + "\t" + r.reply()
          + "\t" + r.reaction().label());
    }
    Path file = tmp.resolve("reactions.tsv");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void trainsThenEvaluatesACheckpoint() throws IOException {
    Path init = tmp.resolve("tiny");
    try (EncoderModel tiny = RerankerModel.random(SyntheticReactions.tinyBert(),
        SyntheticReactions.tokenizerFile(tmp), 1).load()) {
      tiny.save(init);
    }
    Path data = tsv();
    Path model = tmp.resolve("model");
    int status = run("train", "--data", data.toString(), "--init", init.toString(),
        "--out", model.toString(), "--epochs", "1", "--batch-size", "16", "--seed", "7",
        "--calibration", "temperature");
    assertThat(status).as(err()).isEqualTo(TrainCli.OK);
    assertThat(out()).contains("data:        " + data + ": 80 records from ")
        .contains("best epoch:  1 of 1").contains("calibration: scale").contains("bias 0.0000");
    assertThat(err()).contains("epoch 1/1 step");

    out.reset();
    status = run("eval", "--data", data.toString(), "--model", model.toString(),
        "--split", "val", "--seed", "7");
    assertThat(status).as(err()).isEqualTo(TrainCli.OK);
    assertThat(out()).contains("saved calibration: scale").containsPattern("split:       val, \\d+ records")
        .contains("AUC:").contains("accuracy:").contains("log loss:")
        .contains("ECE:         ").contains("(15 equal-width bins)").containsPattern("hits@1/\\d\\.\\d:")
        .contains("MRR:");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run()).isEqualTo(TrainCli.USAGE);
    assertThat(err()).contains("no command").contains("usage:");
    err.reset();
    assertThat(run("fit")).isEqualTo(TrainCli.USAGE);
    assertThat(err()).contains("unknown command 'fit'");
    err.reset();
    assertThat(run("train", "--out", "x")).isEqualTo(TrainCli.USAGE);
    assertThat(err()).contains("missing --data");
    err.reset();
    assertThat(run("eval", "--data", "x.jsonl", "--model", "m", "--epochs", "3"))
        .isEqualTo(TrainCli.USAGE);
    assertThat(err()).contains("unknown option '--epochs' for eval");
    err.reset();
    assertThat(run("train", "--data", "x.jsonl", "--out")).isEqualTo(TrainCli.USAGE);
    assertThat(err()).contains("--out needs a value");
  }

  @Test
  void mixedPrecisionIsPassedToTheTrainer() throws IOException {
    // The baseline has no float16 path: the trainer's own check answers, so the flag arrived.
    int status = run("train", "--data", tsv().toString(), "--init", "baseline",
        "--out", tmp.resolve("m").toString(), "--epochs", "1", "--mixed-precision");
    assertThat(status).isEqualTo(TrainCli.FAILED);
    assertThat(err()).contains("error: mixedPrecision(true) applies to the native BERT; the QA-LSTM"
        + " baseline trains in float32");
  }

  @Test
  void malformedDataFailsWithFileAndLine() throws IOException {
    Path data = tmp.resolve("bad.jsonl");
    Files.writeString(data, "{\"dialog_id\": \"a\", \"response\": \"x\", \"reaction\": \"up\"}\n");
    assertThat(run("eval", "--data", data.toString(), "--model", "bundled"))
        .isEqualTo(TrainCli.FAILED);
    assertThat(err()).contains("error: " + data + ":1: unknown reaction 'up'");
    err.reset();
    assertThat(run("eval", "--data", tmp.resolve("x.csv").toString(), "--model", "bundled"))
        .isEqualTo(TrainCli.USAGE);
    assertThat(err()).contains("pass --format jsonl|tsv");
  }
}
