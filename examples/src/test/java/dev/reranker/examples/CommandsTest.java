package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code rank} and {@code demo} end to end on the bundled model (one reranker for the class). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandsTest {
  static final String[] RANK_ARGS = {
    "rank",
    "--context",
    "Just anxious and tired",
    "--context",
    "Still worried about tomorrow?",
    "--context",
    "Yes, I have an exam tomorrow",
    "--persona",
    "i love hearing about people's days.",
    "--candidate",
    "You will do great, you prepared well.",
    "--candidate",
    "Exams are stressful. Try to get some sleep tonight, you studied hard.",
    "--candidate",
    "I like pizza.",
    "--candidate",
    "Yes, I have an exam tomorrow", // an echo: dropped before the model
    "--candidate",
    "Good luck, {name}!", // an unfilled slot: dropped too
  };

  @BeforeAll
  static void loadModel() {
    SharedReranker.get();
  }

  @Test
  void rankJson_printsOneObjectOfTheDocumentedShape() {
    Captured run = new Captured(SharedReranker.factory());

    int code = run.run(json(RANK_ARGS));

    assertThat(code).isZero();
    assertThat(run.out().strip().lines()).hasSize(1);
    JsonObject result = JsonParser.parseString(run.out()).getAsJsonObject();
    assertThat(result.keySet()).containsExactlyInAnyOrder("best", "ranked", "dropped");
    JsonArray ranked = result.getAsJsonArray("ranked");
    assertThat(ranked).hasSize(3);
    List<Double> scores = new ArrayList<>();
    for (JsonElement e : ranked) {
      JsonObject c = e.getAsJsonObject();
      assertThat(c.keySet()).contains("text", "source", "score", "probability", "verdicts");
      assertThat(c.get("source").getAsString()).isEqualTo("unspecified");
      assertThat(c.get("probability").getAsDouble()).isBetween(0.0, 1.0);
      assertThat(c.get("verdicts").isJsonArray()).isTrue();
      scores.add(c.get("score").getAsDouble());
    }
    assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(result.get("best").getAsString())
        .isEqualTo(ranked.get(0).getAsJsonObject().get("text").getAsString())
        .isNotEqualTo("I like pizza.");

    JsonArray dropped = result.getAsJsonArray("dropped");
    assertThat(dropped).hasSize(2);
    for (JsonElement e : dropped) {
      JsonObject c = e.getAsJsonObject();
      assertThat(c.get("score").isJsonNull()).isTrue();
      assertThat(c.get("probability").isJsonNull()).isTrue();
      JsonObject verdict = c.getAsJsonArray("verdicts").get(0).getAsJsonObject();
      assertThat(verdict.get("action").getAsString()).isEqualTo("drop");
      assertThat(verdict.get("heuristic").getAsString()).isIn("echo", "placeholder");
      assertThat(verdict.get("reason").getAsString()).isNotBlank();
    }
  }

  @Test
  void rankJson_whenEveryCandidateIsDropped_bestIsNull() {
    Captured run = new Captured(SharedReranker.factory());

    int code =
        run.run(
            "rank",
            "--context",
            "I have an exam tomorrow morning",
            "--candidate",
            "I have an exam tomorrow morning",
            "--candidate",
            "   ",
            "--json");

    assertThat(code).isZero();
    JsonObject result = JsonParser.parseString(run.out()).getAsJsonObject();
    assertThat(result.get("best").isJsonNull()).isTrue();
    assertThat(result.getAsJsonArray("ranked")).isEmpty();
    assertThat(result.getAsJsonArray("dropped")).hasSize(2);
  }

  @Test
  void rankTable_showsTheDialogTheRanksAndTheChosenReply() {
    Captured run = new Captured(SharedReranker.factory());

    int code = run.run(RANK_ARGS);

    assertThat(code).isZero();
    assertThat(run.out())
        .contains(
            "user: Just anxious and tired",
            "bot:  Still worried about tomorrow?",
            "user: Yes, I have an exam tomorrow",
            "rank",
            "P(up)",
            "dropped:",
            "echo: dropped",
            "placeholder: dropped",
            "=> chosen: ");
  }

  @Test
  void demo_ranksEveryScenarioAndShowsTheHeuristicsActing() {
    Captured run = new Captured(SharedReranker.factory());

    int code = run.run("demo");

    assertThat(code).isZero();
    String out = run.out();
    for (int i = 1; i <= Scenarios.all().size(); i++) {
      assertThat(out).contains("== " + i + ". " + Scenarios.all().get(i - 1).title() + " ==");
    }
    assertThat(out.split("=> chosen: ", -1)).hasSize(Scenarios.all().size() + 1);
    assertThat(out)
        .doesNotContain("=> chosen: (none)")
        .contains(
            "retrieval",
            "generative",
            "echo: dropped",
            "repeat: dropped",
            "placeholder: dropped",
            "canned-ai: dropped",
            "source-preference: +0.250")
        .containsPattern("10 dialogs ranked in \\d+ ms");
  }

  private static String[] json(String[] args) {
    String[] with = java.util.Arrays.copyOf(args, args.length + 1);
    with[args.length] = "--json";
    return with;
  }
}
