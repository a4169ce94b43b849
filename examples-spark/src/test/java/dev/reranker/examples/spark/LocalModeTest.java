package dev.reranker.examples.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example: one local-mode run on a small made-up log (its arguments: MainTest). */
class LocalModeTest {
  @Test
  void scoresAndEvaluatesALogInLocalMode(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    String[][] replies = {
      {"Good luck, you prepared well!", "upvote"},
      {"I like trains.", "downvote"},
      {"What is the exam about?", "upvote"},
      {"", "downvote"} // an empty reply: an error row, not a failed job
    };
    for (int d = 0; d < 3; d++) {
      for (String[] reply : replies) {
        lines.add(
            "{\"dialog_id\": \"d"
                + d
                + "\", \"persona\": [\"i like exams.\"], \"context\": [\"Hi!\", \"Hello, how"
                + " are you?\", \"I have an exam tomorrow "
                + d
                + "\"], \"speakers\": [\"human\", \"bot\", \"human\"], \"response\": \""
                + reply[0]
                + "\", \"reaction\": \""
                + reply[1]
                + "\"}");
      }
    }
    Path log = Files.write(dir.resolve("log.jsonl"), lines);
    Path scored = dir.resolve("scored");

    Captured run =
        Captured.run(
            "--data",
            log.toString(),
            "--master",
            "local[2]",
            "--partitions",
            "2",
            "--out",
            scored.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("data:        " + log + " (json, 2 partitions)")
        .contains("spark:       local[2], Spark 4.")
        .containsPattern(
            "scored:      12 rows in [0-9.]+ s \\([0-9]+ pairs/s, model load included\\), 3 errors")
        .contains("  error:     response is empty")
        .containsPattern("evaluation:  AUC [01]\\.[0-9]{4} .*\\(n=9, 66\\.7% upvotes\\)")
        .contains("hits@1/3.0 ")
        .contains("(3 groups)")
        .contains("3 unscored rows left out");
    try (var files = Files.list(scored)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".parquet"));
    }
  }
}
