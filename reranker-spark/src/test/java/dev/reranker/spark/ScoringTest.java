package dev.reranker.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scoring on local[2] with a fake model: the plumbing, bad rows and the in-flight bound. */
class ScoringTest {
  private static final ScoringOptions FAKE =
      ScoringOptions.builder().reranker(FakeRerankers::byLength).build();

  private static SparkSession spark;
  private static Reranker direct;

  @BeforeAll
  static void start() {
    spark = LocalSpark.session();
    direct = FakeRerankers.builder().build();
  }

  @AfterAll
  static void stop() {
    direct.close();
  }

  @Test
  void scoresEveryRowInOrderAsRankDoes() {
    List<TestLogs.Example> examples = TestLogs.generate(40, 1);
    List<Row> out = RerankerSpark.score(TestLogs.frame(spark, examples, 3), FAKE).collectAsList();

    assertThat(out).hasSize(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      TestLogs.Example e = examples.get(i);
      Row row = out.get(i);
      assertThat(row.getString(0)).isEqualTo(e.dialogId()); // columns pass through, in order
      assertThat(row.getString(4)).isEqualTo(e.response());
      assertThat(row.getString(5)).isEqualTo(e.reaction());
      ScoredCandidate expected = rank(e.dialog(), e.response());
      assertThat(row.<Double>getAs("probability")).isEqualTo((double) expected.probability());
      assertThat(row.<Double>getAs("score")).isEqualTo((double) expected.score());
      assertThat(row.getList(row.fieldIndex("verdicts"))).isEmpty();
      assertThat(row.<Object>getAs("error")).isNull();
    }
  }

  @Test
  void addsTheOutputColumnsAfterTheInput() {
    Dataset<Row> scored = RerankerSpark.score(TestLogs.frame(spark, List.of(), 1), FAKE);
    assertThat(scored.schema().fieldNames())
        .containsExactly(
            "dialog_id",
            "persona",
            "context",
            "speakers",
            "response",
            "reaction",
            "probability",
            "score",
            "verdicts",
            "error");
    Dataset<Row> plain =
        RerankerSpark.score(
            TestLogs.frame(spark, List.of(), 1), ScoringOptions.builder().scoreColumn("s").build());
    assertThat(plain.schema().fieldNames()).endsWith("probability", "s", "error");
  }

  @Test
  void withoutSpeakersOrPersonaMessagesAlternateEndingWithTheUser() {
    List<TestLogs.Example> examples = TestLogs.generate(10, 2);
    Dataset<Row> bare = TestLogs.frame(spark, examples, 2).drop("speakers", "persona");
    List<Row> out = RerankerSpark.score(bare, FAKE).collectAsList();
    for (int i = 0; i < examples.size(); i++) {
      List<String> messages = examples.get(i).context();
      List<Turn> turns = new ArrayList<>();
      for (int t = 0; t < messages.size(); t++) {
        boolean user = (messages.size() - 1 - t) % 2 == 0;
        turns.add(user ? Turn.user(messages.get(t)) : Turn.bot(messages.get(t)));
      }
      ScoredCandidate expected = rank(Dialog.of(turns), examples.get(i).response());
      assertThat(out.get(i).<Double>getAs("probability"))
          .isEqualTo((double) expected.probability());
    }
  }

  @Test
  void badRowsGetAnErrorAndNeverFailTheJob() {
    List<String> two = List.of("hi", "hello there");
    List<Row> rows =
        List.of(
            row(null, null, "a fine reply"),
            row(two, null, ""),
            row(two, null, null),
            row(Arrays.asList("hi", null), null, "a fine reply"),
            row(two, List.of("human"), "a fine reply"),
            row(two, List.of("robot", "human"), "a fine reply"),
            row(two, List.of("bot", "user"), "a fine reply"));
    List<Row> out =
        RerankerSpark.score(spark.createDataFrame(rows, TestLogs.SCHEMA), FAKE).collectAsList();

    assertThat(out)
        .extracting(r -> r.<String>getAs("error"))
        .containsExactly(
            "context is null",
            "response is empty",
            "response is null",
            "context[1] is null",
            "speakers has 1 entries but context has 2",
            "speakers[0] is 'robot', expected 'human', 'user' or 'bot'",
            null);
    for (Row r : out.subList(0, 6)) {
      assertThat(r.<Object>getAs("probability")).isNull();
      assertThat(r.<Object>getAs("score")).isNull();
    }
    Dialog good = Dialog.of(Turn.bot("hi"), Turn.user("hello there"));
    assertThat(out.get(6).<Double>getAs("probability"))
        .isEqualTo((double) rank(good, "a fine reply").probability());
  }

  @Test
  void aFailingBatchFailsItsRowsOnly() {
    List<Row> rows = List.of(row(List.of("hi"), null, FakeRerankers.POISON));
    List<Row> out =
        RerankerSpark.score(spark.createDataFrame(rows, TestLogs.SCHEMA), FAKE).collectAsList();
    assertThat(out.get(0).<String>getAs("error"))
        .startsWith("ScoringException: ")
        .contains("poisoned batch");
    assertThat(out.get(0).<Object>getAs("probability")).isNull();
    // The executor's reranker keeps serving.
    List<Row> after =
        RerankerSpark.score(TestLogs.frame(spark, TestLogs.generate(3, 3), 1), FAKE)
            .collectAsList();
    assertThat(after).allSatisfy(r -> assertThat(r.<Object>getAs("error")).isNull());
  }

  @Test
  void eachTaskKeepsAtMostInFlightPairsQueued() {
    List<TestLogs.Example> examples = TestLogs.generate(150, 4);
    FakeRerankers.resetCounters();
    ScoringOptions three =
        ScoringOptions.builder().reranker(FakeRerankers::byLength).inFlight(3).build();
    assertThat(RerankerSpark.score(TestLogs.frame(spark, examples, 2), three).count())
        .isEqualTo(examples.size());
    // Two tasks (local[2]), three pairs each: never more than six in one batch.
    assertThat(FakeRerankers.largestBatch.get()).isBetween(1, 6);

    FakeRerankers.resetCounters();
    assertThat(RerankerSpark.score(TestLogs.frame(spark, examples, 2), FAKE).count())
        .isEqualTo(examples.size());
    // With the default (256 each), the two tasks fill the batches.
    assertThat(FakeRerankers.largestBatch.get()).isEqualTo(FakeRerankers.BATCH_SIZE);
  }

  @Test
  void heuristicsVerdictsArriveAsStructs() {
    ScoringOptions options =
        ScoringOptions.builder().reranker(FakeRerankers::byLengthWithHeuristics).build();
    List<Row> rows =
        List.of(
            row(List.of("i have an exam tomorrow"), null, "   "),
            row(List.of("i have an exam tomorrow"), null, "i have an exam tomorrow"),
            row(List.of("i have an exam tomorrow"), null, "you will do great, you prepared well"));
    List<Row> out =
        RerankerSpark.score(spark.createDataFrame(rows, TestLogs.SCHEMA), options).collectAsList();
    try (Reranker withHeuristics = FakeRerankers.byLengthWithHeuristics()) {
      for (int i = 0; i < rows.size(); i++) {
        Row in = rows.get(i);
        Dialog dialog = Dialog.of(Turn.user(in.<String>getList(2).get(0)));
        ScoredCandidate expected =
            withHeuristics.rank(dialog, List.of(Candidate.of(in.getString(4)))).all().get(0);
        List<Row> verdicts = out.get(i).getList(out.get(i).fieldIndex("verdicts"));
        assertThat(verdicts).hasSameSizeAs(expected.verdicts());
        for (int v = 0; v < verdicts.size(); v++) {
          Verdict want = expected.verdicts().get(v);
          assertThat(verdicts.get(v).getString(0)).isEqualTo(want.heuristic());
          assertThat(verdicts.get(v).getString(1)).isEqualTo(want.action().name());
          assertThat(verdicts.get(v).getString(2)).isEqualTo(want.reason());
          assertThat(verdicts.get(v).getDouble(3)).isEqualTo((double) want.scoreChange());
        }
        Double probability = out.get(i).getAs("probability");
        assertThat(probability)
            .isEqualTo(expected.isScored() ? (Double) (double) expected.probability() : null);
      }
    }
    // The blank reply is dropped before the model: no probability, no error, a DROP verdict.
    assertThat(out.get(0).getList(out.get(0).fieldIndex("verdicts"))).isNotEmpty();
    assertThat(out.get(0).<Object>getAs("probability")).isNull();
    assertThat(out.get(0).<Object>getAs("error")).isNull();
  }

  @Test
  void missingMistypedOrTakenColumnsFailAtOnce() {
    Dataset<Row> logs = TestLogs.frame(spark, TestLogs.generate(2, 5), 1);
    assertThatThrownBy(() -> RerankerSpark.score(logs.drop("context"), FAKE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no column 'context' in [dialog_id, persona, speakers, response, reaction]; name yours"
                + " with ScoringOptions.Builder.contextColumn(...)");
    assertThatThrownBy(() -> RerankerSpark.score(logs.drop("response"), FAKE))
        .hasMessageContaining("ScoringOptions.Builder.candidateColumn(...)");
    assertThatThrownBy(
            () -> RerankerSpark.score(logs.withColumn("context", lit("one string")), FAKE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column 'context' must be array<string>, but was string");
    assertThatThrownBy(
            () -> RerankerSpark.score(logs.withColumn("persona", col("dialog_id")), FAKE))
        .hasMessage("column 'persona' must be array<string>, but was string");
    assertThatThrownBy(() -> RerankerSpark.score(logs.withColumn("score", lit(0.5)), FAKE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the input already has a column 'score'; name the output with"
                + " ScoringOptions.Builder.scoreColumn(...)");
  }

  @Test
  void namedColumnsAreRead() {
    List<TestLogs.Example> examples = TestLogs.generate(5, 6);
    Dataset<Row> renamed =
        TestLogs.frame(spark, examples, 1)
            .withColumnRenamed("context", "history")
            .withColumnRenamed("response", "reply");
    ScoringOptions options =
        ScoringOptions.builder()
            .reranker(FakeRerankers::byLength)
            .contextColumn("history")
            .candidateColumn("reply")
            .probabilityColumn("p")
            .build();
    List<Row> out = RerankerSpark.score(renamed, options).collectAsList();
    for (int i = 0; i < examples.size(); i++) {
      assertThat(out.get(i).<Double>getAs("p"))
          .isEqualTo(
              (double) rank(examples.get(i).dialog(), examples.get(i).response()).probability());
    }
  }

  private static ScoredCandidate rank(Dialog dialog, String reply) {
    return direct.rank(dialog, List.of(Candidate.of(reply))).all().get(0);
  }

  private static Row row(List<String> context, List<String> speakers, String response) {
    return RowFactory.create(
        "d", null, TestLogs.seq(context), TestLogs.seq(speakers), response, "upvote");
  }
}
