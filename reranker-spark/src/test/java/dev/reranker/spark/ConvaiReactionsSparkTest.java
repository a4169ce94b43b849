package dev.reranker.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reranker.Reranker;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.EvaluationReport;
import dev.reranker.training.ReactionEvaluation;
import dev.reranker.training.ReactionLog;
import dev.reranker.training.ReactionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ConvAI reactions, where the checkout has them beside the repository ({@code
 * ../shared/data/convai-reactions/}; skipped elsewhere): the distributed evaluation equals the
 * training module's metrics on the same probabilities, and its {@link ReactionEvaluation} of the
 * same model on the same records up to rounding. The data is read at run time only; the test copies
 * its first lines to a temporary file, never into the project.
 */
class ConvaiReactionsSparkTest {
  private static final String RELATIVE = "shared/data/convai-reactions/reactions.jsonl";
  private static final int LINES = 160;

  /** The same probabilities, summed in another order. */
  private static final double SUMS = 1e-12;

  /**
   * Other batches move each probability by float rounding (below 1e-6, see ModelScoringTest); a
   * near tie may swap, which moves the AUC by 1 / (upvotes x downvotes), about 1e-4 here.
   */
  private static final double ROUNDING = 1e-3;

  static Path find() {
    for (Path p : new Path[] {Path.of("..", "..", RELATIVE), Path.of("..", RELATIVE)}) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void evaluationEqualsTheTrainingModulesOnTheSameRecords(@TempDir Path dir) throws IOException {
    Path data = find();
    assumeTrue(data != null, "no " + RELATIVE + " beside the repository");
    Path head = dir.resolve("head.jsonl");
    try (var lines = Files.lines(data)) {
      Files.write(head, lines.limit(LINES).toList());
    }

    Dataset<Row> scored =
        RerankerSpark.score(
                LocalSpark.session().read().json(head.toString()),
                ScoringOptions.builder().batchSize(16).build())
            .persist(); // the rows collected below are the rows evaluated
    try {
      LogEvaluation spark =
          RerankerSpark.evaluate(
              scored,
              EvaluationOptions.builder()
                  .label(EvaluationOptions.upvoted("reaction"))
                  .groupBy(col("dialog_id"), col("persona"), col("context"), col("speakers"))
                  .build());

      // The same probabilities through the training module's metrics: equal up to sum order.
      List<ReactionRecord> records = ReactionLog.read(head).records();
      List<Row> rows = scored.collectAsList(); // one small file: one partition, in file order
      double[] probabilities = new double[rows.size()];
      boolean[] labels = new boolean[rows.size()];
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).<String>getAs("response")).isEqualTo(records.get(i).reply());
        probabilities[i] = rows.get(i).<Double>getAs("probability");
        labels[i] = records.get(i).reaction().polarity().orElseThrow();
        keys.add(records.get(i).contextKey());
      }
      EvaluationReport same = EvaluationReport.of(probabilities, labels, keys);
      assertThat(spark.examples()).isEqualTo(same.examples()).isEqualTo(LINES);
      assertThat(spark.positives()).isEqualTo(same.positives());
      assertThat(spark.unscored()).isZero();
      assertThat(spark.auc()).isCloseTo(same.auc(), within(SUMS));
      assertThat(spark.accuracy()).isEqualTo(same.accuracy());
      assertThat(spark.logLoss()).isCloseTo(same.logLoss(), within(SUMS));
      assertThat(spark.ece()).isCloseTo(same.ece(), within(SUMS));
      assertThat(spark.groups()).isEqualTo(same.groups());
      // Boxed: NaN (no context here has two rated replies) equals NaN.
      assertThat(spark.hitsAt1()).isEqualTo(Double.valueOf(same.hitsAt1()));
      assertThat(spark.mrr()).isEqualTo(Double.valueOf(same.mrr()));

      // And the serving path's evaluation of the same model: batches differ, so only rounding.
      EvaluationReport served;
      try (Reranker reranker =
          Reranker.builder().model(RerankerModel.bundled()).batchSize(16).build()) {
        served = ReactionEvaluation.evaluate(reranker, records);
      }
      assertThat(spark.auc()).isCloseTo(served.auc(), within(ROUNDING));
      assertThat(spark.logLoss()).isCloseTo(served.logLoss(), within(ROUNDING));
      assertThat(spark.ece()).isCloseTo(served.ece(), within(ROUNDING));
    } finally {
      scored.unpersist();
    }
  }
}
