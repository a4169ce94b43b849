package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak's criterion and its command line, without a server (the soak itself runs by hand: {@code
 * bash examples/soak.sh}).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ServeSoakTest {

  /** Checkpoints every 10,000 pairs from 10,000 to 100,000, RSS in MB as a function of pairs. */
  static List<ServeSoak.Checkpoint> series(LongToDoubleFunction rssMb) {
    List<ServeSoak.Checkpoint> checkpoints = new ArrayList<>();
    for (long pairs = 10_000; pairs <= 100_000; pairs += 10_000) {
      checkpoints.add(
          new ServeSoak.Checkpoint(
              "",
              pairs,
              pairs / 150.0,
              (long) (rssMb.applyAsDouble(pairs) * 1024) + 150 * 1024,
              (long) (rssMb.applyAsDouble(pairs) * 1024),
              (long) (rssMb.applyAsDouble(pairs) * 1024) + 200 * 1024,
              0,
              0,
              0));
    }
    return checkpoints;
  }

  static ServeSoak.Verdict judge(LongToDoubleFunction rssMb) {
    return ServeSoak.judge(
        series(rssMb), ServeSoak.DEFAULT_MAX_SLOPE_MB, ServeSoak.DEFAULT_MAX_GROWTH_MB);
  }

  @Test
  void flatWithNoise_isNotGrowing() {
    ServeSoak.Verdict verdict = judge(pairs -> 1900 + ((pairs / 10_000) % 3) * 2.5);
    assertThat(verdict.growing()).isFalse();
    assertThat(verdict.slopeMb()).isBetween(-1.0, 1.0);
  }

  @Test
  void steadyLeak_isGrowing() {
    // 400 bytes a pair: 4 MB per 10,000 pairs, 36 MB over the run.
    ServeSoak.Verdict verdict = judge(pairs -> 1900 + pairs * 400 / 1e6);
    assertThat(verdict.slopeMb()).isCloseTo(4.0, offset(0.01));
    assertThat(verdict.growthMb()).isCloseTo(36.0, offset(0.01));
    assertThat(verdict.growing()).isTrue();
  }

  @Test
  void oneStepThenFlat_isNotGrowing() {
    // A new malloc arena or the code cache filling up: one jump of 15 MB, then nothing.
    ServeSoak.Verdict verdict = judge(pairs -> pairs < 50_000 ? 1900 : 1915);
    assertThat(verdict.slopeMb()).isGreaterThan(ServeSoak.DEFAULT_MAX_SLOPE_MB);
    assertThat(verdict.growing()).isFalse();
  }

  @Test
  void shrinking_isNotGrowing() {
    assertThat(judge(pairs -> 2000 - pairs / 1000.0).growing()).isFalse();
  }

  @Test
  void theVerdictReadsTheFloor_notWhereOneReadingLandsOnTheSawTooth() {
    // Trims every 2 s: a reading lands anywhere between the floor and 200 MB above it.
    List<ServeSoak.Checkpoint> sawTooth = new ArrayList<>();
    long[] onTheTooth = {190, 10, 150, 0, 200, 40, 180, 20, 170, 5};
    for (int i = 0; i < onTheTooth.length; i++) {
      long pairs = 10_000L * (i + 1);
      long floorKb = 1780L * 1024 + (i % 2) * 1024L; // flat, within 1 MB
      sawTooth.add(
          new ServeSoak.Checkpoint(
              "",
              pairs,
              pairs / 50.0,
              floorKb + onTheTooth[i] * 1024,
              floorKb,
              floorKb + 210 * 1024,
              0,
              0,
              0));
    }
    ServeSoak.Verdict floor =
        ServeSoak.judge(sawTooth, ServeSoak.DEFAULT_MAX_SLOPE_MB, ServeSoak.DEFAULT_MAX_GROWTH_MB);
    assertThat(floor.growing()).isFalse();
    assertThat(floor.slopeMb()).isBetween(-1.0, 1.0);
    // The same readings judged one by one would swing by 200 MB between checkpoints.
    ServeSoak.Verdict readings =
        ServeSoak.judge(
            sawTooth,
            ServeSoak.Checkpoint::rssMb,
            ServeSoak.DEFAULT_MAX_SLOPE_MB,
            ServeSoak.DEFAULT_MAX_GROWTH_MB);
    assertThat(Math.abs(readings.growthMb())).isGreaterThan(100);
    // A leak raises the floor, and the floor's verdict sees it.
    assertThat(judge(pairs -> 1780 + pairs * 400 / 1e6).growing()).isTrue();
  }

  @Test
  void help_exitsZeroWithUsage() {
    Run run = run("--help");
    assertThat(run.code).isZero();
    assertThat(run.out)
        .startsWith("usage: bash examples/soak.sh")
        .contains("--max-slope-mb", "--trim-ms");
    assertThat(run.err).isEmpty();
  }

  @Test
  void badArguments_exitTwoWithOneLine() {
    assertBad(List.of("--pairs", "many"), "soak: --pairs must be an integer in [1, 100000000]");
    assertBad(List.of("--frob"), "soak: unknown option '--frob'");
    assertBad(List.of("--max-slope-mb", "steep"), "soak: --max-slope-mb must be a number");
    assertBad(List.of("--trim-ms", "-1"), "soak: --trim-ms must be an integer in [0, 3600000]");
    assertBad(List.of("--pairs", "1010"), "must be a multiple of --candidates (20)");
    assertBad(List.of("--pairs", "20000"), "must leave room for two checkpoints");
    assertBad(List.of("--jar", "/no/such.jar"), "soak: --jar '/no/such.jar' does not exist");
  }

  @Test
  void bodies_areValidAndDifferFromRequestToRequest() {
    String a = ServeSoak.rerankBody(16, 0, 20);
    String b = ServeSoak.rerankBody(16, 2, 20);
    assertThat(a).isNotEqualTo(b).isEqualTo(ServeSoak.rerankBody(16, 0, 20));
    assertThat(JsonParser.parseString(a).getAsJsonObject().getAsJsonArray("candidates"))
        .hasSize(20);
    assertThat(
            JsonParser.parseString(ServeSoak.v1Body(16, 1, 20))
                .getAsJsonObject()
                .getAsJsonArray("documents"))
        .hasSize(20);
  }

  private static void assertBad(List<String> args, String message) {
    Run run = run(args.toArray(String[]::new));
    assertThat(run.code).as("%s", args).isEqualTo(2);
    assertThat(run.out).isEmpty();
    assertThat(run.err).contains(message).endsWith("\n");
    assertThat(run.err.strip().lines()).hasSize(1);
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ServeSoak.run(
            List.of(args),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
