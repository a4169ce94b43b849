package dev.reranker.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.reranker.Reranker;
import dev.reranker.model.Quantization;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;

/**
 * The metadata IDEs complete from lists every property, described, with the builder's defaults; and
 * the properties' own defaults are the builder's, so an unset property changes nothing.
 */
class ConfigurationMetadataTest {
  @Test
  void metadataListsEveryPropertyWithADescription_andTheBuildersDefaults() throws IOException {
    Map<String, ConfigurationMetadataProperty> properties;
    try (InputStream json =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(json).as("the configuration processor's output").isNotNull();
      properties =
          ConfigurationMetadataRepositoryJsonBuilder.create(json).build().getAllProperties();
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    properties.forEach((name, p) -> defaults.put(name, p.getDefaultValue()));

    assertThat(defaults)
        .containsOnly(
            entry("reranker.enabled", true),
            entry("reranker.model", "bundled"),
            entry("reranker.lazy-init", false),
            entry("reranker.max-seq-len", Reranker.Builder.DEFAULT_MAX_SEQ_LEN),
            entry("reranker.max-reply-tokens", Reranker.Builder.DEFAULT_MAX_REPLY_TOKENS),
            entry("reranker.batch-size", Reranker.Builder.DEFAULT_BATCH_SIZE),
            entry("reranker.max-batch-delay", "5ms"),
            entry("reranker.max-queued-pairs", Reranker.Builder.DEFAULT_MAX_QUEUED_PAIRS),
            entry("reranker.timeout", null),
            entry("reranker.workers-per-device", 1),
            entry("reranker.evidence", true),
            entry("reranker.quantization", "none"),
            entry("reranker.native-memory-trim", "2s"),
            entry("reranker.heuristics.defaults", true),
            entry("reranker.heuristics.blocklist-file", null),
            entry("reranker.heuristics.source-preferences", null));
    assertThat(DurationStyle.detectAndParse("5ms"))
        .isEqualTo(Reranker.Builder.DEFAULT_MAX_BATCH_DELAY);
    assertThat(DurationStyle.detectAndParse("2s"))
        .isEqualTo(Reranker.Builder.DEFAULT_NATIVE_MEMORY_TRIM);
    assertThat(properties.values())
        .allSatisfy(p -> assertThat(p.getDescription()).as(p.getId()).isNotBlank());
  }

  @Test
  void unsetProperties_areTheBuildersDefaults() {
    RerankerProperties p =
        new Binder(new MapConfigurationPropertySource())
            .bindOrCreate("reranker", RerankerProperties.class);

    assertThat(p.enabled()).isTrue();
    assertThat(p.model()).isEqualTo(RerankerProperties.BUNDLED);
    assertThat(p.lazyInit()).isFalse();
    assertThat(p.maxSeqLen()).isEqualTo(Reranker.Builder.DEFAULT_MAX_SEQ_LEN);
    assertThat(p.maxReplyTokens()).isEqualTo(Reranker.Builder.DEFAULT_MAX_REPLY_TOKENS);
    assertThat(p.batchSize()).isEqualTo(Reranker.Builder.DEFAULT_BATCH_SIZE);
    assertThat(p.maxBatchDelay()).isEqualTo(Reranker.Builder.DEFAULT_MAX_BATCH_DELAY);
    assertThat(p.maxQueuedPairs()).isEqualTo(Reranker.Builder.DEFAULT_MAX_QUEUED_PAIRS);
    assertThat(p.timeout()).isNull();
    assertThat(p.workersPerDevice()).isEqualTo(1);
    assertThat(p.evidence()).isTrue();
    assertThat(p.quantization()).isEqualTo(Quantization.NONE);
    assertThat(p.nativeMemoryTrim()).isEqualTo(Reranker.Builder.DEFAULT_NATIVE_MEMORY_TRIM);
    assertThat(p.heuristics().defaults()).isTrue();
    assertThat(p.heuristics().blocklistFile()).isNull();
    assertThat(p.heuristics().sourcePreferences()).isEmpty();
    // Nothing set but the model and the default heuristics: the builder lists only those.
    assertThat(RerankerBuilders.from(p).toString())
        .isEqualTo("Reranker.Builder{model=RerankerModel.bundled(), heuristics=1}");
  }
}
