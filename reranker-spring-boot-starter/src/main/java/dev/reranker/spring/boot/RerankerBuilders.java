package dev.reranker.spring.boot;

import dev.reranker.Heuristic;
import dev.reranker.Reranker;
import dev.reranker.Source;
import dev.reranker.heuristics.Heuristics;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;

/**
 * Turns {@link RerankerProperties} into a {@link Reranker.Builder}, and builds it, translating the
 * builder's checks into errors that name the property: the builder names its own option ({@code
 * batchSize}), a Spring user set {@code reranker.batch-size}.
 */
final class RerankerBuilders {
  static final String MODEL = "reranker.model";
  static final String MAX_SEQ_LEN = "reranker.max-seq-len";
  static final String MAX_REPLY_TOKENS = "reranker.max-reply-tokens";
  static final String SOURCE_PREFERENCES = "reranker.heuristics.source-preferences";

  private RerankerBuilders() {}

  /**
   * Returns a builder configured from {@code properties}; loads nothing.
   *
   * @throws InvalidConfigurationPropertyValueException naming the first bad property
   */
  static Reranker.Builder from(RerankerProperties properties) {
    Reranker.Builder builder = Reranker.builder();
    set(MODEL, properties.model(), value -> builder.model(model(value)));
    set(MAX_SEQ_LEN, properties.maxSeqLen(), builder::maxSeqLen);
    set(MAX_REPLY_TOKENS, properties.maxReplyTokens(), builder::maxReplyTokens);
    set("reranker.batch-size", properties.batchSize(), builder::batchSize);
    set("reranker.max-batch-delay", properties.maxBatchDelay(), builder::maxBatchDelay);
    set("reranker.max-queued-pairs", properties.maxQueuedPairs(), builder::maxQueuedPairs);
    set("reranker.workers-per-device", properties.workersPerDevice(), builder::workersPerDevice);
    builder.evidence(properties.evidence());
    builder.quantization(properties.quantization());
    set("reranker.native-memory-trim", properties.nativeMemoryTrim(), builder::nativeMemoryTrim);
    Duration timeout = properties.timeout();
    if (timeout != null) {
      set("reranker.timeout", timeout, builder::timeout);
    }
    List<Heuristic> heuristics = heuristics(properties.heuristics());
    if (!heuristics.isEmpty()) {
      builder.heuristics(heuristics.toArray(Heuristic[]::new));
    }
    return builder;
  }

  /**
   * Builds {@code builder}, loading the model.
   *
   * @throws InvalidConfigurationPropertyValueException naming the property behind a failed check of
   *     the combination, or {@code reranker.model} when the model cannot be loaded
   */
  static Reranker build(Reranker.Builder builder, RerankerProperties properties) {
    try {
      return builder.build();
    } catch (ModelLoadException e) {
      throw invalid(MODEL, properties.model(), e);
    } catch (IllegalStateException e) {
      String message = String.valueOf(e.getMessage());
      if (message.startsWith("maxReplyTokens")) {
        throw invalid(MAX_REPLY_TOKENS, properties.maxReplyTokens(), e);
      }
      if (message.startsWith("maxSeqLen")) {
        throw invalid(MAX_SEQ_LEN, properties.maxSeqLen(), e);
      }
      throw e;
    }
  }

  private static RerankerModel model(String value) {
    String model = value.strip();
    if (model.equals(RerankerProperties.BUNDLED)) {
      return RerankerModel.bundled();
    }
    if (model.isEmpty()) {
      throw new IllegalArgumentException(
          "must be \"" + RerankerProperties.BUNDLED + "\" or a checkpoint directory");
    }
    Path directory;
    try {
      directory = Path.of(model);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("is not a path: " + e.getMessage(), e);
    }
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(
          "no such directory: "
              + directory.toAbsolutePath()
              + " (expected \""
              + RerankerProperties.BUNDLED
              + "\" or a HuggingFace checkpoint directory)");
    }
    return RerankerModel.checkpoint(directory);
  }

  private static List<Heuristic> heuristics(RerankerProperties.HeuristicSettings properties) {
    List<Heuristic> chain = new ArrayList<>();
    if (properties.defaults()) {
      chain.add(Heuristics.defaults());
    }
    Resource blocklist = properties.blocklistFile();
    if (blocklist != null) {
      chain.add(Heuristics.blocklist(BlocklistFile.read(blocklist)));
    }
    Map<String, Double> preferences = properties.sourcePreferences();
    if (!preferences.isEmpty()) {
      Map<Source, Double> bySource = new LinkedHashMap<>();
      preferences.forEach(
          (tag, amount) ->
              set(
                  SOURCE_PREFERENCES + mapKey(tag),
                  amount,
                  value -> {
                    Source source = Source.of(tag);
                    // Checks the amount as the combined heuristic will, for this key's message.
                    var unused = Heuristics.sourcePreference(Map.of(source, value));
                    bySource.put(source, value);
                  }));
      chain.add(Heuristics.sourcePreference(bySource));
    }
    return chain;
  }

  /** A map key as Spring Boot spells it in a property name: {@code .retrieval}, {@code [ ]}. */
  private static String mapKey(String key) {
    return key.matches("[a-z0-9-]+") ? "." + key : "[" + key + "]";
  }

  /** Applies {@code value}; an empty value or a failed check names {@code property}. */
  private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
    if (value == null) {
      throw new InvalidConfigurationPropertyValueException(property, null, "must not be empty");
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw invalid(property, value, e);
    }
  }

  /** The exception takes no cause: its reason carries the builder's message, which is complete. */
  private static InvalidConfigurationPropertyValueException invalid(
      String property, @Nullable Object value, RuntimeException cause) {
    return new InvalidConfigurationPropertyValueException(property, value, cause.getMessage());
  }
}
