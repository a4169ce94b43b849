package dev.reranker.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.reranker.Reranker;
import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code reranker} health: DOWN until the model is loaded, UP with the reranker's description
 * (its settings and how the model runs) while it serves, DOWN again once closed. Never loads the
 * model and never blocks on a load.
 */
final class RerankerHealthIndicator implements HealthIndicator {
  private final RerankerLifecycle lifecycle;

  RerankerHealthIndicator(RerankerLifecycle lifecycle) {
    this.lifecycle = requireNonNull(lifecycle, "lifecycle");
  }

  @Override
  public Health health() {
    RerankerLifecycle.State state = lifecycle.state();
    Health.Builder health = state == RerankerLifecycle.State.LOADED ? Health.up() : Health.down();
    health.withDetail("state", state.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    Reranker reranker = lifecycle.loaded();
    if (state == RerankerLifecycle.State.LOADED && reranker != null) {
      health.withDetail("model", reranker.toString());
    }
    RuntimeException failure = lifecycle.failure();
    if (state == RerankerLifecycle.State.FAILED && failure != null) {
      health.withException(failure);
    }
    return health.build();
  }
}
