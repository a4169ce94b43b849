package dev.reranker.examples;

import dev.reranker.Reranker;
import dev.reranker.model.Quantization;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve [--port N] [--model PATH] [--batch-size N] [--max-batch-delay-ms N] [--timeout-ms N]
 * [--max-queued-pairs N] [--idle-timeout-ms N] [--max-connections N] [--drain-timeout-ms N]
 * [--native-memory-trim-ms N] [--no-evidence] [--quantization none|int8]}: runs {@link
 * RerankServer} on 127.0.0.1 until SIGTERM or SIGINT (Ctrl-C) or, in tests, until the calling
 * thread is interrupted; then drains (answers every accepted request, up to the drain timeout),
 * frees the model and returns 0.
 */
final class ServeCommand {
  private static final Logger logger = LoggerFactory.getLogger(ServeCommand.class);

  private ServeCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err, RerankerFactory rerankers)
      throws UsageException {
    ArgParser parser =
        new ArgParser(
            "serve",
            Set.of(
                "--port",
                "--model",
                "--batch-size",
                "--max-batch-delay-ms",
                "--timeout-ms",
                "--max-queued-pairs",
                "--idle-timeout-ms",
                "--max-connections",
                "--drain-timeout-ms",
                "--native-memory-trim-ms",
                "--quantization"),
            Set.of("--no-evidence"));
    ArgParser.Parsed options = parser.parse(args);
    int port = options.integer("--port", 0, 65_535, RerankServer.Builder.DEFAULT_PORT);
    int batchSize = options.integer("--batch-size", 1, 4096, Reranker.Builder.DEFAULT_BATCH_SIZE);
    int delayMs =
        options.integer(
            "--max-batch-delay-ms",
            0,
            60_000,
            (int) Reranker.Builder.DEFAULT_MAX_BATCH_DELAY.toMillis());
    int timeoutMs =
        options.integer(
            "--timeout-ms", 1, 600_000, (int) RerankServer.Builder.DEFAULT_TIMEOUT.toMillis());
    int maxQueuedPairs =
        options.integer(
            "--max-queued-pairs", 1, 10_000_000, Reranker.Builder.DEFAULT_MAX_QUEUED_PAIRS);
    int idleTimeoutMs =
        options.integer(
            "--idle-timeout-ms",
            100,
            3_600_000,
            (int) RerankServer.Builder.DEFAULT_IDLE_TIMEOUT.toMillis());
    int maxConnections =
        options.integer(
            "--max-connections", 1, 1_000_000, RerankServer.Builder.DEFAULT_MAX_CONNECTIONS);
    int drainTimeoutMs =
        options.integer(
            "--drain-timeout-ms",
            0,
            600_000,
            (int) RerankServer.Builder.DEFAULT_DRAIN_TIMEOUT.toMillis());
    int trimMs =
        options.integer(
            "--native-memory-trim-ms",
            0,
            3_600_000,
            (int) Reranker.Builder.DEFAULT_NATIVE_MEMORY_TRIM.toMillis());
    if (trimMs > 0 && trimMs < 10) {
      throw parser.fail(
          "--native-memory-trim-ms must be 0 (off) or at least 10, but was " + trimMs);
    }
    Path model = options.modelPath().orElse(null);

    Reranker reranker =
        rerankers.open(
            CompanionSetup.builder(model)
                .batchSize(batchSize)
                .maxBatchDelay(Duration.ofMillis(delayMs))
                .maxQueuedPairs(maxQueuedPairs)
                .nativeMemoryTrim(Duration.ofMillis(trimMs))
                .evidence(!options.has("--no-evidence"))
                .quantization(
                    options
                        .choice("--quantization", Quantization.class)
                        .orElse(Quantization.NONE)));
    RerankServer server;
    try {
      server =
          RerankServer.builder(reranker)
              .port(port)
              .timeout(Duration.ofMillis(timeoutMs))
              .idleTimeout(Duration.ofMillis(idleTimeoutMs))
              .maxConnections(maxConnections)
              .drainTimeout(Duration.ofMillis(drainTimeoutMs))
              .warmUp(true)
              .start();
    } catch (IOException | RuntimeException e) {
      rerankers.release(reranker);
      err.println("serve: cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
      return 1;
    }
    Runnable shutdown =
        () -> {
          server.close();
          rerankers.release(reranker);
        };
    // SIGTERM and SIGINT interrupt this thread, which drains and returns 0; a JVM that stops
    // another way (or where signals cannot be caught) still drains in the hook.
    Thread serving = Thread.currentThread();
    Thread hook = new Thread(shutdown, "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<Signals.Restore> restores = Signals.onTermination(serving::interrupt);
    out.println("listening on http://127.0.0.1:" + server.port());
    out.flush();
    boolean interrupted = false;
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      interrupted = true; // set again after the drain, which an interrupt would cut short
    }
    restores.forEach(Signals.Restore::run);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException jvmStopping) {
      return 0; // the hook runs the shutdown (and the JVM is exiting: no interrupt to keep)
    }
    shutdown.run();
    logger.debug("serve: stopped");
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
