package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.RerankerClosedException;
import dev.reranker.RerankerOverloadedException;
import dev.reranker.RerankerTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reranker as an HTTP JSON service on the JDK's {@link HttpServer}, bound to 127.0.0.1:
 *
 * <ul>
 *   <li>{@code POST /rerank} with {@code {"context": [TURN, ...], "persona": [FACT, ...],
 *       "candidates": [TEXT or {"text": ..., "source": ...}, ...]}} (context oldest first, the last
 *       turn the user's; persona optional) answers the object of {@code rank --json} ({@link
 *       RankingJson});
 *   <li>{@code GET /health} answers {@code {"status":"ok"}};
 *   <li>{@code GET /metrics} answers the reranker's stats in Prometheus text format.
 * </ul>
 *
 * <p>Errors answer {@code {"error": "..."}}: 400 malformed JSON, 404 unknown path, 405 wrong
 * method, 413 over a {@link Limits limit}, 422 valid JSON of the wrong shape, 503 overloaded (the
 * reranker's queue is full) or closing, 504 timed out, 500 model fault.
 *
 * <p>Threads: one shared {@link Reranker} serves every request, so that concurrent requests batch
 * together. Handlers never wait for the model: they parse, call {@link Reranker#rankAsync}, and
 * return; the exchange is answered when the future completes, on the server's pool. So the pool's
 * size bounds the requests being parsed or written, not the requests in flight, and every request
 * waiting for the model sits in the reranker's queue, where it can join a batch (with blocking
 * handlers, 32 threads would cap a batch at 32 requests, and a slow model would tie up every
 * thread). Overload is the queue's bound, {@code maxQueuedPairs}: 503.
 */
public final class RerankServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(RerankServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final long DRAIN_LIMIT_BYTES = 16L << 20;

  /**
   * What a request may hold; beyond it the server answers 413.
   *
   * @param maxBodyBytes the largest request body
   * @param maxCandidates the most candidates in one request
   * @param maxTurns the most context turns, and the most persona facts
   * @param maxTextChars the longest turn, fact, candidate text or source tag, in chars
   */
  public record Limits(int maxBodyBytes, int maxCandidates, int maxTurns, int maxTextChars) {
    /** 1 MiB, 256 candidates, 64 turns, 4,000 chars. */
    public static final Limits DEFAULTS = new Limits(1 << 20, 256, 64, 4_000);

    /**
     * Creates limits.
     *
     * @throws IllegalArgumentException if a limit is not positive
     */
    public Limits {
      if (maxBodyBytes <= 0 || maxCandidates <= 0 || maxTurns <= 0 || maxTextChars <= 0) {
        throw new IllegalArgumentException(
            "limits must be positive, but were "
                + maxBodyBytes
                + ", "
                + maxCandidates
                + ", "
                + maxTurns
                + ", "
                + maxTextChars);
      }
    }
  }

  private final Reranker reranker;
  private final HttpServer server;
  private final ExecutorService pool;
  private final Limits limits;
  private final Duration timeout;
  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger(); // exchanges not yet answered

  private RerankServer(Builder b) throws IOException {
    this.reranker = b.reranker;
    this.limits = b.limits;
    this.timeout = b.timeout;
    this.pool = Executors.newFixedThreadPool(b.threads, daemonThreads());
    this.server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), b.backlog);
    server.setExecutor(pool);
    server.createContext("/rerank", ex -> handle(ex, "/rerank", "POST", this::rerank));
    server.createContext("/health", ex -> handle(ex, "/health", "GET", this::health));
    server.createContext("/metrics", ex -> handle(ex, "/metrics", "GET", this::metrics));
    server.createContext("/", ex -> handle(ex, null, null, null));
    server.start();
  }

  /** Returns a builder for a server in front of {@code reranker}, which it shares, never closes. */
  public static Builder builder(Reranker reranker) {
    return new Builder(requireNonNull(reranker, "reranker"));
  }

  /** Returns the bound port (the chosen one when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange exchange) throws IOException, RequestJson.Rejected;
  }

  /** Routes by exact path and method; every failure becomes a JSON error, never a dropped call. */
  private void handle(
      HttpExchange ex, @Nullable String path, @Nullable String method, @Nullable Handler handler) {
    inFlight.incrementAndGet(); // respond() takes it off, on every path
    try {
      if (closed.get()) {
        ex.getResponseHeaders().set("Connection", "close");
        respondError(ex, 503, "shutting down");
      } else if (path == null || handler == null || !ex.getRequestURI().getPath().equals(path)) {
        respondError(
            ex,
            404,
            "no such path '"
                + ex.getRequestURI().getPath()
                + "'; try POST /rerank, GET /health, GET /metrics");
      } else if (!ex.getRequestMethod().equals(method)) {
        ex.getResponseHeaders().set("Allow", method);
        respondError(
            ex,
            405,
            "method " + ex.getRequestMethod() + " not allowed on " + path + "; use " + method);
      } else {
        handler.handle(ex);
      }
    } catch (RequestJson.Rejected e) {
      respondError(ex, e.status, String.valueOf(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      logger.warn("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      respondError(ex, 500, "internal error: " + e);
    }
  }

  private void rerank(HttpExchange ex) throws IOException, RequestJson.Rejected {
    String body = new String(readBody(ex), StandardCharsets.UTF_8);
    RequestJson.Input input = RequestJson.parse(body, limits);
    CompletableFuture<Ranking> ranking;
    try {
      ranking = reranker.rankAsync(input.dialog(), input.candidates(), timeout);
    } catch (IllegalArgumentException e) { // more candidates than the reranker's queue holds
      throw new RequestJson.Rejected(413, String.valueOf(e.getMessage()));
    }
    // Answer on our pool, not on the reranker's thread that completed the future.
    var unused =
        ranking.whenCompleteAsync(
            (r, failure) -> {
              if (failure != null) {
                respondFailure(ex, failure);
                return;
              }
              String json;
              try {
                json = RankCommand.GSON.toJson(RankingJson.of(r));
              } catch (RuntimeException e) { // a bug, but the client still gets an answer
                respondFailure(ex, e);
                return;
              }
              respond(ex, 200, JSON, json);
            },
            pool);
  }

  private void respondFailure(HttpExchange ex, Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RerankerOverloadedException) {
      ex.getResponseHeaders().set("Retry-After", "1");
      respondError(ex, 503, "overloaded: " + cause.getMessage());
    } else if (cause instanceof RerankerClosedException) {
      respondError(ex, 503, "shutting down: " + cause.getMessage());
    } else if (cause instanceof RerankerTimeoutException) {
      respondError(ex, 504, "timed out after " + timeout.toMillis() + " ms: " + cause.getMessage());
    } else {
      logger.warn("reranking failed", cause);
      respondError(ex, 500, "reranking failed: " + cause.getMessage());
    }
  }

  private byte[] readBody(HttpExchange ex) throws IOException, RequestJson.Rejected {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.strip());
      } catch (NumberFormatException e) {
        throw new RequestJson.Rejected(400, "bad Content-Length '" + length + "'");
      }
      if (declared > limits.maxBodyBytes()) { // refuse before parsing a byte of it
        try (InputStream in = ex.getRequestBody()) {
          drain(in);
        }
        throw new RequestJson.Rejected(413, tooLarge(declared));
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(limits.maxBodyBytes() + 1); // chunked bodies declare no length
      if (body.length > limits.maxBodyBytes()) {
        drain(in);
        throw new RequestJson.Rejected(413, tooLarge(body.length));
      }
      return body;
    }
  }

  /**
   * Reads and discards what is left of a refused body, up to {@link #DRAIN_LIMIT_BYTES}: closing a
   * socket with unread input makes TCP reset the connection, and the client would never see its
   * 413. Past the cap, a reset is the cheaper answer.
   */
  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = DRAIN_LIMIT_BYTES;
    for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
      left -= n;
    }
  }

  private String tooLarge(long bytes) {
    return "body of "
        + (bytes > limits.maxBodyBytes() ? "over " + limits.maxBodyBytes() : bytes)
        + " bytes exceeds the limit of "
        + limits.maxBodyBytes()
        + " bytes";
  }

  private void health(HttpExchange ex) {
    respond(ex, 200, JSON, "{\"status\":\"ok\"}");
  }

  private void metrics(HttpExchange ex) {
    Map<Integer, Long> counts = new TreeMap<>();
    responses.forEach((code, n) -> counts.put(code, n.sum()));
    respond(ex, 200, PROMETHEUS, PrometheusMetrics.render(reranker.stats(), counts));
  }

  private void respondError(HttpExchange ex, int status, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("error", message);
    respond(ex, status, JSON, RankCommand.GSON.toJson(error));
  }

  private void respond(HttpExchange ex, int status, String contentType, String body) {
    responses.computeIfAbsent(status, k -> new LongAdder()).increment();
    try {
      write(ex, status, contentType, body);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static void write(HttpExchange ex, int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = ex.getResponseBody()) {
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    } catch (IOException e) {
      logger.debug("client went away before its {} answer", status, e); // nothing left to tell
    } finally {
      ex.close();
    }
  }

  /**
   * Answers new requests 503, lets those in progress finish (up to 2 s), then stops listening and
   * stops the pool. Does not close the reranker. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      // Our own wait, then stop(0): JDK 17's HttpServer.stop(delay) waited the whole delay here
      // even with no exchange in progress (2 s per test server).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      boolean interrupted = false;
      while (inFlight.get() > 0 && System.nanoTime() < deadline && !interrupted) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      server.stop(0);
      pool.shutdown();
      try {
        if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        interrupted = true;
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "rerank-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Configures and starts a {@link RerankServer}. */
  public static final class Builder {
    /** Default port: 8080. */
    public static final int DEFAULT_PORT = 8080;

    /** Default pool size: 32 threads parse requests and write answers. */
    public static final int DEFAULT_THREADS = 32;

    /** Default per-request deadline: 10 s, then 504. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Reranker reranker;
    private int port = DEFAULT_PORT;
    private int threads = DEFAULT_THREADS;
    private int backlog = 256;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Limits limits = Limits.DEFAULTS;

    private Builder(Reranker reranker) {
      this.reranker = reranker;
    }

    /**
     * Sets the port on 127.0.0.1; 0 picks a free one ({@link #port()} tells which).
     *
     * @throws IllegalArgumentException if not in [0, 65535]
     */
    @CanIgnoreReturnValue
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535], but was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the pool's thread count.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder threads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Sets each request's deadline in the reranker; past it the answer is 504.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Sets the request limits (default {@link Limits#DEFAULTS}). */
    @CanIgnoreReturnValue
    public Builder limits(Limits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws IOException if the port cannot be bound
     */
    public RerankServer start() throws IOException {
      return new RerankServer(this);
    }
  }
}
