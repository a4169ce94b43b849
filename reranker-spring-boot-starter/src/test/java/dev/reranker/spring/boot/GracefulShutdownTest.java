package dev.reranker.spring.boot;

import static dev.reranker.spring.boot.TestDialogs.CANDIDATES;
import static dev.reranker.spring.boot.TestDialogs.ON_TOPIC;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Dialog;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.Turn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A graceful shutdown that starts while requests are inside the reranker: the server drains them
 * before the reranker closes, so every one gets its reply, none a {@link
 * dev.reranker.RerankerClosedException}. The control closes the reranker when the shutdown starts,
 * as a plain {@code ContextClosedEvent} listener would, and shows what the test would catch.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GracefulShutdownTest {
  private static final int REQUESTS = 8;

  /** How long each request waits on its way into the model: the shutdown starts meanwhile. */
  private static final Duration HOLD = Duration.ofSeconds(2);

  @Test
  void aGracefulShutdown_answersEveryRequestInFlight() throws Exception {
    List<HttpResponse<String>> answers = shutDownWhileRequestsAreHeld(App.class);

    assertThat(answers)
        .hasSize(REQUESTS)
        .allSatisfy(
            answer -> {
              assertThat(answer.body()).isEqualTo(ON_TOPIC.text());
              assertThat(answer.statusCode()).isEqualTo(200);
            });
  }

  @Test
  void control_closingTheRerankerWhenShutdownStarts_failsTheRequestsInFlight() throws Exception {
    List<HttpResponse<String>> answers = shutDownWhileRequestsAreHeld(App.class, ClosesEarly.class);

    assertThat(answers)
        .hasSize(REQUESTS)
        .anySatisfy(
            answer -> {
              assertThat(answer.body()).isEqualTo("RerankerClosedException");
              assertThat(answer.statusCode()).isEqualTo(503);
            });
  }

  private static List<HttpResponse<String>> shutDownWhileRequestsAreHeld(Class<?>... sources)
      throws Exception {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(sources)
            .properties(
                "spring.main.banner-mode=off",
                "server.port=0",
                "server.shutdown=graceful",
                "spring.lifecycle.timeout-per-shutdown-phase=60s")
            .run();
    Hold hold = context.getBean(Hold.class);
    RerankerLifecycle lifecycle = context.getBean(RerankerLifecycle.class);
    URI uri =
        URI.create(
            "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/");
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    HttpClient client = HttpClient.newHttpClient(); // Java 17: nothing to close
    try {
      for (int i = 0; i < REQUESTS; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("Yes, I have an exam " + i))
                .timeout(Duration.ofSeconds(60))
                .build();
        pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(hold.arrived.await(60, SECONDS)).as("every request reached the reranker").isTrue();

      Thread shutdown = new Thread(context::close, "shutdown");
      shutdown.start();
      assertThat(hold.held.get()).as("requests held when the shutdown began").isPositive();

      List<HttpResponse<String>> answers = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> answer : pending) {
        answers.add(answer.get(60, SECONDS));
      }
      shutdown.join(SECONDS.toMillis(60));
      assertThat(shutdown.isAlive()).isFalse();
      assertThat(lifecycle.state()).isEqualTo(RerankerLifecycle.State.CLOSED);
      return answers;
    } finally {
      context.close();
    }
  }

  /** Holds each request for {@link #HOLD} before it goes on to the model, without a thread. */
  static final class Hold implements Heuristic {
    final CountDownLatch arrived = new CountDownLatch(REQUESTS);
    final AtomicInteger held = new AtomicInteger();

    @Override
    public CompletableFuture<Ranking> apply(dev.reranker.RerankRequest request, Chain chain) {
      held.incrementAndGet();
      arrived.countDown();
      return CompletableFuture.supplyAsync(
              () -> {
                held.decrementAndGet();
                return request;
              },
              CompletableFuture.delayedExecutor(HOLD.toMillis(), TimeUnit.MILLISECONDS))
          .thenCompose(chain::proceed);
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    Hold hold() {
      return new Hold();
    }

    @Bean
    RerankerBuilderCustomizer holdEachRequest(Hold hold) {
      return builder -> builder.heuristics(hold);
    }

    @Bean
    BotController botController(Reranker reranker) {
      return new BotController(reranker);
    }
  }

  /** Closes the reranker as soon as the context starts closing, before the server drained. */
  static final class ClosesEarly implements ApplicationListener<ContextClosedEvent> {
    private final Reranker reranker;

    ClosesEarly(Reranker reranker) {
      this.reranker = reranker;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
      reranker.close();
    }
  }

  @RestController
  static final class BotController {
    private final Reranker reranker;

    BotController(Reranker reranker) {
      this.reranker = reranker;
    }

    @PostMapping("/")
    CompletableFuture<ResponseEntity<String>> reply(@RequestBody String message) {
      return reranker
          .rankAsync(Dialog.of(Turn.user(message)), CANDIDATES)
          .handle(
              (ranking, failure) ->
                  failure == null
                      ? ResponseEntity.ok(
                          ranking.best().map(ScoredCandidate::text).orElse("no reply"))
                      : ResponseEntity.status(503).body(rootCause(failure)));
    }

    private static String rootCause(Throwable failure) {
      Throwable t = failure;
      while (t instanceof CompletionException && t.getCause() != null) {
        t = t.getCause();
      }
      return t.getClass().getSimpleName();
    }
  }
}
