package dev.reranker.spring.boot;

import dev.reranker.Reranker;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Auto-configures one {@link Reranker} bean from the {@link RerankerProperties reranker.*
 * properties} and {@link RerankerBuilderCustomizer} beans, with the {@link RerankerLifecycle} that
 * loads it (at startup, or on first use with {@code reranker.lazy-init=true}) and closes it after
 * the web server's graceful shutdown. Backs off entirely when the application defines a {@code
 * Reranker} bean of its own, and when {@code reranker.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(Reranker.class)
@ConditionalOnBooleanProperty(name = "reranker.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RerankerProperties.class)
public final class RerankerAutoConfiguration {
  /** The property that defers the model's load to the bean's first use. */
  static final String LAZY_INIT = "reranker.lazy-init";

  // The condition sits on the class: it is evaluated before this class adds a Reranker of its own.
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Reranker.class)
  static class RerankerConfiguration {
    @Bean
    RerankerLifecycle rerankerLifecycle(
        RerankerProperties properties,
        ObjectProvider<RerankerBuilderCustomizer> customizers,
        ApplicationEventPublisher events,
        ObjectProvider<ApplicationAvailability> availability) {
      // Configured (and so checked) now, even when the model loads later.
      Reranker.Builder builder = RerankerBuilders.from(properties);
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      return new RerankerLifecycle(
          () -> RerankerBuilders.build(builder, properties), events, availability::getIfAvailable);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = LAZY_INIT, havingValue = false, matchIfMissing = true)
    Reranker reranker(RerankerLifecycle lifecycle) {
      return lifecycle.reranker();
    }

    @Bean(name = "reranker")
    @Lazy
    @ConditionalOnBooleanProperty(name = LAZY_INIT)
    Reranker lazyReranker(RerankerLifecycle lifecycle) {
      return lifecycle.reranker();
    }
  }
}
