package dev.reranker.spring.boot;

import dev.reranker.micrometer.RerankerMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers reranker-micrometer's {@link RerankerMetrics} over the auto-configured reranker when
 * Micrometer and {@code dev.reranker:reranker-micrometer} are on the classpath: Spring Boot binds
 * every {@link MeterBinder} bean to its registries. The meters read zeros until the model is loaded
 * and never load it.
 */
@AutoConfiguration(after = RerankerAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, RerankerMetrics.class})
@ConditionalOnBean(RerankerLifecycle.class)
public final class RerankerMetricsAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "rerankerMetrics")
  RerankerMetrics rerankerMetrics(RerankerLifecycle lifecycle) {
    return new RerankerMetrics(lifecycle::stats, Tags.empty());
  }
}
