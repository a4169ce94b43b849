/**
 * Micrometer metrics for a reranker: {@link dev.reranker.micrometer.RerankerMetrics} binds a
 * reranker's {@link dev.reranker.RerankerStats} to any {@link
 * io.micrometer.core.instrument.MeterRegistry} (Prometheus, OTLP, Datadog, Spring Boot's own):
 *
 * <pre>{@code
 * RerankerMetrics.of(reranker).bindTo(registry);
 * }</pre>
 *
 * <p>Null is never a valid argument: methods throw {@link NullPointerException} naming it.
 */
@NullMarked
@CheckReturnValue
package dev.reranker.micrometer;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
