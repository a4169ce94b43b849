package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.SyntheticReactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --dialogs}: response selection from a JSONL file, and its usage errors. */
class TrainSelectionCommandTest {
  static final int OK = 0;
  static final int USAGE = 2;

  @TempDir Path tmp;
  private Captured captured = Captured.withoutModel();

  private int run(String... args) {
    captured = Captured.withoutModel();
    return captured.run(args);
  }

  private Path dialogs(int count) throws IOException {
    String[] topics = {"pizza cheese", "guitar piano", "football tennis", "beach hotel"};
    List<String> lines = new ArrayList<>();
    for (int d = 0; d < count; d++) {
      JsonObject o = new JsonObject();
      o.addProperty("dialog_id", "d" + d);
      JsonArray context = new JsonArray();
      context.add("do you like " + topics[d % 4].split(" ")[0]);
      o.add("context", context);
      o.addProperty("reply", "yes " + topics[d % 4] + " " + d);
      JsonArray negatives = new JsonArray();
      negatives.add("i sell cars " + d);
      o.add("negatives", negatives);
      lines.add(o.toString());
    }
    Path file = tmp.resolve("dialogs.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void trainsResponseSelectionFromJsonl() throws IOException {
    Path init = tmp.resolve("tiny");
    try (EncoderModel tiny =
        RerankerModel.random(
                SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(tmp), 1)
            .load()) {
      tiny.save(init);
    }
    int status =
        run(
            "train",
            "--dialogs",
            dialogs(40).toString(),
            "--init",
            init.toString(),
            "--out",
            tmp.resolve("model").toString(),
            "--epochs",
            "1",
            "--batch-size",
            "8",
            "--loss",
            "pointwise",
            "--negatives",
            "3",
            "--hard-negatives",
            "0.5",
            "--validation-candidates",
            "4",
            "--max-seq-len",
            "32");
    assertThat(status).as(captured.err()).isEqualTo(OK);
    assertThat(captured.out())
        .contains("examples from 40 dialogs; split by dialog (seed 42, fraction 0.20): 32 train")
        .contains("hits@1/4.0")
        .contains("best epoch:  1 of 1");
    assertThat(captured.err()).contains("32 train groups of 1+3 pairs (pointwise loss, 50%");
  }

  @Test
  void badSelectionOptionsExitWithTwoAndOneLine() {
    String[][] cases = {
      {"--dialogs", "d.jsonl", "--data", "r.jsonl"},
      {"--dialogs", "d.jsonl", "--format", "tsv"},
      {"--data", "r.jsonl", "--loss", "listwise"},
      {"--dialogs", "d.jsonl", "--loss", "best"},
      {"--dialogs", "d.jsonl", "--negatives", "0"},
      {"--dialogs", "d.jsonl", "--negatives", "many"},
      {"--dialogs", "d.jsonl", "--hard-negatives", "1.5"},
      {"--dialogs", "d.jsonl", "--validation-candidates", "1"},
      {"--dialogs", "d.jsonl", "--val-fraction", "0"},
      {"--data", "r.jsonl", "--anchor-weight", "0.5"},
    };
    String[] messages = {
      "train: give --data (reactions) or --dialogs (response selection), not both (see --help)",
      "train: --format applies to --data; --dialogs is JSONL or a corpora folder (see --help)",
      "train: --loss applies to --dialogs (response selection) (see --help)",
      "train: --loss must be one of listwise, pointwise, but was 'best' (see --help)",
      "train: --negatives must be an integer in [1, 255], but was '0' (see --help)",
      "train: --negatives must be an integer in [1, 255], but was 'many' (see --help)",
      "train: --hard-negatives must be a number in [0, 1], but was '1.5' (see --help)",
      "train: --validation-candidates must be an integer in [2, 1000], but was '1' (see --help)",
      "train: --val-fraction must be in (0, 1) with --dialogs, but was 0.0 (see --help)",
      "train: --anchor-weight applies with --anchor-dialogs (see --help)",
    };
    for (int i = 0; i < cases.length; i++) {
      List<String> args = new ArrayList<>(List.of("train", "--out", "m"));
      args.addAll(List.of(cases[i]));
      assertThat(run(args.toArray(new String[0]))).as(String.join(" ", args)).isEqualTo(USAGE);
      assertThat(captured.err().strip()).isEqualTo(messages[i]);
      assertThat(captured.out()).isEmpty();
    }
    assertThat(run("train", "--help")).isEqualTo(OK);
    assertThat(captured.out())
        .contains("--dialogs FILE")
        .contains("--hard-negatives F")
        .contains("--anchor-weight W");
  }
}
