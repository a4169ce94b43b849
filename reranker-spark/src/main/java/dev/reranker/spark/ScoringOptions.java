package dev.reranker.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.reranker.Heuristic;
import dev.reranker.Reranker;
import dev.reranker.model.RerankerModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How {@link RerankerSpark#score} reads a log and scores it: the reranker each executor builds, the
 * pairs each task keeps in flight, and the column names. Immutable and serializable: Spark ships it
 * to every task.
 *
 * <p>The reranker is built once per executor JVM for each distinct reranker configuration (model,
 * batching, heuristics or factory; the column names and {@link Builder#inFlight} do not count) and
 * shared by that executor's tasks. The defaults read the project's reaction log format ({@code
 * context}, {@code speakers}, {@code persona}, {@code response}) with the bundled model.
 */
public final class ScoringOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The {@link Builder#model(String)} value that names {@link RerankerModel#bundled()}. */
  public static final String BUNDLED = "bundled";

  /**
   * The pairs each task keeps in the reranker's queue at most (256): with a few tasks per executor
   * that keeps several batches of 32 waiting, so every batch is full.
   */
  public static final int DEFAULT_IN_FLIGHT = 256;

  /**
   * The executor reranker's queue bound: far above what the tasks can queue ({@link
   * Builder#inFlight} each), so it never rejects a pair.
   */
  static final int MAX_QUEUED_PAIRS = 1 << 20;

  /** Builds the reranker an executor shares among its tasks; must be serializable. */
  @FunctionalInterface
  public interface RerankerFactory extends Serializable {
    /** Returns a new reranker; called once per executor JVM. */
    Reranker create();
  }

  /**
   * Makes the heuristics an executor's reranker runs, e.g. {@code Heuristics::defaults}; must be
   * serializable.
   */
  @FunctionalInterface
  public interface HeuristicFactory extends Serializable {
    /** Returns the heuristics; called once per executor JVM. */
    Heuristic create();
  }

  /** The reranker's configuration: what one executor's shared reranker is keyed by. */
  private record Spec(
      String model,
      int maxSeqLen,
      int maxReplyTokens,
      int batchSize,
      Duration maxBatchDelay,
      int workersPerDevice,
      @Nullable HeuristicFactory heuristics,
      @Nullable RerankerFactory factory)
      implements Serializable {}

  private final Spec spec;
  private final String rerankerKey;
  private final int inFlight;
  private final String contextColumn;
  private final String speakersColumn;
  private final String personaColumn;
  private final String candidateColumn;
  private final String probabilityColumn;
  private final String scoreColumn;
  private final String verdictsColumn;
  private final String errorColumn;
  private final String description;

  private ScoringOptions(Builder b, Spec spec, String rerankerKey) {
    this.spec = spec;
    this.rerankerKey = rerankerKey;
    this.inFlight = b.inFlight;
    this.contextColumn = b.contextColumn;
    this.speakersColumn = b.speakersColumn;
    this.personaColumn = b.personaColumn;
    this.candidateColumn = b.candidateColumn;
    this.probabilityColumn = b.probabilityColumn;
    this.scoreColumn = b.scoreColumn;
    this.verdictsColumn = b.verdictsColumn;
    this.errorColumn = b.errorColumn;
    this.description = b.toString().replace("ScoringOptions.Builder{", "ScoringOptions{");
  }

  /** Returns a new builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the options with every default: the bundled model, the reaction log's columns. */
  public static ScoringOptions defaults() {
    return builder().build();
  }

  /** Builds the reranker these options describe; runs on an executor. */
  Reranker newReranker() {
    if (spec.factory() != null) {
      return spec.factory().create();
    }
    RerankerModel model =
        spec.model().equals(BUNDLED)
            ? RerankerModel.bundled()
            : RerankerModel.checkpoint(Path.of(spec.model()));
    Reranker.Builder builder =
        Reranker.builder()
            .model(model)
            .maxSeqLen(spec.maxSeqLen())
            .maxReplyTokens(spec.maxReplyTokens())
            .batchSize(spec.batchSize())
            .maxBatchDelay(spec.maxBatchDelay())
            .workersPerDevice(spec.workersPerDevice())
            .maxQueuedPairs(MAX_QUEUED_PAIRS);
    if (spec.heuristics() != null) {
      builder.heuristics(requireNonNull(spec.heuristics().create(), "heuristics factory result"));
    }
    return builder.build();
  }

  /** Returns the key of the executor's shared reranker: a digest of the reranker's settings. */
  String rerankerKey() {
    return rerankerKey;
  }

  /** Returns whether the output has a verdicts column: heuristics or a factory were set. */
  public boolean hasVerdicts() {
    return spec.heuristics() != null || spec.factory() != null;
  }

  /** Returns the model: {@link #BUNDLED} or a checkpoint directory. */
  public String model() {
    return spec.model();
  }

  /** Returns the pairs each task keeps in the reranker's queue at most. */
  public int inFlight() {
    return inFlight;
  }

  /** Returns the input column of the dialog's messages, oldest first ({@code array<string>}). */
  public String contextColumn() {
    return contextColumn;
  }

  /**
   * Returns the optional input column of who wrote each message ({@code array<string>}: {@code
   * human}, {@code user} or {@code bot}).
   */
  public String speakersColumn() {
    return speakersColumn;
  }

  /** Returns the optional input column of the bot's persona facts ({@code array<string>}). */
  public String personaColumn() {
    return personaColumn;
  }

  /** Returns the input column of the reply to score ({@code string}). */
  public String candidateColumn() {
    return candidateColumn;
  }

  /** Returns the output column of P(upvote) ({@code double}). */
  public String probabilityColumn() {
    return probabilityColumn;
  }

  /** Returns the output column of the ranking score ({@code double}). */
  public String scoreColumn() {
    return scoreColumn;
  }

  /** Returns the output column of the heuristics' verdicts, present when {@link #hasVerdicts}. */
  public String verdictsColumn() {
    return verdictsColumn;
  }

  /** Returns the output column that says why a row was not scored ({@code string}). */
  public String errorColumn() {
    return errorColumn;
  }

  /** Lists the options that differ from the defaults. */
  @Override
  public String toString() {
    return description;
  }

  /**
   * Configures {@link ScoringOptions}. Each setter checks its argument ({@link
   * IllegalArgumentException}, with the same rules and messages as {@link Reranker.Builder} for the
   * reranker's settings); {@link #build()} checks combinations ({@link IllegalStateException}). The
   * builder stays reusable after {@code build()}.
   */
  public static final class Builder {
    public static final String DEFAULT_CONTEXT_COLUMN = "context";
    public static final String DEFAULT_SPEAKERS_COLUMN = "speakers";
    public static final String DEFAULT_PERSONA_COLUMN = "persona";
    public static final String DEFAULT_CANDIDATE_COLUMN = "response";
    public static final String DEFAULT_PROBABILITY_COLUMN = "probability";
    public static final String DEFAULT_SCORE_COLUMN = "score";
    public static final String DEFAULT_VERDICTS_COLUMN = "verdicts";
    public static final String DEFAULT_ERROR_COLUMN = "error";

    /** The reranker settings that {@link #reranker(RerankerFactory)} replaces. */
    private static final Set<String> MODEL_SETTINGS =
        Set.of(
            "model",
            "maxSeqLen",
            "maxReplyTokens",
            "batchSize",
            "maxBatchDelay",
            "workersPerDevice",
            "heuristics");

    private String model = BUNDLED;
    private int maxSeqLen = Reranker.Builder.DEFAULT_MAX_SEQ_LEN;
    private int maxReplyTokens = Reranker.Builder.DEFAULT_MAX_REPLY_TOKENS;
    private int batchSize = Reranker.Builder.DEFAULT_BATCH_SIZE;
    private Duration maxBatchDelay = Reranker.Builder.DEFAULT_MAX_BATCH_DELAY;
    private int workersPerDevice = 1;
    private @Nullable HeuristicFactory heuristics;
    private @Nullable RerankerFactory factory;
    private int inFlight = DEFAULT_IN_FLIGHT;
    private String contextColumn = DEFAULT_CONTEXT_COLUMN;
    private String speakersColumn = DEFAULT_SPEAKERS_COLUMN;
    private String personaColumn = DEFAULT_PERSONA_COLUMN;
    private String candidateColumn = DEFAULT_CANDIDATE_COLUMN;
    private String probabilityColumn = DEFAULT_PROBABILITY_COLUMN;
    private String scoreColumn = DEFAULT_SCORE_COLUMN;
    private String verdictsColumn = DEFAULT_VERDICTS_COLUMN;
    private String errorColumn = DEFAULT_ERROR_COLUMN;

    /** What was set, in order, for toString() and the combination checks. */
    private final Map<String, Object> set = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Scores with {@link #BUNDLED} (the default) or the HuggingFace checkpoint in this directory,
     * which every executor must be able to read at that path (a shared file system, or a directory
     * shipped with {@code spark-submit --archives}).
     *
     * @throws IllegalArgumentException if {@code model} is blank
     */
    @CanIgnoreReturnValue
    public Builder model(String model) {
      requireNonNull(model, "model");
      checkArgument(!model.isBlank(), "model must be '%s' or a directory, but was blank", BUNDLED);
      this.model = model;
      return record("model", model);
    }

    /** Sets the longest pair sequence in tokens (default 80), as {@link Reranker.Builder}. */
    @CanIgnoreReturnValue
    public Builder maxSeqLen(int maxSeqLen) {
      Reranker.builder().maxSeqLen(maxSeqLen); // the reranker's rule and message
      this.maxSeqLen = maxSeqLen;
      return record("maxSeqLen", maxSeqLen);
    }

    /** Sets the reply's token budget (default 20), as {@link Reranker.Builder}. */
    @CanIgnoreReturnValue
    public Builder maxReplyTokens(int maxReplyTokens) {
      Reranker.builder().maxReplyTokens(maxReplyTokens);
      this.maxReplyTokens = maxReplyTokens;
      return record("maxReplyTokens", maxReplyTokens);
    }

    /** Sets the largest batch the model runs (default 32), as {@link Reranker.Builder}. */
    @CanIgnoreReturnValue
    public Builder batchSize(int batchSize) {
      Reranker.builder().batchSize(batchSize);
      this.batchSize = batchSize;
      return record("batchSize", batchSize);
    }

    /** Sets how long a batch waits to fill (default 5 ms), as {@link Reranker.Builder}. */
    @CanIgnoreReturnValue
    public Builder maxBatchDelay(Duration maxBatchDelay) {
      Reranker.builder().maxBatchDelay(maxBatchDelay);
      this.maxBatchDelay = maxBatchDelay;
      return record("maxBatchDelay", maxBatchDelay);
    }

    /** Sets how many batches run at once on the device (default 1), as {@link Reranker.Builder}. */
    @CanIgnoreReturnValue
    public Builder workersPerDevice(int workers) {
      Reranker.builder().workersPerDevice(workers);
      this.workersPerDevice = workers;
      return record("workersPerDevice", workers);
    }

    /**
     * Runs these heuristics around the model and adds the verdicts column. Each pair is ranked on
     * its own, so heuristics that compare candidates with each other (duplicates) see one.
     */
    @CanIgnoreReturnValue
    public Builder heuristics(HeuristicFactory heuristics) {
      this.heuristics = requireNonNull(heuristics, "heuristics");
      return record("heuristics", heuristics);
    }

    /**
     * Builds each executor's reranker with this factory instead of the settings above (for a
     * calibration, devices or a scorer of your own); adds the verdicts column. The factory's
     * reranker should take far more queued pairs than the tasks keep in flight ({@code
     * maxQueuedPairs}), or some rows get a {@code RerankerOverloadedException} error.
     */
    @CanIgnoreReturnValue
    public Builder reranker(RerankerFactory factory) {
      this.factory = requireNonNull(factory, "factory");
      return record("reranker", factory);
    }

    /**
     * Sets how many pairs each task keeps in the reranker's queue at most (default {@value
     * ScoringOptions#DEFAULT_IN_FLIGHT}): bounds a task's memory and leaves batches full when the
     * executor's tasks together keep at least two batches waiting.
     *
     * @throws IllegalArgumentException if {@code inFlight} is not in [1, 65536]
     */
    @CanIgnoreReturnValue
    public Builder inFlight(int inFlight) {
      checkArgument(
          inFlight >= 1 && inFlight <= 65_536,
          "inFlight must be in [1, 65536], but was %s",
          inFlight);
      this.inFlight = inFlight;
      return record("inFlight", inFlight);
    }

    /** Names the input column of the messages, oldest first (default {@code context}). */
    @CanIgnoreReturnValue
    public Builder contextColumn(String name) {
      this.contextColumn = checkName(name, "contextColumn");
      return record("contextColumn", name);
    }

    /**
     * Names the optional input column of the speakers (default {@code speakers}); where it is
     * absent, or null in a row, messages alternate and the newest is the user's.
     */
    @CanIgnoreReturnValue
    public Builder speakersColumn(String name) {
      this.speakersColumn = checkName(name, "speakersColumn");
      return record("speakersColumn", name);
    }

    /** Names the optional input column of the bot's persona facts (default {@code persona}). */
    @CanIgnoreReturnValue
    public Builder personaColumn(String name) {
      this.personaColumn = checkName(name, "personaColumn");
      return record("personaColumn", name);
    }

    /** Names the input column of the reply to score (default {@code response}). */
    @CanIgnoreReturnValue
    public Builder candidateColumn(String name) {
      this.candidateColumn = checkName(name, "candidateColumn");
      return record("candidateColumn", name);
    }

    /** Names the output column of P(upvote) (default {@code probability}). */
    @CanIgnoreReturnValue
    public Builder probabilityColumn(String name) {
      this.probabilityColumn = checkName(name, "probabilityColumn");
      return record("probabilityColumn", name);
    }

    /** Names the output column of the ranking score (default {@code score}). */
    @CanIgnoreReturnValue
    public Builder scoreColumn(String name) {
      this.scoreColumn = checkName(name, "scoreColumn");
      return record("scoreColumn", name);
    }

    /** Names the output column of the verdicts (default {@code verdicts}). */
    @CanIgnoreReturnValue
    public Builder verdictsColumn(String name) {
      this.verdictsColumn = checkName(name, "verdictsColumn");
      return record("verdictsColumn", name);
    }

    /** Names the output column of a row's error (default {@code error}). */
    @CanIgnoreReturnValue
    public Builder errorColumn(String name) {
      this.errorColumn = checkName(name, "errorColumn");
      return record("errorColumn", name);
    }

    /**
     * Builds the options.
     *
     * @throws IllegalStateException if {@code reranker(...)} was combined with a model setting,
     *     {@code maxReplyTokens} leaves no room for the context, two columns share a name, or a
     *     factory cannot be serialized
     */
    public ScoringOptions build() {
      if (factory != null) {
        List<String> clashing = new ArrayList<>();
        for (String name : set.keySet()) {
          if (MODEL_SETTINGS.contains(name)) {
            clashing.add(name);
          }
        }
        checkState(
            clashing.isEmpty(),
            "reranker(...) builds the whole reranker; do not combine it with %s",
            clashing);
      }
      checkState(
          maxReplyTokens <= maxSeqLen - 4,
          "maxReplyTokens (%s) must leave room for the context: at most maxSeqLen (%s) - 4 = %s",
          maxReplyTokens,
          maxSeqLen,
          maxSeqLen - 4);
      Map<String, String> columns = new LinkedHashMap<>();
      for (String[] c :
          new String[][] {
            {"contextColumn", contextColumn},
            {"speakersColumn", speakersColumn},
            {"personaColumn", personaColumn},
            {"candidateColumn", candidateColumn},
            {"probabilityColumn", probabilityColumn},
            {"scoreColumn", scoreColumn},
            {"verdictsColumn", verdictsColumn},
            {"errorColumn", errorColumn}
          }) {
        String other = columns.putIfAbsent(c[1], c[0]);
        checkState(other == null, "%s and %s are both '%s'", other, c[0], c[1]);
      }
      Spec spec =
          new Spec(
              model,
              maxSeqLen,
              maxReplyTokens,
              batchSize,
              maxBatchDelay,
              workersPerDevice,
              heuristics,
              factory);
      return new ScoringOptions(this, spec, digest(spec));
    }

    /** A digest of the serialized spec: equal settings and factories give equal keys. */
    private static String digest(Spec spec) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(spec);
      } catch (IOException e) {
        throw new IllegalStateException(
            "the heuristics or reranker factory cannot be serialized for Spark's tasks ("
                + e
                + "); use a method reference or a lambda that captures only serializable values",
            e);
      }
      try {
        return HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError("every JVM has SHA-256", e);
      }
    }

    private static String checkName(String name, String option) {
      requireNonNull(name, option);
      checkArgument(!name.isBlank(), "%s must not be blank", option);
      return name;
    }

    @CanIgnoreReturnValue
    private Builder record(String option, Object value) {
      set.put(option, value); // the latest value, in the order of first setting
      return this;
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      // A factory's toString() is a lambda's class name: say only that it is there.
      set.forEach(
          (k, v) ->
              parts.add(
                  k
                      + "="
                      + (v instanceof HeuristicFactory || v instanceof RerankerFactory
                          ? "<factory>"
                          : v)));
      return "ScoringOptions.Builder{" + String.join(", ", parts) + "}";
    }
  }
}
