package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Dialog;
import dev.reranker.Turn;
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

/** Argument parsing and exit codes, in-process and without a model. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MainTest {

  static List<Arguments> badArguments() {
    return List.of(
        Arguments.of(List.of(), "missing command"),
        Arguments.of(List.of("frobnicate"), "unknown command 'frobnicate'"),
        Arguments.of(
            List.of("rank", "--context", "hi", "--candidate", "hey", "--frob"),
            "rank: unknown option '--frob'"),
        Arguments.of(
            List.of("rank", "--context", "hi", "--candidate"),
            "rank: option --candidate needs a value"),
        Arguments.of(
            List.of("rank", "--context", "--candidate", "hey"),
            "rank: option --context needs a value"),
        Arguments.of(List.of("rank", "--context", "hi"), "rank: no --candidate given"),
        Arguments.of(List.of("rank", "--candidate", "hey"), "rank: no --context given"),
        Arguments.of(
            List.of("rank", "--context", "hi", "--candidate", "hey", "--json=yes"),
            "rank: option --json takes no value"),
        Arguments.of(
            List.of("rank", "stray", "--context", "hi", "--candidate", "hey"),
            "rank: unexpected argument 'stray'"),
        Arguments.of(
            List.of("rank", "--context", "hi", "--candidate", "hey", "--model", "/no/such/model"),
            "rank: --model '/no/such/model' does not exist"),
        Arguments.of(
            List.of(
                "rank", "--context", "hi", "--candidate", "hey", "--model", "a", "--model", "b"),
            "rank: option --model given 2 times"),
        Arguments.of(
            List.of("serve", "--port", "http"),
            "serve: --port must be an integer in [0, 65535], but was 'http'"),
        Arguments.of(
            List.of("serve", "--port", "70000"),
            "serve: --port must be an integer in [0, 65535], but was '70000'"),
        Arguments.of(List.of("serve", "--port"), "serve: option --port needs a value"),
        Arguments.of(
            List.of("serve", "--max-connections", "0"),
            "serve: --max-connections must be an integer in [1, 1000000], but was '0'"),
        Arguments.of(
            List.of("serve", "--drain-timeout-ms", "-1"),
            "serve: --drain-timeout-ms must be an integer in [0, 600000], but was '-1'"),
        Arguments.of(
            List.of("serve", "--native-memory-trim-ms", "-1"),
            "serve: --native-memory-trim-ms must be an integer in [0, 3600000], but was '-1'"),
        Arguments.of(
            List.of("serve", "--native-memory-trim-ms", "5"),
            "serve: --native-memory-trim-ms must be 0 (off) or at least 10, but was 5"),
        Arguments.of(
            List.of("serve", "--idle-timeout-ms", "10"),
            "serve: --idle-timeout-ms must be an integer in [100, 3600000], but was '10'"),
        Arguments.of(
            List.of("serve", "--max-queued-pairs", "x"),
            "serve: --max-queued-pairs must be an integer in [1, 10000000], but was 'x'"),
        Arguments.of(
            List.of("serve", "--quantization", "int4"),
            "serve: --quantization must be one of none, int8, but was 'int4'"),
        Arguments.of(
            List.of("rank", "--context", "hi", "--candidate", "hey", "--quantization", "fp16"),
            "rank: --quantization must be one of none, int8, but was 'fp16'"),
        Arguments.of(
            List.of("eval", "--dialogs", "d", "--model", "tfidf", "--quantization", "int8"),
            "eval: --quantization applies to a BERT model, not to --model tfidf"),
        Arguments.of(
            List.of(
                "train", "--data", "r.jsonl", "--out", "o", "--init", "baseline", "--layers", "2"),
            "train: --layers applies to a BERT --init, not to the baseline"),
        Arguments.of(
            List.of("train", "--data", "r.jsonl", "--out", "o", "--layers", "0"),
            "train: --layers must be an integer in [1, 1000], but was '0'"),
        Arguments.of(List.of("demo", "--json"), "demo: unknown option '--json'"),
        Arguments.of(
            List.of("demo", "--model", "/no/such/model"),
            "demo: --model '/no/such/model' does not exist"));
  }

  @ParameterizedTest
  @MethodSource("badArguments")
  void badArguments_exitWith2AndOneLineOnStderr(List<String> args, String message) {
    Captured run = Captured.withoutModel();

    int code = run.run(args.toArray(String[]::new));

    assertThat(code).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith(message);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void modelPathThatIsAFile_isABadArgument(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("model.bin"), "not a folder");
    Captured run = Captured.withoutModel();

    int code = run.run("rank", "--context", "hi", "--candidate", "hey", "--model", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err().lines()).singleElement().asString().contains("is not a folder");
  }

  @Test
  void argumentWithNewline_stillGivesOneLine() {
    Captured run = Captured.withoutModel();

    int code = run.run("rank", "--context", "hi", "--cand\nidate", "hey");

    assertThat(code).isEqualTo(2);
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void modelThatCannotLoad_exitsWith1AndSaysWhy(@TempDir Path dir) {
    Captured run = new Captured(RerankerFactory.BUILDING); // a real load of an empty folder

    int code = run.run("rank", "--context", "hi", "--candidate", "hey", "--model", dir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(run.err().lines().filter(l -> l.startsWith("cannot load the model: ")))
        .singleElement()
        .asString()
        .contains(dir.toString());
  }

  @ParameterizedTest
  @MethodSource("helpArguments")
  void help_printsUsageOnStdoutAndExitsWith0(List<String> args) {
    Captured run = Captured.withoutModel();

    int code = run.run(args.toArray(String[]::new));

    assertThat(code).isZero();
    assertThat(run.out()).startsWith("usage: java -jar reranker-examples.jar").contains("serve");
    assertThat(run.err()).isEmpty();
  }

  static List<List<String>> helpArguments() {
    return List.of(
        List.of("--help"),
        List.of("-h"),
        List.of("help"),
        List.of("rank", "--help"),
        List.of("serve", "--port", "1", "-h"));
  }

  @Test
  void parser_acceptsEqualsForm_repeats_andKeepsOrder() throws Exception {
    ArgParser parser =
        new ArgParser(
            "rank", java.util.Set.of("--context", "--candidate"), java.util.Set.of("--json"));

    ArgParser.Parsed parsed =
        parser.parse(
            List.of(
                "--context=a",
                "--context",
                "b=c",
                "--json",
                "--candidate",
                "-x",
                "--context=",
                "--candidate",
                "two words"));

    assertThat(parsed.all("--context")).containsExactly("a", "b=c", "");
    assertThat(parsed.all("--candidate")).containsExactly("-x", "two words");
    assertThat(parsed.has("--json")).isTrue();
  }

  @Test
  void context_assignsSpeakersBackwardsFromTheUser() {
    Dialog odd = Dialogs.fromContext(List.of("u1", "b1", "u2"), List.of("p"));
    Dialog even = Dialogs.fromContext(List.of("b0", "u1"), List.of());

    assertThat(odd.turns()).containsExactly(Turn.user("u1"), Turn.bot("b1"), Turn.user("u2"));
    assertThat(odd.botPersona()).containsExactly("p");
    assertThat(even.turns()).containsExactly(Turn.bot("b0"), Turn.user("u1"));
  }
}
