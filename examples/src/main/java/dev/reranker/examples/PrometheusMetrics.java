package dev.reranker.examples;

import dev.reranker.LatencyStats;
import dev.reranker.RerankerStats;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link RerankerStats} in the Prometheus text exposition format (version 0.0.4): counters
 * end in {@code _total}, gauges are plain, latencies are summaries in seconds with {@code quantile}
 * labels, {@code _sum} and {@code _count}, plus a {@code _max} gauge.
 */
final class PrometheusMetrics {
  private PrometheusMetrics() {}

  /**
   * @param responses HTTP answers sent so far, by status code
   */
  static String render(RerankerStats s, Map<Integer, Long> responses) {
    StringBuilder out = new StringBuilder(4096);
    counter(
        out, "reranker_requests_total", "Rerank requests accepted into the queue.", s.requests());
    counter(
        out,
        "reranker_pairs_total",
        "(dialog, candidate) pairs accepted into the queue.",
        s.pairs());
    counter(out, "reranker_batches_total", "Batches run by the model.", s.batches());
    counter(out, "reranker_scored_pairs_total", "Pairs the model scored.", s.scoredPairs());
    counter(
        out,
        "reranker_rejected_total",
        "Requests rejected because the queue was full.",
        s.rejected());
    counter(out, "reranker_timed_out_total", "Requests that missed their deadline.", s.timedOut());
    counter(out, "reranker_cancelled_total", "Requests cancelled by their caller.", s.cancelled());
    counter(out, "reranker_failed_total", "Requests failed by a model fault.", s.failed());
    gauge(out, "reranker_queue_depth", "Pairs waiting in the queue.", s.queueDepth());
    gauge(
        out, "reranker_batch_size_limit", "The configured largest batch, in pairs.", s.batchSize());
    gauge(out, "reranker_batch_size_mean", "Mean pairs per batch since start.", s.meanBatchSize());
    gauge(
        out,
        "reranker_batch_fill_mean",
        "Mean fraction of the batch size batches held.",
        s.meanBatchFill());
    summary(
        out,
        "reranker_queue_wait_seconds",
        "Time from a pair's arrival to the start of its batch.",
        s.queueWait());
    summary(out, "reranker_inference_seconds", "Time of one batch in the model.", s.inference());
    summary(
        out,
        "reranker_request_seconds",
        "Time from a request's arrival to its answer.",
        s.endToEnd());
    out.append("# HELP reranker_http_responses_total HTTP answers sent, by status code.\n");
    out.append("# TYPE reranker_http_responses_total counter\n");
    responses.forEach(
        (code, n) ->
            out.append("reranker_http_responses_total{code=\"")
                .append(code)
                .append("\"} ")
                .append(n)
                .append('\n'));
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    header(out, name, help, "counter");
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void gauge(StringBuilder out, String name, String help, double value) {
    header(out, name, help, "gauge");
    out.append(name).append(' ').append(number(value)).append('\n');
  }

  // A summary has no max; it goes into a gauge of its own.
  private static void summary(StringBuilder out, String name, String help, LatencyStats l) {
    header(out, name, help, "summary");
    quantile(out, name, "0.5", l.p50());
    quantile(out, name, "0.95", l.p95());
    quantile(out, name, "0.99", l.p99());
    out.append(name).append("_sum ").append(number(seconds(l.sum()))).append('\n');
    out.append(name).append("_count ").append(l.count()).append('\n');
    gauge(out, name + "_max", "Largest value of " + name + ".", seconds(l.max()));
  }

  private static void quantile(StringBuilder out, String name, String q, Duration value) {
    out.append(name)
        .append("{quantile=\"")
        .append(q)
        .append("\"} ")
        .append(number(seconds(value)))
        .append('\n');
  }

  private static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.9g", value).replaceFirst("\\.?0+(e|$)", "$1");
  }
}
