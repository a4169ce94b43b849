package dev.reranker.spark;

import com.google.gson.Gson;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Small reaction logs in the reaction log's columns, made up from a seed: contexts of one to four
 * messages with speakers and persona facts, each answered by one to three logged replies.
 */
final class TestLogs {
  static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("dialog_id", DataTypes.StringType, true),
              DataTypes.createStructField("persona", strings(), true),
              DataTypes.createStructField("context", strings(), true),
              DataTypes.createStructField("speakers", strings(), true),
              DataTypes.createStructField("response", DataTypes.StringType, true),
              DataTypes.createStructField("reaction", DataTypes.StringType, true)));

  private static final List<String> WORDS =
      List.of(
          "pizza",
          "jazz",
          "tennis",
          "the beach",
          "my dog",
          "snow",
          "my boss",
          "films",
          "cooking",
          "running",
          "school",
          "music");
  private static final List<String> SAYINGS =
      List.of(
          "i love %s.",
          "do you like %s?",
          "%s is the best thing this week",
          "what do you think about %s",
          "honestly %s makes me tired",
          "tell me more about %s!");

  /** One logged reply with its context, as the test expects the reranker to see it. */
  record Example(
      String dialogId,
      List<String> persona,
      List<String> context,
      List<String> speakers,
      String response,
      String reaction) {

    Row row() {
      return RowFactory.create(
          dialogId, seq(persona), seq(context), seq(speakers), response, reaction);
    }

    Dialog dialog() {
      List<Turn> turns = new ArrayList<>();
      for (int i = 0; i < context.size(); i++) {
        turns.add(
            new Turn(
                speakers.get(i).equals("bot") ? Turn.Speaker.BOT : Turn.Speaker.USER,
                context.get(i)));
      }
      return new Dialog(turns, persona, List.of());
    }

    boolean upvote() {
      return reaction.equals("upvote");
    }
  }

  private TestLogs() {}

  /** Spark's row encoder takes Scala sequences for arrays; null stays null. */
  static Object seq(List<?> list) {
    return list == null ? null : CollectionConverters.asScala(list).toSeq();
  }

  static List<Example> generate(int contexts, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Example> out = new ArrayList<>();
    for (int c = 0; c < contexts; c++) {
      String id = "d" + (c / 2); // two contexts per dialog
      List<String> persona = new ArrayList<>();
      for (int i = r.nextInt(3); i > 0; i--) {
        persona.add(String.format(SAYINGS.get(0), pick(WORDS, r)));
      }
      int turns = 1 + r.nextInt(4);
      List<String> context = new ArrayList<>();
      List<String> speakers = new ArrayList<>();
      for (int t = 0; t < turns; t++) {
        context.add(say(r));
        speakers.add((turns - 1 - t) % 2 == 0 ? "human" : "bot");
      }
      for (int k = 1 + r.nextInt(3); k > 0; k--) {
        out.add(
            new Example(
                id,
                List.copyOf(persona),
                List.copyOf(context),
                List.copyOf(speakers),
                say(r),
                r.nextBoolean() ? "upvote" : "downvote"));
      }
    }
    return out;
  }

  /** Returns the examples as a frame of that many partitions, in order (no shuffle). */
  static Dataset<Row> frame(SparkSession spark, List<Example> examples, int partitions) {
    List<Row> rows = new ArrayList<>();
    examples.forEach(e -> rows.add(e.row()));
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(context.parallelize(rows, partitions), SCHEMA);
  }

  /** Writes the examples as JSON Lines, one object per line, as the reaction log writes them. */
  static Path writeJsonLines(Path file, List<Example> examples) throws IOException {
    Gson gson = new Gson();
    List<String> lines = new ArrayList<>();
    for (Example e : examples) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("dialog_id", e.dialogId());
      o.put("persona", e.persona());
      o.put("context", e.context());
      o.put("speakers", e.speakers());
      o.put("response", e.response());
      o.put("reaction", e.reaction());
      lines.add(gson.toJson(o));
    }
    return Files.write(file, lines);
  }

  private static String say(SplittableRandom r) {
    return String.format(pick(SAYINGS, r), pick(WORDS, r));
  }

  private static String pick(List<String> from, SplittableRandom r) {
    return from.get(r.nextInt(from.size()));
  }

  private static org.apache.spark.sql.types.DataType strings() {
    return DataTypes.createArrayType(DataTypes.StringType);
  }
}
