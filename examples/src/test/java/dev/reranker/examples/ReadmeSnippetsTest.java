package dev.reranker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Reranker;
import dev.reranker.Source;
import dev.reranker.Turn;
import dev.reranker.heuristics.Blocklist;
import dev.reranker.heuristics.Heuristics;
import dev.reranker.micrometer.RerankerMetrics;
import dev.reranker.model.RerankerModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The code of README.md's "Use it in your service" section, kept compiling; the per-message part
 * also runs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadmeSnippetsTest {
  final List<String> sent = new ArrayList<>();

  /** "Build one reranker at startup" (not run: the tests share one reranker). */
  static Reranker startup() {
    Reranker reranker =
        Reranker.builder()
            .model(RerankerModel.bundled())
            .heuristics(
                Heuristics.defaults(),
                Heuristics.blocklist(Blocklist.builder().phrase("as an AI language model").build()),
                Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.25)))
            .batchSize(32)
            .maxBatchDelay(Duration.ofMillis(5))
            .maxQueuedPairs(10_000)
            .timeout(Duration.ofSeconds(2))
            .build();
    return reranker;
  }

  void perMessage(Reranker reranker, List<Candidate> candidates) {
    Dialog dialog =
        Dialog.of(
                Turn.user("Just anxious and tired"),
                Turn.bot("Still worried about tomorrow?"),
                Turn.user("Yes, I have an exam"))
            .withUserFacts(List.of("the user's name is Maya."));
    reranker
        .rankAsync(dialog, candidates)
        .thenAccept(ranking -> ranking.best().ifPresent(reply -> send(reply.text())))
        .join();
  }

  /** "Metrics with Micrometer". */
  static void bindMetrics(Reranker reranker, MeterRegistry registry, MeterRegistry tagged) {
    RerankerMetrics.of(reranker).bindTo(registry);
    new RerankerMetrics(reranker::stats, Tags.of("model", "dialog")).bindTo(tagged);
  }

  void send(String text) {
    sent.add(text);
  }

  @Test
  void perMessageSnippet_sendsTheBestReply() {
    perMessage(
        SharedReranker.get(),
        List.of(
            Candidate.retrieval("You will do great, you prepared well."),
            Candidate.generative("Yes, I have an exam")));

    assertThat(sent).containsExactly("You will do great, you prepared well.");
  }

  @Test
  void metricsSnippet_bindsTheSharedRerankersStats() {
    Reranker reranker = SharedReranker.get();
    var registry = new SimpleMeterRegistry();
    var tagged = new SimpleMeterRegistry();

    bindMetrics(reranker, registry, tagged);

    assertThat(registry.get("reranker.requests").functionCounter().count())
        .isEqualTo((double) reranker.stats().requests());
    assertThat(tagged.get("reranker.batch.size.limit").tag("model", "dialog").gauge().value())
        .isEqualTo(reranker.stats().batchSize());
  }
}
