package dev.reranker.micrometer;

import static java.util.Objects.requireNonNull;

import dev.reranker.LatencyStats;
import dev.reranker.Reranker;
import dev.reranker.RerankerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds a reranker's {@link RerankerStats} to a Micrometer {@link MeterRegistry}. Every meter reads
 * a fresh snapshot from the supplier when the registry asks (at each scrape or publish), so keep
 * the supplier cheap; {@link Reranker#stats()} is.
 *
 * <p>Meters, with the Prometheus names they get there:
 *
 * <ul>
 *   <li>function counters {@code reranker.requests}, {@code reranker.pairs}, {@code
 *       reranker.batches}, {@code reranker.scored.pairs}, {@code reranker.rejected}, {@code
 *       reranker.timed.out}, {@code reranker.cancelled}, {@code reranker.failed} ({@code
 *       reranker_requests_total}, ...);
 *   <li>gauges {@code reranker.queue.depth}, {@code reranker.batch.size.limit}, {@code
 *       reranker.batch.size.mean}, {@code reranker.batch.fill.mean} (same names, {@code _} for
 *       {@code .});
 *   <li>for each latency, {@code reranker.queue.wait}, {@code reranker.inference} and {@code
 *       reranker.request} (end to end): a function timer with its count and total time ({@code
 *       reranker_request_seconds_count}, {@code reranker_request_seconds_sum}), and time gauges
 *       {@code .p50}, {@code .p95}, {@code .p99} and {@code .max} ({@code
 *       reranker_request_p99_seconds}, ...), over everything recorded since the reranker was built
 *       (as {@link LatencyStats}).
 * </ul>
 *
 * <p>Every meter carries the extra tags given here, e.g. {@code model=dialog} to tell rerankers
 * apart. The meters hold the supplier strongly, so they keep working after the caller drops this
 * binder.
 */
public final class RerankerMetrics implements MeterBinder {
  private final Supplier<RerankerStats> stats;
  private final Tags tags;

  /**
   * Creates a binder over {@code stats}, adding {@code tags} to every meter.
   *
   * @throws NullPointerException if an argument or a tag is null
   */
  public RerankerMetrics(Supplier<RerankerStats> stats, Iterable<Tag> tags) {
    this.stats = requireNonNull(stats, "stats");
    this.tags = Tags.of(requireNonNull(tags, "tags"));
  }

  /**
   * Returns a binder over {@code reranker}'s {@link Reranker#stats()}, without extra tags.
   *
   * @throws NullPointerException if {@code reranker} is null
   */
  public static RerankerMetrics of(Reranker reranker) {
    requireNonNull(reranker, "reranker");
    return new RerankerMetrics(reranker::stats, Tags.empty());
  }

  /**
   * Returns a binder over {@code stats}, adding {@code tags} to every meter.
   *
   * @throws NullPointerException if an argument or a tag is null
   */
  public static RerankerMetrics of(Supplier<RerankerStats> stats, Iterable<Tag> tags) {
    return new RerankerMetrics(stats, tags);
  }

  /**
   * Registers the meters in {@code registry}.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    counter(
        registry,
        "reranker.requests",
        "Rerank requests accepted into the queue.",
        RerankerStats::requests);
    counter(
        registry,
        "reranker.pairs",
        "(dialog, candidate) pairs accepted into the queue.",
        RerankerStats::pairs);
    counter(registry, "reranker.batches", "Batches run by the model.", RerankerStats::batches);
    counter(
        registry, "reranker.scored.pairs", "Pairs the model scored.", RerankerStats::scoredPairs);
    counter(
        registry,
        "reranker.rejected",
        "Requests rejected because the queue was full.",
        RerankerStats::rejected);
    counter(
        registry,
        "reranker.timed.out",
        "Requests that missed their deadline.",
        RerankerStats::timedOut);
    counter(
        registry,
        "reranker.cancelled",
        "Requests cancelled by their caller.",
        RerankerStats::cancelled);
    counter(
        registry, "reranker.failed", "Requests failed by a model fault.", RerankerStats::failed);
    gauge(
        registry, "reranker.queue.depth", "Pairs waiting in the queue.", RerankerStats::queueDepth);
    gauge(
        registry,
        "reranker.batch.size.limit",
        "The configured largest batch, in pairs.",
        RerankerStats::batchSize);
    gauge(
        registry,
        "reranker.batch.size.mean",
        "Mean pairs per batch since start.",
        RerankerStats::meanBatchSize);
    gauge(
        registry,
        "reranker.batch.fill.mean",
        "Mean fraction of the batch size batches held.",
        RerankerStats::meanBatchFill);
    latency(
        registry,
        "reranker.queue.wait",
        "Time from a pair's arrival to the start of its batch.",
        RerankerStats::queueWait);
    latency(
        registry,
        "reranker.inference",
        "Time of one batch in the model.",
        RerankerStats::inference);
    latency(
        registry,
        "reranker.request",
        "Time from a request's arrival to its answer.",
        RerankerStats::endToEnd);
  }

  // Micrometer holds a function meter's object weakly: each function also captures the supplier,
  // so the meters keep it alive for as long as the registry keeps them.
  private void counter(
      MeterRegistry registry, String name, String help, ToDoubleFunction<RerankerStats> value) {
    Supplier<RerankerStats> s = stats;
    FunctionCounter.builder(name, s, unused -> value.applyAsDouble(s.get()))
        .description(help)
        .tags(tags)
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry, String name, String help, ToDoubleFunction<RerankerStats> value) {
    Gauge.builder(name, stats, s -> value.applyAsDouble(s.get()))
        .description(help)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private void latency(
      MeterRegistry registry, String name, String help, Function<RerankerStats, LatencyStats> of) {
    Supplier<RerankerStats> s = stats;
    FunctionTimer.builder(
            name,
            s,
            unused -> of.apply(s.get()).count(),
            unused -> seconds(of.apply(s.get()).sum()),
            TimeUnit.SECONDS)
        .description(help)
        .tags(tags)
        .register(registry);
    timeGauge(registry, name + ".p50", "Median of: " + help, l -> of.apply(l).p50());
    timeGauge(registry, name + ".p95", "95th percentile of: " + help, l -> of.apply(l).p95());
    timeGauge(registry, name + ".p99", "99th percentile of: " + help, l -> of.apply(l).p99());
    timeGauge(registry, name + ".max", "Largest value of: " + help, l -> of.apply(l).max());
  }

  private void timeGauge(
      MeterRegistry registry, String name, String help, Function<RerankerStats, Duration> value) {
    TimeGauge.builder(name, stats, TimeUnit.SECONDS, s -> seconds(value.apply(s.get())))
        .description(help)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /** Seconds as a double, without {@link Duration#toNanos()}'s overflow past 292 years. */
  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }
}
