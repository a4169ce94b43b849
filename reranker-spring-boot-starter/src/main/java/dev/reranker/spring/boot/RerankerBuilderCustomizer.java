package dev.reranker.spring.boot;

import dev.reranker.Reranker;

/**
 * Changes the auto-configured reranker's builder after the {@code reranker.*} properties were
 * applied and before the model loads: add your own heuristics (they run inside the configured
 * ones), a fallback reply, a calibration, devices. Every bean of this type is applied, in {@link
 * org.springframework.core.Ordered} order. For example, as a {@code @Bean} method:
 *
 * <pre>{@code
 * RerankerBuilderCustomizer noLinks() {
 *   return builder -> builder.heuristics(Heuristic.before(req -> req.filter("no-links",
 *       c -> c.text().contains("http") ? "contains a link" : null)));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RerankerBuilderCustomizer {
  /** Customizes {@code builder}; called once, on the thread that creates the Reranker bean. */
  void customize(Reranker.Builder builder);
}
