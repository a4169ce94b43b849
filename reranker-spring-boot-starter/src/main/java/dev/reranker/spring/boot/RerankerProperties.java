package dev.reranker.spring.boot;

import dev.reranker.Reranker;
import dev.reranker.model.Quantization;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * The {@code reranker.*} properties: how the auto-configured {@link Reranker} bean is built. The
 * defaults are {@link Reranker.Builder}'s. Values are checked when the bean's builder is set up, at
 * startup; a bad one fails the start with an {@link
 * org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException}
 * that names the property. Immutable.
 *
 * @param enabled Whether to auto-configure a Reranker bean.
 * @param model The model: "bundled" for the dialog cross-encoder of reranker-model-dialog, or the
 *     directory of a HuggingFace BERT checkpoint (config.json, model.safetensors, tokenizer.json).
 * @param lazyInit Whether the model loads when the Reranker bean is first asked for (e.g. through
 *     an ObjectProvider) instead of at startup.
 * @param maxSeqLen The longest pair sequence in tokens, special tokens included.
 * @param maxReplyTokens The reply's token budget when the context is long; at most max-seq-len - 4.
 * @param batchSize The largest batch of pairs the model runs at once.
 * @param maxBatchDelay How long a batch waits for more pairs after its first arrived.
 * @param maxQueuedPairs The most pairs waiting in the queue; beyond it requests fail with an
 *     overload.
 * @param timeout The deadline of every call; none when unset.
 * @param workersPerDevice How many batches run at once on each device, sharing the device's copy of
 *     the model.
 * @param evidence Whether a cross-encoder that carries an evidence blend (the bundled one does)
 *     blends its logit with the all-MiniLM-L6-v2 bi-encoder's similarities of the reply to the last
 *     turn and to the persona facts; false scores with the cross-encoder alone.
 * @param quantization How the model's Linear layers compute on the CPU: "none" (float32) or "int8"
 *     (dynamic int8 products: about twice the pairs per core, a small measured accuracy cost; a GPU
 *     or a CPU without the kernels keeps float32).
 * @param nativeMemoryTrim How often freed native memory goes back to the operating system (glibc's
 *     malloc_trim): without it a busy service's resident size climbs by gigabytes though nothing
 *     leaks; 0 turns it off.
 * @param heuristics The heuristics around the model.
 */
@ConfigurationProperties("reranker")
public record RerankerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue(BUNDLED) String model,
    @DefaultValue("false") boolean lazyInit,
    @DefaultValue("80") int maxSeqLen,
    @DefaultValue("20") int maxReplyTokens,
    @DefaultValue("32") int batchSize,
    @DefaultValue("5ms") Duration maxBatchDelay,
    @DefaultValue("10000") int maxQueuedPairs,
    @Nullable Duration timeout,
    @DefaultValue("1") int workersPerDevice,
    @DefaultValue("true") boolean evidence,
    @DefaultValue("none") Quantization quantization,
    @DefaultValue("2s") Duration nativeMemoryTrim,
    @DefaultValue HeuristicSettings heuristics) {

  /** The value of {@code reranker.model} that selects the bundled dialog cross-encoder. */
  public static final String BUNDLED = "bundled";

  /**
   * The {@code reranker.heuristics.*} properties. They chain, first outermost: the built-in
   * defaults, the blocklist, the source preferences; a {@link RerankerBuilderCustomizer} adds its
   * own heuristics inside them. Immutable.
   *
   * @param defaults Whether to run the built-in default heuristics: the blank, length, placeholder,
   *     repeat and echo filters before the model, the repeated-question penalty and duplicate
   *     filter after it.
   * @param blocklistFile A blocklist file (e.g. "file:/etc/bot/blocklist.txt" or
   *     "classpath:blocklist.txt"), UTF-8, one entry a line: a word, a phrase (several words), or
   *     "regex:" and a regular expression; blank lines and lines starting with "#" are skipped.
   *     Replies that contain an entry are dropped before the model.
   * @param sourcePreferences Score adjustments by candidate source tag ("retrieval", "generative",
   *     or your own), added to the score after the model: positive prefers, negative disfavours.
   */
  public record HeuristicSettings(
      @DefaultValue("true") boolean defaults,
      @Nullable Resource blocklistFile,
      @DefaultValue Map<String, Double> sourcePreferences) {

    /** Copies {@code sourcePreferences}, keeping its order. */
    public HeuristicSettings {
      sourcePreferences =
          sourcePreferences == null
              ? Map.of()
              : Collections.unmodifiableMap(new LinkedHashMap<>(sourcePreferences));
    }
  }
}
