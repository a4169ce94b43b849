package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import dev.reranker.RerankerStats;
import dev.reranker.micrometer.RerankerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The serve command's {@code /metrics}: a Micrometer {@link PrometheusMeterRegistry} with the
 * reranker's meters ({@link RerankerMetrics}), Micrometer's JVM and process binders (memory, GC,
 * threads, class loading, CPU, uptime, file descriptors) and {@code reranker.http.responses}, the
 * HTTP answers sent, tagged by status {@code code}.
 */
final class ServerMetrics implements AutoCloseable {
  /** The Prometheus text format (0.0.4) that {@link #scrape()} writes. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<Integer, Counter> responses = new ConcurrentHashMap<>();

  ServerMetrics(Supplier<RerankerStats> stats) {
    RerankerMetrics.of(requireNonNull(stats, "stats"), Tags.empty()).bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * Adds {@code reranker.http.connections.open}, the client connections open now (read from {@code
   * open} at each scrape), and {@code reranker.http.connections.max}, the cap.
   */
  void connections(IntSupplier open, int max) {
    requireNonNull(open, "open");
    Gauge.builder("reranker.http.connections.open", open, IntSupplier::getAsInt)
        .description("Client connections open now.")
        .register(registry);
    Gauge.builder("reranker.http.connections.max", () -> max)
        .description("The most client connections open at once; past it, accepting waits.")
        .register(registry);
  }

  /** Counts one HTTP answer with {@code status}. */
  void count(int status) {
    responses
        .computeIfAbsent(
            status,
            code ->
                Counter.builder("reranker.http.responses")
                    .description("HTTP answers sent, by status code.")
                    .tag("code", Integer.toString(code))
                    .register(registry))
        .increment();
  }

  /** Returns the HTTP answers counted so far, all codes together. */
  long answered() {
    return (long) responses.values().stream().mapToDouble(Counter::count).sum();
  }

  /** Returns every meter in the Prometheus text format, {@link #CONTENT_TYPE}. */
  String scrape() {
    return registry.scrape();
  }

  /** Stops the GC listener and closes the registry. Idempotent. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
