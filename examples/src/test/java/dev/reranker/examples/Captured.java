package dev.reranker.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@code Main} run in-process with its stdout and stderr captured. */
final class Captured {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final Main main;

  Captured(RerankerFactory rerankers) {
    this.main =
        new Main(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            rerankers);
  }

  /** A run whose commands must not load a model. */
  static Captured withoutModel() {
    return new Captured(
        builder -> {
          throw new AssertionError("this command must fail before loading a model");
        });
  }

  int run(String... args) {
    return main.run(args);
  }

  String out() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
