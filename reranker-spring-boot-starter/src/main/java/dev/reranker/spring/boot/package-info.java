/**
 * Spring Boot auto-configuration for the reranker: add {@code
 * dev.reranker:reranker-spring-boot-starter} and inject a {@link dev.reranker.Reranker}.
 *
 * <ul>
 *   <li>{@link dev.reranker.spring.boot.RerankerAutoConfiguration}: the {@code Reranker} bean from
 *       the {@link dev.reranker.spring.boot.RerankerProperties reranker.* properties}, shaped
 *       further by {@link dev.reranker.spring.boot.RerankerBuilderCustomizer} beans, and its {@link
 *       dev.reranker.spring.boot.RerankerLifecycle}, which closes it after the web server's
 *       graceful shutdown;
 *   <li>{@link dev.reranker.spring.boot.RerankerHealthContributorAutoConfiguration}: the {@code
 *       reranker} health indicator;
 *   <li>{@link dev.reranker.spring.boot.RerankerMetricsAutoConfiguration}: reranker-micrometer's
 *       meters, when Micrometer is present.
 * </ul>
 */
@NullMarked
@CheckReturnValue
package dev.reranker.spring.boot;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
