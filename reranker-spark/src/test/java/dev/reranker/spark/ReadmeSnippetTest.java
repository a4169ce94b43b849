package dev.reranker.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.heuristics.Heuristics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's "Scoring logs at scale" snippet, compiled and run on a small made-up log. Keep the
 * region and the README's code block word for word the same ({@link #readmeContainsTheSnippet}).
 */
class ReadmeSnippetTest {
  @Test
  void sparkSnippetRuns(@TempDir Path folder) throws Exception {
    List<TestLogs.Example> examples = TestLogs.generate(6, 21);
    TestLogs.writeJsonLines(folder.resolve("part-0.jsonl"), examples);
    SparkSession spark = LocalSpark.session();
    String logsPath = folder.toString();
    // spotless:off (README.md shows this region as written here)
    // @start region="spark"
    Dataset<Row> logs = spark.read().json(logsPath);          // or .parquet(...): any Spark source
    Dataset<Row> scored = RerankerSpark.score(logs, ScoringOptions.builder()
        .model(ScoringOptions.BUNDLED)          // or a checkpoint folder every executor can read
        .batchSize(32)
        .heuristics(Heuristics::defaults)       // optional: adds the verdicts column
        .build());                              // + probability, score, error
    LogEvaluation evaluation = RerankerSpark.evaluate(scored, EvaluationOptions.builder()
        .label(EvaluationOptions.upvoted("reaction"))
        .groupBy(col("dialog_id"), col("persona"), col("context"), col("speakers"))
        .build());
    System.out.println(evaluation.summary());   // AUC, accuracy, log loss, ECE, hits@1, MRR
    // @end
    // spotless:on
    assertThat(evaluation.examples() + evaluation.unscored()).isEqualTo(examples.size());
    assertThat(scored.columns()).endsWith("probability", "score", "verdicts", "error");
  }

  @Test
  void readmeContainsTheSnippet() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String self =
        Files.readString(Path.of("src/test/java/dev/reranker/spark/ReadmeSnippetTest.java"));
    String start = "// @start region=\"spark\"\n";
    int from = self.indexOf(start) + start.length();
    String body = self.substring(from, self.indexOf("    // @end", from));
    StringBuilder unindented = new StringBuilder();
    for (String line : body.split("\n", -1)) {
      unindented.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
    }
    assertThat(readme).contains(unindented.toString().strip());
  }
}
