package dev.reranker.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.Candidate;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.heuristics.Heuristics;
import dev.reranker.model.RerankerModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled model through Spark local mode against the same model called directly. */
class ModelScoringTest {
  /**
   * Batches of different composition pad differently; the native BERT masks the padding, so a
   * pair's probability moves by float rounding only (at most 7e-7 measured).
   */
  private static final double ROUNDING = 1e-5;

  private static final ScoringOptions BUNDLED = ScoringOptions.builder().batchSize(16).build();

  private static SparkSession spark;
  private static Reranker direct;
  private static List<TestLogs.Example> examples;

  @BeforeAll
  static void start() {
    spark = LocalSpark.session();
    direct = Reranker.builder().model(RerankerModel.bundled()).batchSize(16).build();
    examples = TestLogs.generate(30, 11);
  }

  @AfterAll
  static void stop() {
    direct.close();
  }

  @Test
  void scoringEqualsRankOnTheSameRows() {
    List<Row> out =
        RerankerSpark.score(TestLogs.frame(spark, examples, 3), BUNDLED).collectAsList();
    assertMatchesRank(out, examples);
  }

  @Test
  void loadsTheModelOncePerExecutorJvm() {
    // Options of this test alone, so the count starts at 0 whatever ran before in this JVM.
    ScoringOptions own =
        ScoringOptions.builder().batchSize(16).maxBatchDelay(Duration.ofMillis(4)).build();
    assertThat(ExecutorRerankers.loads(own)).isZero();

    // Eight tasks on local[2]'s two task threads, all in this JVM: one load.
    Dataset<Row> logs = TestLogs.frame(spark, examples, 8);
    assertThat(RerankerSpark.score(logs, own).where("error IS NULL").count())
        .isEqualTo(examples.size());
    assertThat(ExecutorRerankers.loads(own)).isEqualTo(1);

    // The next job, with options built anew but equal, reuses it.
    ScoringOptions again =
        ScoringOptions.builder().batchSize(16).maxBatchDelay(Duration.ofMillis(4)).build();
    assertThat(RerankerSpark.score(logs, again).count()).isEqualTo(examples.size());
    assertThat(ExecutorRerankers.loads(own)).isEqualTo(1);
  }

  @Test
  void readsJsonLinesAndParquet(@TempDir Path dir) throws IOException {
    List<TestLogs.Example> some = examples.subList(0, 12);
    Path json = TestLogs.writeJsonLines(dir.resolve("reactions.jsonl"), some);
    List<Row> fromJson =
        RerankerSpark.score(spark.read().json(json.toString()), BUNDLED).collectAsList();
    assertMatchesRank(fromJson, some);

    Path parquet = dir.resolve("reactions.parquet");
    TestLogs.frame(spark, some, 1).write().parquet(parquet.toString());
    List<Row> fromParquet =
        RerankerSpark.score(spark.read().parquet(parquet.toString()), BUNDLED).collectAsList();
    assertMatchesRank(fromParquet, some);
  }

  @Test
  void heuristicsGiveTheVerdictsRankGives() {
    ScoringOptions withDefaults =
        ScoringOptions.builder().batchSize(16).heuristics(Heuristics::defaults).build();
    List<TestLogs.Example> echoes = new ArrayList<>(examples.subList(0, 6));
    TestLogs.Example first = examples.get(0);
    // Echoes the user's message: the echo heuristic has something to say.
    echoes.add(
        new TestLogs.Example(
            "echo",
            first.persona(),
            first.context(),
            first.speakers(),
            first.context().get(first.context().size() - 1),
            "downvote"));
    List<Row> out =
        RerankerSpark.score(TestLogs.frame(spark, echoes, 2), withDefaults).collectAsList();
    try (Reranker reranker =
        Reranker.builder()
            .model(RerankerModel.bundled())
            .batchSize(16)
            .heuristics(Heuristics.defaults())
            .build()) {
      int withVerdicts = 0;
      for (int i = 0; i < echoes.size(); i++) {
        TestLogs.Example e = echoes.get(i);
        ScoredCandidate expected =
            reranker.rank(e.dialog(), List.of(Candidate.of(e.response()))).all().get(0);
        List<Row> verdicts = out.get(i).getList(out.get(i).fieldIndex("verdicts"));
        assertThat(verdicts)
            .extracting(v -> v.getString(0) + " " + v.getString(1) + " " + v.getString(2))
            .containsExactlyElementsOf(
                expected.verdicts().stream()
                    .map(v -> v.heuristic() + " " + v.action() + " " + v.reason())
                    .toList());
        withVerdicts += verdicts.isEmpty() ? 0 : 1;
        if (expected.isScored()) {
          assertThat(out.get(i).<Double>getAs("probability"))
              .isCloseTo(expected.probability(), within(ROUNDING));
          assertThat(out.get(i).<Double>getAs("score"))
              .isCloseTo(expected.score(), within(ROUNDING));
        } else {
          assertThat(out.get(i).<Object>getAs("probability")).isNull();
        }
      }
      assertThat(withVerdicts).isPositive();
    }
  }

  private static void assertMatchesRank(List<Row> out, List<TestLogs.Example> expected) {
    assertThat(out).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      TestLogs.Example e = expected.get(i);
      Row row = out.get(i);
      assertThat(row.<String>getAs("response")).isEqualTo(e.response());
      assertThat(row.<Object>getAs("error")).isNull();
      ScoredCandidate want =
          direct.rank(e.dialog(), List.of(Candidate.of(e.response()))).all().get(0);
      assertThat(row.<Double>getAs("probability")).isCloseTo(want.probability(), within(ROUNDING));
      assertThat(row.<Double>getAs("score")).isCloseTo(want.score(), within(ROUNDING));
    }
  }
}
