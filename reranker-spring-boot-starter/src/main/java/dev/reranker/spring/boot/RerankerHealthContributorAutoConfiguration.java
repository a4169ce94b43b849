package dev.reranker.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configures the {@code reranker} health indicator over the auto-configured reranker: DOWN
 * until the model is loaded, then UP with the reranker's description. Needs {@code
 * spring-boot-health} (brought by {@code spring-boot-starter-actuator}); {@code
 * management.health.reranker.enabled=false} turns it off.
 */
@AutoConfiguration(
    after = RerankerAutoConfiguration.class,
    beforeName =
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RerankerLifecycle.class)
@ConditionalOnEnabledHealthIndicator("reranker")
public final class RerankerHealthContributorAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "rerankerHealthIndicator")
  HealthIndicator rerankerHealthIndicator(RerankerLifecycle lifecycle) {
    return new RerankerHealthIndicator(lifecycle);
  }
}
