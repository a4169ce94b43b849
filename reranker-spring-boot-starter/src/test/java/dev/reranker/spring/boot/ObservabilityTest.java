package dev.reranker.spring.boot;

import static dev.reranker.spring.boot.TestDialogs.CANDIDATES;
import static dev.reranker.spring.boot.TestDialogs.EXAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Reranker;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Readiness, the {@code reranker} health indicator and the {@code reranker.*} meters, in an
 * application with the actuator on its classpath, the model loaded at startup and lazily.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ObservabilityTest {
  @Test
  void atStartup_theApplicationBecomesReadyOnlyOnceTheModelIsLoaded() {
    try (ConfigurableApplicationContext context = start()) {
      assertThat(context.getBean(ReadinessLog.class).events)
          .containsExactly("ACCEPTING_TRAFFIC while LOADED");
      assertThat(health(context).getStatus()).isEqualTo(Status.UP);
    }
  }

  @Test
  void lazily_readinessDropsWhileTheModelLoads_andHealthAndMetricsFollowTheLoad() {
    ConfigurableApplicationContext context = start("reranker.lazy-init=true");
    RerankerLifecycle lifecycle = context.getBean(RerankerLifecycle.class);
    List<String> readiness = context.getBean(ReadinessLog.class).events;
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    HealthIndicator indicator = context.getBean("rerankerHealthIndicator", HealthIndicator.class);
    try {
      assertThat(readiness).containsExactly("ACCEPTING_TRAFFIC while NOT_LOADED");
      Health before = health(context);
      assertThat(before.getStatus()).isEqualTo(Status.DOWN);
      assertThat(before.getDetails()).containsEntry("state", "not-loaded");
      // The meters are there before the model, read zeros, and do not load it.
      assertThat(registry.get("reranker.requests").functionCounter().count()).isZero();
      assertThat(lifecycle.state()).isEqualTo(RerankerLifecycle.State.NOT_LOADED);

      Reranker reranker = context.getBean(Reranker.class);

      assertThat(readiness)
          .containsExactly(
              "ACCEPTING_TRAFFIC while NOT_LOADED",
              "REFUSING_TRAFFIC while LOADING",
              "ACCEPTING_TRAFFIC while LOADED");
      assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
          .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
      Health after = health(context);
      assertThat(after.getStatus()).isEqualTo(Status.UP);
      assertThat(after.getDetails())
          .containsEntry("state", "loaded")
          .containsEntry("model", reranker.toString());
      assertThat(reranker.toString()).contains("RerankerModel.bundled()", "running=");

      var unused = reranker.rank(EXAM, CANDIDATES);
      assertThat(registry.get("reranker.requests").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("reranker.pairs").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("reranker.request").functionTimer().count()).isEqualTo(1);
    } finally {
      context.close();
    }
    Health closed = indicator.health();
    assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
    assertThat(closed.getDetails()).containsEntry("state", "closed");
  }

  @Test
  void theHealthIndicator_canBeTurnedOff() {
    try (ConfigurableApplicationContext context =
        start("reranker.lazy-init=true", "management.health.reranker.enabled=false")) {
      assertThat(context.getBean(HealthContributorRegistry.class).getContributor("reranker"))
          .isNull();
      assertThat(context.containsBean("rerankerHealthIndicator")).isFalse();
    }
  }

  /** The {@code reranker} contributor of the actuator's registry: its name, not only its bean. */
  private static Health health(ConfigurableApplicationContext context) {
    var contributor = context.getBean(HealthContributorRegistry.class).getContributor("reranker");
    assertThat(contributor).isInstanceOf(HealthIndicator.class);
    return ((HealthIndicator) contributor).health();
  }

  private static ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off")
        .properties(properties)
        .run();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    ReadinessLog readinessLog(ObjectProvider<RerankerLifecycle> lifecycle) {
      return new ReadinessLog(lifecycle);
    }
  }

  /** Each readiness change, with the reranker's state when it was published. */
  static final class ReadinessLog implements ApplicationListener<AvailabilityChangeEvent<?>> {
    final List<String> events = new CopyOnWriteArrayList<>();
    private final ObjectProvider<RerankerLifecycle> lifecycle;

    ReadinessLog(ObjectProvider<RerankerLifecycle> lifecycle) {
      this.lifecycle = lifecycle;
    }

    @Override
    public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
      if (event.getState() instanceof ReadinessState state) {
        events.add(state + " while " + lifecycle.getObject().state());
      }
    }
  }
}
