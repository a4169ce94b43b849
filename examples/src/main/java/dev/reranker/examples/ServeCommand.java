package dev.reranker.examples;

import dev.reranker.Reranker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve [--port N] [--model PATH] [--batch-size N] [--max-batch-delay-ms N] [--timeout-ms
 * N]}: runs {@link RerankServer} on 127.0.0.1 until the JVM stops (Ctrl-C) or, in tests, the
 * calling thread is interrupted.
 */
final class ServeCommand {
  private ServeCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err, RerankerFactory rerankers)
      throws UsageException {
    ArgParser parser =
        new ArgParser(
            "serve",
            Set.of("--port", "--model", "--batch-size", "--max-batch-delay-ms", "--timeout-ms"),
            Set.of());
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
    Path model = options.modelPath().orElse(null);

    Reranker reranker =
        rerankers.open(
            CompanionSetup.builder(model)
                .batchSize(batchSize)
                .maxBatchDelay(Duration.ofMillis(delayMs)));
    RerankServer server;
    try {
      server =
          RerankServer.builder(reranker).port(port).timeout(Duration.ofMillis(timeoutMs)).start();
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
    Thread hook = new Thread(shutdown, "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C: finish answering, free the model
    out.println("listening on http://127.0.0.1:" + server.port());
    out.flush();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException jvmStopping) {
      return 0; // the hook runs the shutdown
    }
    shutdown.run();
    return 0;
  }
}
