package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import com.google.gson.JsonObject;
import dev.reranker.Candidate;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.RerankerClosedException;
import dev.reranker.RerankerOverloadedException;
import dev.reranker.RerankerTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reranker as an HTTP JSON service on Jetty 12 (core handlers, no servlets), bound to
 * 127.0.0.1:
 *
 * <ul>
 *   <li>{@code POST /rerank} with {@code {"context": [TURN, ...], "persona": [FACT, ...],
 *       "candidates": [TEXT or {"text": ..., "source": ...}, ...]}} (context oldest first, the last
 *       turn the user's; persona optional) answers the object of {@code rank --json} ({@link
 *       RankingJson}) plus {@code "truncated": {"turns": N, "persona": N}}, what was left out of a
 *       long dialog ({@link RequestJson});
 *   <li>{@code POST /v1/rerank}, Cohere's and TEI's rerank API: {@code {"query": TEXT (or
 *       "context": [TURN, ...], "persona": [...]), "documents": [TEXT or {"text": ...}, ...],
 *       "top_n": N, "return_documents": BOOL}} answers {@code {"id", "results": [{"index",
 *       "relevance_score", "document"}], "meta"}} ({@link DocumentsJson});
 *   <li>{@code GET /health} (or {@code HEAD}) answers {@code {"status":"ok"}} while the server
 *       runs; {@code GET /ready} answers {@code {"status":"ready"}} once the warm-up ranking ran
 *       ({@link Builder#warmUp}), else 503 {@code {"status":"warming_up"}};
 *   <li>{@code GET /openapi.json} answers the OpenAPI 3.0 document of these endpoints ({@link
 *       OpenApi});
 *   <li>{@code GET /metrics} (or {@code HEAD}) answers, in Prometheus text format, the reranker's
 *       meters ({@link dev.reranker.micrometer.RerankerMetrics}), the HTTP answers by status
 *       ({@code reranker_http_responses_total{code="200"}}), the open connections ({@code
 *       reranker_http_connections_open}, and {@code reranker_http_connections_max}) and
 *       Micrometer's JVM and process meters ({@link ServerMetrics}).
 * </ul>
 *
 * <p>Every error, Jetty's own protocol errors included, answers {@code {"error": CODE, "message":
 * TEXT}} with a stable code: 400 {@code malformed_json}, {@code invalid_utf8}, {@code bad_request}
 * (bad framing: Content-Length, chunks, a body shorter than declared); 404 {@code not_found}; 405
 * {@code method_not_allowed}; 408 {@code request_timeout} (the body stalled past the idle timeout);
 * 413 {@code body_too_large} (refused from its Content-Length, before reading it, or as soon as a
 * chunked body passes the limit), {@code too_many_candidates}; 415 {@code unsupported_media_type}
 * (a Content-Type that is not JSON); 422 {@code invalid_request}; 431 {@code headers_too_large};
 * 503 {@code overloaded} (the reranker's queue is full) or {@code shutting_down}; 504 {@code
 * timeout}; 500 {@code internal}. A client error logs at most one DEBUG line, never a stack trace.
 *
 * <p>Threads: one shared {@link Reranker} serves every request, so that concurrent requests batch
 * together. No thread waits for a client or the model: the body is read as it arrives (Jetty calls
 * back when more is there), {@link Reranker#rankAsync} queues the pairs, and the answer is written
 * when the future completes. A silent or slow client holds a connection, not a thread, until the
 * idle timeout closes it, and {@link Builder#maxConnections} caps the connections. A client that
 * disconnects before its answer cancels its request, so its pairs that are still queued are never
 * scored ({@code reranker_cancelled_total}, and {@code code="499"} in {@code /metrics}).
 *
 * <p>{@link #close()} drains: it stops accepting, answers every request already accepted (its
 * result, or a 503 {@code shutting_down} once {@link Builder#drainTimeout} has passed), then stops.
 */
public final class RerankServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(RerankServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final Pattern SAFE_REASON = Pattern.compile("[A-Za-z0-9 ,:;'()/=-]{1,80}");

  /** Status of a request whose client went away before its answer (nginx's convention). */
  static final int CLIENT_CLOSED = 499;

  /**
   * What a request may hold. The body size and the candidate count are hard limits (413); the
   * dialog is cut to fit the other two instead ({@link RequestJson}).
   *
   * @param maxBodyBytes the largest request body
   * @param maxCandidates the most candidates in one request
   * @param maxTurns the most context turns kept (the newest), and the most persona facts kept
   * @param maxContextChars the most characters of context kept, and of persona facts kept
   */
  public record Limits(int maxBodyBytes, int maxCandidates, int maxTurns, int maxContextChars) {
    /** 1 MiB, 256 candidates, 64 turns, 16,000 chars. */
    public static final Limits DEFAULTS = new Limits(1 << 20, 256, 64, 16_000);

    /**
     * Creates limits.
     *
     * @throws IllegalArgumentException if a limit is not positive
     */
    public Limits {
      if (maxBodyBytes <= 0 || maxCandidates <= 0 || maxTurns <= 0 || maxContextChars <= 0) {
        throw new IllegalArgumentException(
            "limits must be positive, but were "
                + maxBodyBytes
                + ", "
                + maxCandidates
                + ", "
                + maxTurns
                + ", "
                + maxContextChars);
      }
    }
  }

  private final Reranker reranker;
  private final Server server;
  private final ServerConnector connector;
  private final QueuedThreadPool threads;
  private final Limits limits;
  private final Duration timeout;
  private final Duration drainTimeout;
  private final ServerMetrics metrics;
  private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet(); // accepted, not answered
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The paths answered to GET and HEAD. */
  private static final Set<String> GETS = Set.of("/health", "/ready", "/metrics", "/openapi.json");

  /** Completes once a warm-up ranking has run through the model: {@code /ready} says so. */
  private final CompletableFuture<?> ready;

  private RerankServer(Builder b) throws IOException {
    this.reranker = b.reranker;
    this.limits = b.limits;
    this.timeout = b.timeout;
    this.drainTimeout = b.drainTimeout;
    this.metrics = new ServerMetrics(reranker::stats);
    this.threads = new QueuedThreadPool(b.threads, Math.min(b.threads, 8));
    threads.setName("rerank-http");
    threads.setDaemon(true);
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(16 * 1024);
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(b.port);
    connector.setIdleTimeout(b.idleTimeout.toMillis());
    connector.setAcceptQueueSize(b.backlog);
    server.addConnector(connector);
    // Past the cap the connector stops accepting (the kernel's backlog holds the rest) until one
    // closes; idle ones close after the idle timeout, so a flood of silent clients cannot hold it.
    server.addBean(new NetworkConnectionLimit(b.maxConnections, connector));
    metrics.connections(() -> connector.getConnectedEndPoints().size(), b.maxConnections);
    server.setErrorHandler(new JsonErrorHandler());
    server.setHandler(new GracefulHandler(new Routes()));
    // close() answers what is left with 503 at drainTimeout; the extra second is for writing those.
    server.setStopTimeout(drainTimeout.toMillis() + 1_000);
    server.setStopAtShutdown(false); // ServeCommand's hook drains, then frees the model
    // The first forward builds the model's fast path: do it before traffic, and say when in /ready.
    this.ready =
        b.warmUp
            ? reranker
                .rankAsync(
                    Dialogs.fromContext(List.of("Hi, how are you?"), List.of()),
                    List.of(Candidate.of("I am fine, thanks!"), Candidate.of("Hello there.")))
                .exceptionally(
                    failure -> {
                      logger.warn("warm-up ranking failed: {}", failure.toString());
                      return null;
                    })
            : CompletableFuture.completedFuture(null);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      metrics.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  /** Returns a builder for a server in front of {@code reranker}, which it shares, never closes. */
  public static Builder builder(Reranker reranker) {
    return new Builder(requireNonNull(reranker, "reranker"));
  }

  /** Returns the bound port (the chosen one when started on port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Routes by exact path and method. Never blocks: each route answers now or calls back. */
  private final class Routes extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Exchange ex = new Exchange(request, response, callback);
      inFlight.add(ex);
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      if (closed.get()) {
        ex.error(503, "shutting_down", "the server is shutting down");
      } else if ("/rerank".equals(path) || "/v1/rerank".equals(path)) {
        if (method.equals("POST")) {
          rerank(ex, "/v1/rerank".equals(path));
        } else {
          ex.notAllowed(path, "POST");
        }
      } else if (GETS.contains(path)) {
        if (method.equals("GET") || method.equals("HEAD")) {
          switch (path) {
            case "/health" -> ex.respond(200, JSON, "{\"status\":\"ok\"}");
            case "/ready" -> {
              if (ready.isDone() && !ready.isCompletedExceptionally()) {
                ex.respond(200, JSON, "{\"status\":\"ready\"}");
              } else {
                ex.respond(503, JSON, "{\"status\":\"warming_up\"}");
              }
            }
            case "/openapi.json" -> ex.respond(200, JSON, OpenApi.document());
            default -> ex.respond(200, ServerMetrics.CONTENT_TYPE, metrics.scrape());
          }
        } else {
          ex.notAllowed(path, "GET, HEAD");
        }
      } else {
        ex.error(
            404,
            "not_found",
            "no such path '"
                + (path == null ? request.getHttpURI().toString() : path)
                + "'; try POST /rerank, POST /v1/rerank, GET /health, GET /ready, GET /metrics,"
                + " GET /openapi.json");
      }
      return true;
    }
  }

  private void rerank(Exchange ex, boolean documents) {
    String type = ex.request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type != null && !isJson(type)) {
      ex.error(415, "unsupported_media_type", "Content-Type must be application/json");
      return;
    }
    long declared = ex.request.getLength();
    if (declared > lingerBytes()) { // refuse before reading a byte of it
      ex.error(413, "body_too_large", tooLarge(declared));
      return;
    }
    new BodyReader(ex, documents).run();
  }

  private static boolean isJson(String contentType) {
    String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return mime.equals("application/json") || mime.endsWith("+json");
  }

  private String tooLarge(long bytes) {
    return "body of "
        + (bytes > limits.maxBodyBytes() ? "over " + limits.maxBodyBytes() : bytes)
        + " bytes exceeds the limit of "
        + limits.maxBodyBytes()
        + " bytes";
  }

  /**
   * How much of a too-large body is read and dropped before the 413 (4 x the limit): a client still
   * sending when the server answers and closes would get a connection reset instead of the answer
   * (nginx's lingering close does the same). A body declared larger is refused unread.
   */
  private long lingerBytes() {
    return 4L * limits.maxBodyBytes();
  }

  /**
   * Reads the body as Jetty delivers it, never waiting: when no bytes are there, it asks to be run
   * again when some are. Past the limit it drops what comes, up to {@link #lingerBytes}, then
   * answers 413.
   */
  private final class BodyReader implements Runnable {
    private final Exchange ex;
    private final boolean documents;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** Bytes read once the body is known to be too large, or -1 while it is not. */
    private long dropped;

    BodyReader(Exchange ex, boolean documents) {
      this.ex = ex;
      this.documents = documents;
      this.dropped = ex.request.getLength() > limits.maxBodyBytes() ? 0 : -1;
    }

    /** Answers 413: the body is over the limit, by how much no longer matters. */
    private void refuse() {
      ex.error(413, "body_too_large", tooLarge(limits.maxBodyBytes() + 1L));
    }

    @Override
    public void run() {
      while (true) {
        if (ex.answered.get()) { // answered 503 by the drain while its body was still coming
          return;
        }
        Content.Chunk chunk = ex.request.read();
        if (chunk == null) {
          ex.request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          Throwable failure = requireNonNull(chunk.getFailure());
          if (dropped >= 0) {
            refuse();
          } else if (failure instanceof TimeoutException) {
            ex.error(408, "request_timeout", "the body did not arrive within the idle timeout");
          } else {
            ex.error(400, "bad_request", "the body is incomplete or badly framed");
          }
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int size = bytes.remaining();
        if (dropped < 0 && body.size() + (long) size > limits.maxBodyBytes()) {
          dropped = body.size();
          body.reset();
        }
        if (dropped >= 0) {
          dropped += size;
          boolean last = chunk.isLast();
          chunk.release();
          if (last || dropped > lingerBytes()) {
            refuse();
            return;
          }
          continue;
        }
        byte[] copy = new byte[size];
        bytes.get(copy);
        body.write(copy, 0, size);
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          submit(ex, body.toByteArray(), documents);
          return;
        }
      }
    }
  }

  private void submit(Exchange ex, byte[] body, boolean documents) {
    RequestJson.Input input;
    RequestJson.@Nullable DocumentsInput documentsInput = null;
    CompletableFuture<Ranking> ranking;
    try {
      String text = RequestJson.utf8(body);
      if (documents) {
        documentsInput = RequestJson.parseDocuments(text, limits);
        input = documentsInput.input();
      } else {
        input = RequestJson.parse(text, limits);
      }
      try {
        ranking = reranker.rankAsync(input.dialog(), input.candidates(), timeout);
      } catch (IllegalArgumentException e) { // more candidates than the reranker's queue holds
        throw new RequestJson.Rejected(413, "too_many_candidates", String.valueOf(e.getMessage()));
      }
    } catch (RequestJson.Rejected e) {
      ex.error(e.status, e.code, String.valueOf(e.getMessage()));
      return;
    } catch (RuntimeException e) {
      ex.fault(e);
      return;
    }
    RequestJson.@Nullable DocumentsInput finalDocuments = documentsInput;
    // A client that hangs up cancels its request: its pairs still queued are dropped unscored.
    ex.request.addFailureListener(failure -> ranking.cancel(false));
    ex.onShutdown = () -> ranking.cancel(false);
    ex.watchForHangUp(() -> ranking.cancel(false));
    // Jetty cuts every connection's idle timeout to 1 s when it stops; a request waiting for the
    // model is idle, and the drain timeout, not that, decides when it gets its 503.
    ex.request.addIdleTimeoutListener(idle -> !closed.get());
    // Answer on Jetty's pool, not on the reranker's thread that completed the future.
    var unused =
        ranking.whenCompleteAsync(
            (r, failure) -> {
              if (failure != null) {
                ex.failed(failure);
                return;
              }
              String json;
              try {
                JsonObject o;
                if (finalDocuments != null) {
                  o = DocumentsJson.of(r, finalDocuments);
                } else {
                  o = RankingJson.of(r);
                  JsonObject truncated = new JsonObject();
                  truncated.addProperty("turns", input.droppedTurns());
                  truncated.addProperty("persona", input.droppedPersona());
                  o.add("truncated", truncated);
                }
                json = RequestJson.escapeLoneSurrogates(RankCommand.GSON.toJson(o));
              } catch (RuntimeException e) { // a bug, but the client still gets an answer
                ex.fault(e);
                return;
              }
              ex.respond(200, JSON, json);
            },
            threads);
  }

  /** One request and its answer, given exactly once. */
  private final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    final AtomicBoolean answered = new AtomicBoolean();
    volatile @Nullable Runnable onShutdown;
    volatile @Nullable HangUpWatch watch;
    volatile boolean closeAfter;

    Exchange(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    void notAllowed(String path, String allow) {
      response.getHeaders().put(HttpHeader.ALLOW, allow);
      error(
          405,
          "method_not_allowed",
          "method " + request.getMethod() + " not allowed on " + path + "; use " + allow);
    }

    void failed(Throwable failure) {
      Throwable cause = failure;
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof CancellationException) {
        if (closed.get()) {
          error(503, "shutting_down", "the server shut down before the answer was ready");
        } else { // the client hung up; nobody is left to answer
          abort(cause);
        }
      } else if (cause instanceof RerankerOverloadedException overloaded) {
        // Whole seconds (RFC 9110), rounded up: the queue's estimate of its backlog, or 1 s.
        long seconds =
            overloaded.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(1L);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
        error(503, "overloaded", "overloaded: " + cause.getMessage());
      } else if (cause instanceof RerankerClosedException) {
        error(503, "shutting_down", "shutting down: " + cause.getMessage());
      } else if (cause instanceof RerankerTimeoutException) {
        error(504, "timeout", "timed out after " + timeout.toMillis() + " ms");
      } else {
        fault(cause);
      }
    }

    void fault(Throwable cause) {
      logger.warn("reranking failed", cause); // ours, not the client's: the trace is worth it
      error(500, "internal", "reranking failed; see the server log");
    }

    void error(int status, String code, String message) {
      if (status >= 400 && status < 500) {
        logger.debug(
            "{} {} -> {} {}: {}", request.getMethod(), request.getHttpURI(), status, code, message);
      }
      if (status == 413 || status == 408 || status == 400 || closed.get()) {
        // The rest of the body is unread (or the server is going): do not read it to find the next
        // request.
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      }
      respond(status, JSON, errorJson(code, message));
    }

    /**
     * Jetty reads nothing from an HTTP/1.1 connection while its request is being handled, so it
     * would not notice the client leave until the answer is written. Once the whole body is read,
     * this asks to hear when the socket becomes readable: end of stream (or a reset) means the
     * client hung up (nginx's 499 does the same, so a client that only half-closes is taken as gone
     * too). A byte of a pipelined next request is consumed, so that connection closes after this
     * answer instead of reading a mangled request.
     */
    void watchForHangUp(Runnable hangUp) {
      if (request.getConnectionMetaData().getConnection().getEndPoint()
          instanceof AbstractEndPoint endPoint) {
        HangUpWatch w = new HangUpWatch(endPoint, hangUp);
        watch = w;
        w.arm();
      }
    }

    /** Is told when a waiting request's socket turns readable. */
    final class HangUpWatch implements Callback {
      private final AbstractEndPoint endPoint;
      private final Runnable hangUp;
      private final AtomicBoolean armed = new AtomicBoolean();
      private int spurious; // only the selector's callback touches it, one at a time

      HangUpWatch(AbstractEndPoint endPoint, Runnable hangUp) {
        this.endPoint = endPoint;
        this.hangUp = hangUp;
      }

      void arm() {
        if (!answered.get() && armed.compareAndSet(false, true)) {
          if (!endPoint.tryFillInterested(this)) {
            armed.set(false); // Jetty is reading (a pipelined request): leave the socket to it
          }
        }
      }

      /** Before the answer: Jetty will want the fill interest back for the next request. */
      void disarm() {
        if (armed.compareAndSet(true, false)) {
          endPoint.getFillInterest().onFail(new CancellationException("answered"));
        }
      }

      @Override
      public void succeeded() {
        if (!armed.compareAndSet(true, false)) {
          return;
        }
        int n;
        try {
          n = endPoint.fill(BufferUtil.allocate(1)); // empty in Jetty's flush-mode convention
        } catch (IOException e) {
          n = -1;
        }
        if (n < 0) {
          hangUp.run();
        } else if (n > 0) {
          closeAfter = true;
        } else if (spurious++ < 3) {
          arm(); // woken for nothing
        }
      }

      @Override
      public void failed(Throwable x) {
        armed.set(false); // disarmed, or the endpoint closed: Jetty fails the request then
      }

      @Override
      public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING; // a 1-byte read and a cancel
      }
    }

    void respond(int status, String contentType, String body) {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      HangUpWatch w = watch;
      if (w != null) {
        w.disarm();
      }
      if (closeAfter) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      }
      inFlight.remove(this);
      count(status);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length); // HEAD sends no body
      response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    void abort(Throwable cause) {
      if (answered.compareAndSet(false, true)) {
        HangUpWatch w = watch;
        if (w != null) {
          w.disarm();
        }
        inFlight.remove(this);
        count(CLIENT_CLOSED);
        logger.debug("{} {}: the client went away", request.getMethod(), request.getHttpURI());
        // Quiet (an EofException): Jetty logs a plain failure as a WARN with a stack trace.
        callback.failed(new EofException("the client hung up: " + cause));
      }
    }

    /** At the end of the drain: the request's answer is a 503 now. */
    void shutDown() {
      Runnable cancel = onShutdown;
      error(503, "shutting_down", "the server shut down before the answer was ready");
      if (cancel != null) {
        cancel.run();
      }
    }
  }

  private void count(int status) {
    metrics.count(status);
  }

  static String errorJson(String code, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("error", code);
    error.addProperty("message", message);
    return RequestJson.escapeLoneSurrogates(RankCommand.GSON.toJson(error));
  }

  /** Jetty's own errors (bad framing, headers too large, ...) as our JSON, counted. */
  private final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status =
          request.getAttribute(ERROR_STATUS) instanceof Integer code ? code : response.getStatus();
      response.setStatus(status);
      String reason =
          status == 503 // GracefulHandler's answer to a request that came after close()
              ? "the server is shutting down"
              : reason(request.getAttribute(ERROR_MESSAGE), status);
      logger.debug("{} {} -> {} (protocol)", request.getMethod(), request.getHttpURI(), status);
      count(status);
      byte[] bytes = errorJson(code(status), reason).getBytes(StandardCharsets.UTF_8);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      response.write(true, ByteBuffer.wrap(bytes), callback);
      return true;
    }
  }

  /** Jetty's reason when it is a short plain phrase, else a generic one: no class names leak. */
  private static String reason(@Nullable Object jettyMessage, int status) {
    String s = jettyMessage == null ? "" : jettyMessage.toString();
    if (SAFE_REASON.matcher(s).matches() && !s.contains("Exception")) {
      return s;
    }
    return status >= 500 ? "server error" : "the request is malformed";
  }

  private static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 411 -> "length_required";
      case 413 -> "body_too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      case 500 -> "internal";
      case 501 -> "not_implemented";
      case 503 -> "shutting_down";
      case 505 -> "http_version_not_supported";
      default -> "http_" + status;
    };
  }

  /**
   * Drains and stops: stops accepting, answers new requests on open connections 503, lets the
   * requests in progress finish until the drain timeout, answers those still waiting 503, then
   * closes every connection. Logs one INFO line at the start and one at the end. Does not close the
   * reranker. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    long answeredBefore = answeredTotal();
    int pending = inFlight.size();
    logger.info(
        "shutting down: draining {} requests in flight, up to {} ms",
        pending,
        drainTimeout.toMillis());
    LongAdder expired = new LongAdder();
    Thread deadline =
        new Thread(
            () -> {
              try {
                Thread.sleep(drainTimeout.toMillis());
              } catch (InterruptedException e) {
                return; // drained in time
              }
              for (Exchange ex : inFlight) {
                expired.increment();
                ex.shutDown();
              }
            },
            "rerank-drain-deadline");
    deadline.setDaemon(true);
    deadline.start();
    try {
      server.stop();
    } catch (Exception e) {
      logger.warn("stopping the HTTP server failed: {}", e.toString());
    }
    deadline.interrupt();
    logger.info(
        "shut down in {} ms: {} answered while draining, {} of them 503 at the drain timeout, {}"
            + " unanswered",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        answeredTotal() - answeredBefore,
        expired.sum(),
        inFlight.size());
    metrics.close();
  }

  private long answeredTotal() {
    return metrics.answered();
  }

  /** Configures and starts a {@link RerankServer}. */
  public static final class Builder {
    /** Default port: 8080. */
    public static final int DEFAULT_PORT = 8080;

    /**
     * Default pool size: 32 threads parse requests and write answers (none waits for a client or
     * the model; Jetty's acceptor and selector take two).
     */
    public static final int DEFAULT_THREADS = 32;

    /** Default idle timeout: 30 s without a byte in either direction closes a connection. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    /** Default drain timeout: 10 s for the requests in flight at {@link #close()}, then 503. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** Default cap on open connections: 1,024. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_024;

    /** Default per-request deadline: 10 s, then 504. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Reranker reranker;
    private int port = DEFAULT_PORT;
    private int threads = DEFAULT_THREADS;
    private int backlog = 256;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Limits limits = Limits.DEFAULTS;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private boolean warmUp;

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
     * @throws IllegalArgumentException if under 8
     */
    @CanIgnoreReturnValue
    public Builder threads(int threads) {
      if (threads < 8) { // Jetty's acceptor, selector and reserved threads come out of the pool
        throw new IllegalArgumentException("threads must be at least 8, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * With {@code true}, ranks one small request through the model at start, and {@code GET /ready}
     * answers 503 {@code warming_up} until it is done (default false: ready at once, for a reranker
     * already warm or a test scorer).
     */
    @CanIgnoreReturnValue
    public Builder warmUp(boolean warmUp) {
      this.warmUp = warmUp;
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

    /**
     * Sets how long a connection may stay silent (no byte in either direction) before it is closed:
     * a client that sends part of a request and waits is cut off then (a stalled body gets 408).
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive(idleTimeout, "idleTimeout");
      return this;
    }

    /**
     * Sets how long {@link RerankServer#close()} lets accepted requests finish; those still waiting
     * then are answered 503 {@code shutting_down}.
     *
     * @throws IllegalArgumentException if negative
     */
    @CanIgnoreReturnValue
    public Builder drainTimeout(Duration drainTimeout) {
      requireNonNull(drainTimeout, "drainTimeout");
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "drainTimeout must not be negative, but was " + drainTimeout);
      }
      this.drainTimeout = drainTimeout;
      return this;
    }

    /**
     * Sets the most open connections; past it the server accepts no more until one closes.
     *
     * @throws IllegalArgumentException if not positive
     */
    @CanIgnoreReturnValue
    public Builder maxConnections(int maxConnections) {
      if (maxConnections <= 0) {
        throw new IllegalArgumentException(
            "maxConnections must be positive, but was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + d);
      }
      return d;
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
