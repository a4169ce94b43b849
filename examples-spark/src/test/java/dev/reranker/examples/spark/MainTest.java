package dev.reranker.examples.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Argument parsing and exit codes, in-process and without Spark or a model. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MainTest {

  static List<Arguments> badArguments() {
    return List.of(
        Arguments.of(List.of(), "spark: no --data given"),
        Arguments.of(List.of("score"), "spark: unexpected argument 'score'"),
        Arguments.of(List.of("--data", ".", "--frob"), "spark: unknown option '--frob'"),
        Arguments.of(List.of("--data"), "spark: option --data needs a value"),
        Arguments.of(List.of("--data", "--limit", "3"), "spark: option --data needs a value"),
        Arguments.of(List.of("--data", ".", "--data=."), "spark: option --data given twice"),
        Arguments.of(
            List.of("--data", "/no/such/log.jsonl"),
            "spark: --data '/no/such/log.jsonl' does not exist"),
        Arguments.of(
            List.of("--data", ".", "--format", "csv"),
            "spark: --format must be json or parquet, but was 'csv'"),
        Arguments.of(
            List.of("--data", ".", "--partitions", "0"),
            "spark: --partitions must be an integer in [1, 100000], but was '0'"),
        Arguments.of(
            List.of("--data", ".", "--in-flight", "many"),
            "spark: --in-flight must be an integer in [1, 65536], but was 'many'"),
        Arguments.of(
            List.of("--data", ".", "--model", "/no/such/model"),
            "spark: --model '/no/such/model' does not exist"),
        Arguments.of(
            List.of("--data", ".", "--out", "."), "spark: --out '.' exists; give a new folder"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void badArguments_exitWith2AndOneLineOnStderr(List<String> args, String message) {
    Captured run = Captured.run(args.toArray(String[]::new));

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith(message).endsWith(" (see --help)" + System.lineSeparator());
    assertThat(run.out()).isEmpty();
  }

  @Test
  void modelPathThatIsAFile_isABadArgument(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("model.bin"), "not a folder");

    Captured run = Captured.run("--data", ".", "--model", file.toString());

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines()).singleElement().asString().contains("is not a folder");
  }

  @Test
  void argumentWithNewline_stillGivesOneLine() {
    Captured run = Captured.run("--data", ".", "--fo\nrmat", "json");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1);
  }

  @ParameterizedTest
  @MethodSource("helpArguments")
  void help_printsUsageOnStdoutAndExitsWith0(List<String> args) {
    Captured run = Captured.run(args.toArray(String[]::new));

    assertThat(run.code()).isZero();
    assertThat(run.out())
        .startsWith("usage: java -jar reranker-examples-spark.jar --data FILE|DIR")
        .contains(
            "--in-flight N          pairs each task keeps in the batching queue (default 256)");
    assertThat(run.err()).isEmpty();
  }

  static List<List<String>> helpArguments() {
    return List.of(List.of("--help"), List.of("-h"), List.of("--data", "/no/such/log", "--help"));
  }
}
