package dev.reranker.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerStats;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Each meter's value for known snapshots, in a simple registry and in Prometheus's text. */
class RerankerMetricsTest {
  private static LatencyStats latency(long count, long sumMillis, long p50Millis) {
    return new LatencyStats(
        count,
        Duration.ofMillis(sumMillis),
        Duration.ofMillis(p50Millis),
        Duration.ofMillis(5),
        Duration.ofMillis(9),
        Duration.ofMillis(12));
  }

  // 3 requests, 30 pairs, 4 batches, 30 scored, 7 queued, 1 rejected, 2 timed out, 5 cancelled,
  // 6 failed, batches of up to 32.
  private static final RerankerStats FIRST =
      new RerankerStats(
          3,
          30,
          4,
          30,
          7,
          1,
          2,
          5,
          6,
          32,
          latency(30, 45, 1),
          latency(4, 1_500, 2),
          latency(3, 250, 3));

  private static final RerankerStats SECOND =
      new RerankerStats(
          10,
          100,
          5,
          80,
          0,
          1,
          2,
          5,
          6,
          32,
          latency(100, 400, 4),
          latency(5, 2_000, 2),
          latency(10, 3_500, 300));

  private final AtomicReference<RerankerStats> current = new AtomicReference<>(FIRST);
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private double counter(String name) {
    return registry.get(name).functionCounter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double seconds(String name) {
    return registry.get(name).timeGauge().value(TimeUnit.SECONDS);
  }

  @Test
  void countersAndGauges_readTheSnapshot() {
    RerankerMetrics.of(current::get, Tags.empty()).bindTo(registry);

    assertThat(counter("reranker.requests")).isEqualTo(3);
    assertThat(counter("reranker.pairs")).isEqualTo(30);
    assertThat(counter("reranker.batches")).isEqualTo(4);
    assertThat(counter("reranker.scored.pairs")).isEqualTo(30);
    assertThat(counter("reranker.rejected")).isEqualTo(1);
    assertThat(counter("reranker.timed.out")).isEqualTo(2);
    assertThat(counter("reranker.cancelled")).isEqualTo(5);
    assertThat(counter("reranker.failed")).isEqualTo(6);
    assertThat(gauge("reranker.queue.depth")).isEqualTo(7);
    assertThat(gauge("reranker.batch.size.limit")).isEqualTo(32);
    assertThat(gauge("reranker.batch.size.mean")).isEqualTo(7.5);
    assertThat(gauge("reranker.batch.fill.mean")).isCloseTo(7.5 / 32, within(1e-12));
  }

  @Test
  void latencies_areFunctionTimersPlusPercentileGauges_inSeconds() {
    RerankerMetrics.of(current::get, Tags.empty()).bindTo(registry);

    var inference = registry.get("reranker.inference").functionTimer();
    assertThat(inference.count()).isEqualTo(4);
    assertThat(inference.totalTime(TimeUnit.SECONDS)).isCloseTo(1.5, within(1e-12));
    assertThat(inference.baseTimeUnit()).isEqualTo(TimeUnit.SECONDS);
    assertThat(registry.get("reranker.queue.wait").functionTimer().count()).isEqualTo(30);
    assertThat(registry.get("reranker.request").functionTimer().totalTime(TimeUnit.MILLISECONDS))
        .isCloseTo(250, within(1e-9));
    assertThat(seconds("reranker.queue.wait.p50")).isCloseTo(0.001, within(1e-12));
    assertThat(seconds("reranker.inference.p50")).isCloseTo(0.002, within(1e-12));
    assertThat(seconds("reranker.request.p50")).isCloseTo(0.003, within(1e-12));
    assertThat(seconds("reranker.request.p95")).isCloseTo(0.005, within(1e-12));
    assertThat(seconds("reranker.request.p99")).isCloseTo(0.009, within(1e-12));
    assertThat(seconds("reranker.request.max")).isCloseTo(0.012, within(1e-12));
  }

  @Test
  void values_followAChangedSnapshot() {
    RerankerMetrics.of(current::get, Tags.empty()).bindTo(registry);
    assertThat(counter("reranker.requests")).isEqualTo(3);

    current.set(SECOND);

    assertThat(counter("reranker.requests")).isEqualTo(10);
    assertThat(counter("reranker.scored.pairs")).isEqualTo(80);
    assertThat(gauge("reranker.queue.depth")).isZero();
    assertThat(gauge("reranker.batch.size.mean")).isEqualTo(16);
    assertThat(registry.get("reranker.request").functionTimer().count()).isEqualTo(10);
    assertThat(registry.get("reranker.request").functionTimer().totalTime(TimeUnit.SECONDS))
        .isCloseTo(3.5, within(1e-12));
    assertThat(seconds("reranker.request.p50")).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void everyMeter_carriesTheExtraTags() {
    RerankerMetrics.of(current::get, List.of(Tag.of("model", "dialog"), Tag.of("shard", "2")))
        .bindTo(registry);

    List<Meter> meters = registry.getMeters();
    assertThat(meters).hasSize(8 + 4 + 3 * 5);
    assertThat(meters)
        .allSatisfy(
            m ->
                assertThat(m.getId().getTags())
                    .containsExactlyInAnyOrder(Tag.of("model", "dialog"), Tag.of("shard", "2")));
    assertThat(registry.get("reranker.requests").tag("model", "dialog").functionCounter().count())
        .isEqualTo(3);
  }

  @Test
  void twoRerankers_bindSideBySide_whenTagsTellThemApart() {
    RerankerMetrics.of(() -> FIRST, Tags.of("reranker", "a")).bindTo(registry);
    RerankerMetrics.of(() -> SECOND, Tags.of("reranker", "b")).bindTo(registry);

    assertThat(registry.get("reranker.requests").tag("reranker", "a").functionCounter().count())
        .isEqualTo(3);
    assertThat(registry.get("reranker.requests").tag("reranker", "b").functionCounter().count())
        .isEqualTo(10);
  }

  @Test
  void meters_keepReading_afterTheBinderAndItsSupplierAreDropped() throws Exception {
    bindAndForget(registry, current);

    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(10);
    }
    current.set(SECOND);

    assertThat(counter("reranker.requests")).isEqualTo(10);
    assertThat(gauge("reranker.queue.depth")).isZero();
    assertThat(registry.get("reranker.request").functionTimer().count()).isEqualTo(10);
    assertThat(seconds("reranker.request.p50")).isCloseTo(0.3, within(1e-12));
  }

  private static void bindAndForget(MeterRegistry registry, AtomicReference<RerankerStats> ref) {
    Supplier<RerankerStats> fresh = () -> ref.get(); // a new object only the meters hold
    new RerankerMetrics(fresh, Tags.empty()).bindTo(registry);
  }

  @Test
  void prometheus_showsCountersWithTotal_andTimersAsSecondsCountAndSum() {
    var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RerankerMetrics.of(current::get, Tags.empty()).bindTo(prometheus);

    String text = prometheus.scrape();

    assertThat(text)
        .contains(
            "# TYPE reranker_requests_total counter\n",
            "reranker_requests_total 3.0\n",
            "reranker_scored_pairs_total 30.0\n",
            "reranker_timed_out_total 2.0\n",
            "reranker_queue_depth 7.0\n",
            "reranker_batch_size_limit 32.0\n",
            "reranker_batch_size_mean 7.5\n",
            "reranker_request_seconds_count 3\n",
            "reranker_request_seconds_sum 0.25\n",
            "reranker_inference_seconds_count 4\n",
            "reranker_inference_seconds_sum 1.5\n",
            "reranker_queue_wait_seconds_count 30\n",
            "reranker_request_p99_seconds 0.009\n",
            "reranker_request_max_seconds 0.012\n");
  }

  @Test
  void nulls_areRejected_byName() {
    assertThatThrownBy(() -> RerankerMetrics.of(null, Tags.empty()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("stats");
    assertThatThrownBy(() -> RerankerMetrics.of(current::get, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tags");
    assertThatThrownBy(() -> RerankerMetrics.of((dev.reranker.Reranker) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reranker");
    assertThatThrownBy(() -> RerankerMetrics.of(current::get, Tags.empty()).bindTo(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }
}
