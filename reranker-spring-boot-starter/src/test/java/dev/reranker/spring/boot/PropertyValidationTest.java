package dev.reranker.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad property fails the start with an error that names it; none of these loads the model. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PropertyValidationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(RerankerAutoConfiguration.class));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "reranker.batch-size=0 | reranker.batch-size | batchSize must be in [1, 4096], but was 0",
        "reranker.max-seq-len=4 | reranker.max-seq-len | maxSeqLen must be in [8, 4096], but was 4",
        "reranker.max-reply-tokens=0 | reranker.max-reply-tokens | maxReplyTokens must be positive",
        "reranker.max-batch-delay=2m | reranker.max-batch-delay | maxBatchDelay must be in [0, 1 min]",
        "reranker.max-queued-pairs=-1 | reranker.max-queued-pairs | maxQueuedPairs must be positive",
        "reranker.workers-per-device=0 | reranker.workers-per-device | workersPerDevice must be in",
        "reranker.timeout=0s | reranker.timeout | timeout must be positive, but was PT0S",
        "reranker.model=no/such/dir | reranker.model | no such directory",
        "reranker.model= | reranker.model | must be \"bundled\" or a checkpoint directory",
        "reranker.heuristics.source-preferences.retrieval=NaN"
            + " | reranker.heuristics.source-preferences.retrieval | must be finite",
        "reranker.heuristics.source-preferences[ ]=0.5"
            + " | reranker.heuristics.source-preferences[ ] | source tag must not be blank",
        "reranker.heuristics.blocklist-file=classpath:no-such-blocklist.txt"
            + " | reranker.heuristics.blocklist-file | cannot be read",
        // Checked by build(), before the model loads: the combination names the reply budget.
        "reranker.max-reply-tokens=78 | reranker.max-reply-tokens | must leave room for the context",
      })
  void aBadValue_failsTheStart_namingTheProperty(String setting, String property, String reason) {
    runner
        .withPropertyValues(setting)
        .run(
            context -> {
              InvalidConfigurationPropertyValueException e = invalidProperty(context);
              assertThat(e.getName()).isEqualTo(property);
              assertThat(e.getReason()).contains(reason);
              assertThat(e.getMessage()).startsWith("Property " + property + " with value ");
            });
  }

  @Test
  void aDirectoryThatHoldsNoModel_failsTheLoad_namingTheModelProperty(@TempDir Path empty) {
    runner
        .withPropertyValues("reranker.model=" + empty)
        .run(
            context -> {
              InvalidConfigurationPropertyValueException e = invalidProperty(context);
              assertThat(e.getName()).isEqualTo("reranker.model");
              assertThat(e.getValue()).isEqualTo(empty.toString());
              assertThat(e.getReason()).contains(empty.toString());
            });
  }

  @Test
  void aValueThatDoesNotConvert_failsTheBinding_namingTheProperty() {
    runner
        .withPropertyValues("reranker.max-batch-delay=soon")
        .run(
            context -> {
              assertThat(context).hasFailed();
              BindException e = findCause(context.getStartupFailure(), BindException.class);
              assertThat(e.getName()).hasToString("reranker.max-batch-delay");
            });
  }

  private static InvalidConfigurationPropertyValueException invalidProperty(
      AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    return findCause(context.getStartupFailure(), InvalidConfigurationPropertyValueException.class);
  }

  private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + failure);
  }
}
