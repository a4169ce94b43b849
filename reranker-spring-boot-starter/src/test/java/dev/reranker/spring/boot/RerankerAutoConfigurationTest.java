package dev.reranker.spring.boot;

import static dev.reranker.spring.boot.TestDialogs.CANDIDATES;
import static dev.reranker.spring.boot.TestDialogs.EXAM;
import static dev.reranker.spring.boot.TestDialogs.OFF_TOPIC;
import static dev.reranker.spring.boot.TestDialogs.ON_TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.RerankerClosedException;
import dev.reranker.ScoredCandidate;
import dev.reranker.Verdict;
import dev.reranker.micrometer.RerankerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The Reranker bean: defaults, properties, customizers, back-off, and closing with the context. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RerankerAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  RerankerAutoConfiguration.class,
                  RerankerHealthContributorAutoConfiguration.class,
                  RerankerMetricsAutoConfiguration.class));

  @Test
  void defaults_loadTheBundledModelAtStartup_withTheDefaultHeuristics_andCloseWithTheContext() {
    AtomicReference<Reranker> bean = new AtomicReference<>();
    runner.run(
        context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Reranker.class);
          assertThat(context.getBean(RerankerLifecycle.class).state())
              .isEqualTo(RerankerLifecycle.State.LOADED);
          Reranker reranker = context.getBean(Reranker.class);
          bean.set(reranker);
          // Only what differs from the builder's defaults is listed: the model and one chain.
          assertThat(reranker.toString())
              .startsWith("Reranker{model=RerankerModel.bundled(), heuristics=1, running=");

          Ranking ranking = reranker.rank(EXAM, List.of(OFF_TOPIC, ON_TOPIC, Candidate.of(" ")));
          assertThat(ranking.best()).map(ScoredCandidate::text).contains(ON_TOPIC.text());
          assertThat(ranking.dropped())
              .singleElement()
              .satisfies(c -> assertThat(heuristicsOf(c)).containsExactly("blank"));
        });
    assertThat(bean.get().rankAsync(EXAM, CANDIDATES))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .withCauseInstanceOf(RerankerClosedException.class);
  }

  @Test
  void properties_reachTheBuilder_andTheHeuristics() {
    runner
        .withPropertyValues(
            "reranker.max-seq-len=64",
            "reranker.max-reply-tokens=16",
            "reranker.batch-size=8",
            "reranker.max-batch-delay=2ms",
            "reranker.max-queued-pairs=500",
            "reranker.timeout=30s",
            "reranker.workers-per-device=2",
            "reranker.evidence=false",
            "reranker.quantization=int8",
            "reranker.native-memory-trim=30s",
            "reranker.heuristics.defaults=false",
            "reranker.heuristics.blocklist-file=classpath:test-blocklist.txt",
            "reranker.heuristics.source-preferences.retrieval=0.5")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Reranker reranker = context.getBean(Reranker.class);
              assertThat(reranker.toString())
                  .startsWith(
                      "Reranker{model=RerankerModel.bundled(), maxSeqLen=64, maxReplyTokens=16,"
                          + " batchSize=8, maxBatchDelay=PT0.002S, maxQueuedPairs=500,"
                          + " quantization=INT8, nativeMemoryTrim=PT30S, evidence=false,"
                          + " workersPerDevice=2,"
                          + " timeout=PT30S, heuristics=2, running=")
                  .contains("forward=scripted, int8");

              Candidate blocked = Candidate.generative("Darn, exams again.");
              Candidate blank = Candidate.generative(" ");
              Ranking ranking = reranker.rank(EXAM, List.of(ON_TOPIC, OFF_TOPIC, blocked, blank));
              assertThat(ranking.dropped())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.candidate()).isEqualTo(blocked);
                        assertThat(heuristicsOf(c)).containsExactly("blocklist");
                      });
              // Without the defaults, nothing drops the blank reply.
              assertThat(ranking.ranked()).extracting(ScoredCandidate::candidate).contains(blank);
              ScoredCandidate retrieval =
                  ranking.ranked().stream()
                      .filter(c -> c.candidate().equals(OFF_TOPIC))
                      .findFirst()
                      .orElseThrow();
              assertThat(retrieval.verdicts())
                  .singleElement()
                  .satisfies(
                      v -> {
                        assertThat(v.heuristic()).isEqualTo("source-preference");
                        assertThat(v.scoreChange()).isEqualTo(0.5f);
                      });
            });
  }

  @Test
  void aCheckpointDirectory_reachesTheBuilder() {
    Path checkpoint = Path.of("src/test/resources").toAbsolutePath();
    AtomicReference<String> seen = new AtomicReference<>();
    runner
        .withPropertyValues("reranker.lazy-init=true", "reranker.model=" + checkpoint)
        .withBean(RerankerBuilderCustomizer.class, () -> builder -> seen.set(builder.toString()))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(seen.get())
                  .isEqualTo(
                      "Reranker.Builder{model=RerankerModel.checkpoint("
                          + checkpoint
                          + "), heuristics=1}");
            });
  }

  @Test
  void customizers_runAfterTheProperties_inOrder() {
    runner
        .withPropertyValues("reranker.lazy-init=true", "reranker.batch-size=8")
        .withUserConfiguration(OrderedCustomizers.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(OrderedCustomizers.class).seen)
                  .containsExactly(
                      "Reranker.Builder{model=RerankerModel.bundled(), batchSize=8,"
                          + " heuristics=1, fallback=first}",
                      "Reranker.Builder{model=RerankerModel.bundled(), batchSize=4,"
                          + " heuristics=1, fallback=first}");
              // Lazy: the customizers ran, the model did not load.
              assertThat(context.getBean(RerankerLifecycle.class).state())
                  .isEqualTo(RerankerLifecycle.State.NOT_LOADED);
            });
  }

  @Test
  void anApplicationReranker_makesTheStarterBackOff() {
    runner
        .withUserConfiguration(OwnReranker.class)
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasSingleBean(Reranker.class)
                  .hasBean("myReranker")
                  .doesNotHaveBean(RerankerLifecycle.class)
                  .doesNotHaveBean("rerankerHealthIndicator")
                  .doesNotHaveBean("rerankerMetrics");
              assertThat(context.getBean(Reranker.class).toString()).contains("scorer=");
            });
  }

  @Test
  void disabled_configuresNothing() {
    runner
        .withPropertyValues("reranker.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(Reranker.class)
                    .doesNotHaveBean(RerankerLifecycle.class)
                    .doesNotHaveBean(RerankerProperties.class));
  }

  @Test
  void withoutSpringBootHealthOrRerankerMicrometer_noHealthIndicatorNorMeters() {
    runner
        .withPropertyValues("reranker.lazy-init=true")
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class, RerankerMetrics.class))
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(RerankerLifecycle.class)
                    .hasBean("reranker")
                    .doesNotHaveBean("rerankerHealthIndicator")
                    .doesNotHaveBean("rerankerMetrics"));
    // The control: with both on the classpath, both are there.
    runner
        .withPropertyValues("reranker.lazy-init=true")
        .run(
            context ->
                assertThat(context)
                    .hasBean("rerankerHealthIndicator")
                    .hasSingleBean(RerankerMetrics.class));
  }

  private static List<String> heuristicsOf(ScoredCandidate c) {
    return c.verdicts().stream().map(Verdict::heuristic).toList();
  }

  @Configuration(proxyBeanMethods = false)
  static class OrderedCustomizers {
    final List<String> seen = new ArrayList<>();

    @Bean
    @Order(2)
    RerankerBuilderCustomizer second() {
      return builder -> {
        seen.add(builder.toString());
        builder.batchSize(4);
      };
    }

    @Bean
    @Order(1)
    RerankerBuilderCustomizer first() {
      return builder -> builder.fallback(Candidate.of("first"));
    }

    @Bean
    @Order(3)
    RerankerBuilderCustomizer third() {
      return builder -> seen.add(builder.toString());
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnReranker {
    @Bean
    Reranker myReranker() {
      return Reranker.builder().scorer(batch -> new float[batch.size()]).build();
    }
  }
}
