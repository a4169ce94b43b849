package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reranker's queue, limits and failure paths, through a fake scorer: fast and exact. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RerankerTest {
  static final Dialog DIALOG =
      Dialog.of(
          Turn.user("Just anxious and tired"),
          Turn.bot("Still worried about tomorrow?"),
          Turn.user("Yes, I have an exam"));

  /** Every scenario runs through the synchronous and the asynchronous path. */
  enum Path {
    SYNC {
      @Override
      Ranking rank(Reranker r, Dialog d, List<Candidate> c) {
        return r.rank(d, c);
      }
    },
    ASYNC {
      @Override
      Ranking rank(Reranker r, Dialog d, List<Candidate> c) {
        try {
          return r.rankAsync(d, c).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          throw (RuntimeException) e.getCause();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    };

    abstract Ranking rank(Reranker r, Dialog d, List<Candidate> c);
  }

  static List<Candidate> candidates(int n, int salt) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Candidate.of("x".repeat(1 + (i * 7 + salt) % 50)));
    }
    return out;
  }

  static void assertRankedByLength(Ranking ranking, List<Candidate> input) {
    assertThat(ranking.ranked()).hasSize(input.size());
    assertThat(ranking.ranked())
        .extracting(ScoredCandidate::candidate)
        .containsExactlyInAnyOrderElementsOf(input);
    for (ScoredCandidate c : ranking.ranked()) {
      assertThat(c.score()).isEqualTo((float) c.text().length());
      assertThat(c.probability()).isEqualTo(Calibration.SIGMOID.probability(c.text().length()));
    }
    for (int i = 1; i < ranking.size(); i++) {
      assertThat(ranking.ranked().get(i - 1).score())
          .isGreaterThanOrEqualTo(ranking.ranked().get(i).score());
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void ranksBestFirst(Path path) {
    FakeScorer fake = FakeScorer.byLength();
    try (Reranker reranker = Reranker.builder().scorer(fake).build()) {
      List<Candidate> input =
          List.of(
              Candidate.retrieval("ok"),
              Candidate.generative("You will do great, you prepared well."),
              Candidate.of("Good luck"));
      Ranking ranking = path.rank(reranker, DIALOG, input);
      assertRankedByLength(ranking, input);
      assertThat(ranking.best())
          .get()
          .extracting(ScoredCandidate::text)
          .isEqualTo("You will do great, you prepared well.");
      assertThat(ranking.top(2)).hasSize(2);
      assertThat(ranking.best().get().candidate().source()).isEqualTo(Source.GENERATIVE);
    }
  }

  @Test
  void timeoutsOfAnyLength_workAsNoDeadlineBeyondAYear_insteadOfOverflowing() {
    try (Reranker reranker = Reranker.builder().scorer(FakeScorer.byLength()).build()) {
      List<Candidate> candidates = List.of(Candidate.of("abcd"), Candidate.of("ab"));
      for (Duration timeout :
          List.of(
              Duration.ofDays(366),
              Duration.ofDays(365 * 300),
              Duration.ofSeconds(Long.MAX_VALUE),
              Duration.ofMinutes(1))) {
        Ranking ranking = reranker.rank(DIALOG, candidates, timeout);
        assertThat(ranking.best().orElseThrow().text()).as("timeout %s", timeout).isEqualTo("abcd");
      }
      assertThat(reranker.stats().timedOut()).isZero();
    }
  }

  @Test
  void scoreGivesTheCalibratedProbability() throws Exception {
    try (Reranker reranker =
        Reranker.builder()
            .scorer(FakeScorer.byLength())
            .calibration(Calibration.platt(0.5f, -1f))
            .build()) {
      float expected = Calibration.platt(0.5f, -1f).probability(4);
      assertThat(reranker.score(DIALOG, "abcd")).isEqualTo(expected);
      assertThat(reranker.scoreAsync(DIALOG, "abcd").get()).isEqualTo(expected);
    }
  }

  @Test
  void scoreAsyncGivesEachCallerItsOwnScore() {
    FakeScorer fake = FakeScorer.byLength();
    try (Reranker reranker = Reranker.builder().scorer(fake).batchSize(8).build()) {
      var futures =
          IntStream.range(0, 500)
              .parallel()
              .mapToObj(i -> reranker.scoreAsync(DIALOG, "x".repeat(i % 40)))
              .toList();
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).join()).isEqualTo(Calibration.SIGMOID.probability(i % 40));
      }
      assertThat(fake.largestBatch()).isLessThanOrEqualTo(8);
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void manyThreadsEachGetTheirOwnRanking(Path path) throws Exception {
    FakeScorer fake = FakeScorer.byLength();
    int threads = 64;
    int requests = 100;
    try (Reranker reranker =
        Reranker.builder().scorer(fake).batchSize(32).maxBatchDelay(Duration.ofMillis(2)).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < requests; r++) {
                    List<Candidate> input = candidates(1 + (thread + r) % 45, thread * 1000 + r);
                    assertRankedByLength(path.rank(reranker, DIALOG, input), input);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(fake.largestBatch()).isLessThanOrEqualTo(32);
      RerankerStats stats = reranker.stats();
      assertThat(stats.requests()).isEqualTo((long) threads * requests);
      assertThat(stats.scoredPairs()).isEqualTo(fake.pairs());
      assertThat(stats.meanBatchSize()).isGreaterThan(1.0);
      assertThat(stats.endToEnd().count()).isEqualTo((long) threads * requests);
      System.out.printf(
          "%s: %d requests, %d batches, mean batch %.1f of 32, e2e p99 %s%n",
          path, stats.requests(), stats.batches(), stats.meanBatchSize(), stats.endToEnd().p99());
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void aRequestLargerThanABatchIsSplitAndReassembledInOrder(Path path) {
    FakeScorer fake = FakeScorer.byLength();
    try (Reranker reranker = Reranker.builder().scorer(fake).batchSize(4).build()) {
      List<Candidate> input = candidates(37, 3);
      assertRankedByLength(path.rank(reranker, DIALOG, input), input);
      assertThat(fake.largestBatch()).isLessThanOrEqualTo(4);
      assertThat(fake.batches()).isGreaterThanOrEqualTo(10);
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void fullQueueRejectsAtOnceWithATypedException(Path path) throws Exception {
    FakeScorer fake = FakeScorer.byLength().block();
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fake)
            .batchSize(2)
            .maxBatchDelay(Duration.ZERO)
            .maxQueuedPairs(10)
            .build()) {
      CompletableFuture<Ranking> inFlight = reranker.rankAsync(DIALOG, candidates(2, 0));
      fake.awaitFirstBatch();
      CompletableFuture<Ranking> queued = reranker.rankAsync(DIALOG, candidates(10, 0));
      long start = System.nanoTime();
      assertThatThrownBy(() -> path.rank(reranker, DIALOG, candidates(1, 0)))
          .isInstanceOf(RerankerOverloadedException.class)
          .hasMessageContaining("queue");
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
      fake.release();
      assertThat(inFlight.get(10, TimeUnit.SECONDS).size()).isEqualTo(2);
      assertThat(queued.get(10, TimeUnit.SECONDS).size()).isEqualTo(10);
      assertThat(reranker.stats().rejected()).isEqualTo(1);
      assertRankedByLength(path.rank(reranker, DIALOG, candidates(3, 1)), candidates(3, 1));
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void timeoutFailsTheRequestAndDropsItsPairs(Path path) throws Exception {
    FakeScorer fake = FakeScorer.byLength().block();
    try (Reranker reranker =
        Reranker.builder().scorer(fake).batchSize(1).maxBatchDelay(Duration.ZERO).build()) {
      CompletableFuture<Ranking> blocker = reranker.rankAsync(DIALOG, candidates(1, 0));
      fake.awaitFirstBatch();
      long start = System.nanoTime();
      Runnable call =
          path == Path.SYNC
              ? () -> reranker.rank(DIALOG, candidates(5, 0), Duration.ofMillis(100))
              : () -> {
                try {
                  reranker
                      .rankAsync(DIALOG, candidates(5, 0), Duration.ofMillis(100))
                      .get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                  throw (RuntimeException) e.getCause();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              };
      assertThatThrownBy(call::run).isInstanceOf(RerankerTimeoutException.class);
      long waited = System.nanoTime() - start;
      assertThat(waited).isBetween(TimeUnit.MILLISECONDS.toNanos(90), TimeUnit.SECONDS.toNanos(5));
      fake.release();
      blocker.get(10, TimeUnit.SECONDS);
      // The timed-out request's 5 pairs never reached the scorer.
      assertThat(reranker.rankAsync(DIALOG, candidates(1, 0)).get(10, TimeUnit.SECONDS).size())
          .isEqualTo(1);
      assertThat(fake.pairs()).isEqualTo(2);
      assertThat(reranker.stats().timedOut()).isEqualTo(1);
    }
  }

  @Test
  void builderTimeoutIsTheDefaultDeadline() throws Exception {
    FakeScorer fake = FakeScorer.byLength().block();
    try (Reranker reranker =
        Reranker.builder().scorer(fake).timeout(Duration.ofMillis(50)).build()) {
      CompletableFuture<Ranking> f = reranker.rankAsync(DIALOG, candidates(3, 0));
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(RerankerTimeoutException.class);
      fake.release();
    }
  }

  @Test
  void cancellingDropsTheQueuedPairs() throws Exception {
    FakeScorer fake = FakeScorer.byLength().block();
    try (Reranker reranker =
        Reranker.builder().scorer(fake).batchSize(1).maxBatchDelay(Duration.ZERO).build()) {
      CompletableFuture<Ranking> blocker = reranker.rankAsync(DIALOG, candidates(1, 0));
      fake.awaitFirstBatch();
      CompletableFuture<Ranking> doomed = reranker.rankAsync(DIALOG, candidates(6, 0));
      assertThat(doomed.cancel(true)).isTrue();
      assertThatThrownBy(doomed::join).isInstanceOf(CancellationException.class);
      fake.release();
      blocker.get(10, TimeUnit.SECONDS);
      reranker.rankAsync(DIALOG, candidates(1, 0)).get(10, TimeUnit.SECONDS);
      assertThat(fake.pairs()).isEqualTo(2);
      assertThat(reranker.stats().queueDepth()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void aModelFaultFailsOnlyItsBatch(Path path) {
    FakeScorer fake = FakeScorer.byLength();
    try (Reranker reranker = Reranker.builder().scorer(fake).batchSize(8).build()) {
      assertThatThrownBy(
              () ->
                  path.rank(
                      reranker,
                      DIALOG,
                      List.of(Candidate.of("fine"), Candidate.of(FakeScorer.POISON))))
          .isInstanceOf(ScoringException.class)
          .hasRootCauseMessage("poisoned batch");
      List<Candidate> next = candidates(5, 0);
      assertRankedByLength(path.rank(reranker, DIALOG, next), next);
      assertThat(reranker.stats().failed()).isEqualTo(1);
    }
  }

  @Test
  void oneOddInputNeverFailsAnotherCallersRequest() throws Exception {
    FakeScorer fake = FakeScorer.byLength();
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fake)
            .batchSize(64)
            .maxBatchDelay(Duration.ofMillis(50))
            .build()) {
      CompletableFuture<Ranking> good = reranker.rankAsync(DIALOG, candidates(3, 0));
      CompletableFuture<Ranking> bad =
          reranker.rankAsync(DIALOG, List.of(Candidate.of(FakeScorer.POISON)));
      // Both landed in one batch; the poisoned one fails. The good one fails with it (the model
      // failed on their shared batch) or succeeds, but never hangs and never gets a wrong score.
      assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ScoringException.class);
      try {
        assertRankedByLength(good.get(10, TimeUnit.SECONDS), candidates(3, 0));
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(ScoringException.class);
      }
    }
  }

  @Test
  void closeUnderLoadAnswersEveryFutureAndStopsEveryThread() throws Exception {
    FakeScorer fake = FakeScorer.byLength();
    Reranker reranker =
        Reranker.builder()
            .scorer(fake)
            .batchSize(16)
            .maxBatchDelay(Duration.ofMillis(1))
            .maxQueuedPairs(1_000_000)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<CompletableFuture<Ranking>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 32; t++) {
      int thread = t;
      var unused =
          pool.submit(
              () -> {
                for (int r = 0; r < 200; r++) {
                  try {
                    futures.add(reranker.rankAsync(DIALOG, candidates(1 + r % 20, thread)));
                  } catch (RuntimeException e) {
                    throw new AssertionError(e);
                  }
                }
              });
    }
    Thread.sleep(20);
    long start = System.nanoTime();
    reranker.close();
    reranker.close(); // idempotent
    pool.shutdown();
    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    for (CompletableFuture<Ranking> f : futures) {
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(RerankerClosedException.class);
      }
    }
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(20));
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("reranker-worker") && t.isAlive());
    assertThatThrownBy(() -> reranker.rank(DIALOG, candidates(1, 0)))
        .isInstanceOf(RerankerClosedException.class);
  }

  @Test
  void closeFromManyThreadsAtOnce() throws Exception {
    Reranker reranker = Reranker.builder().scorer(FakeScorer.byLength()).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> closes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      closes.add(pool.submit(reranker::close));
    }
    for (Future<?> f : closes) {
      f.get(10, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  // --- bad arguments throw at once, naming the argument ---

  @Test
  void badArgumentsThrowAtOnce() {
    try (Reranker reranker = Reranker.builder().scorer(FakeScorer.byLength()).build()) {
      List<Candidate> one = List.of(Candidate.of("hi"));
      assertThatThrownBy(() -> reranker.rankAsync(null, one))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("dialog");
      assertThatThrownBy(() -> reranker.rankAsync(DIALOG, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("candidates");
      assertThatThrownBy(() -> reranker.rankAsync(DIALOG, List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("candidates must not be empty");
      List<Candidate> withNull = new ArrayList<>(one);
      withNull.add(null);
      assertThatThrownBy(() -> reranker.rankAsync(DIALOG, withNull))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("candidates[1] is null");
      assertThatThrownBy(() -> reranker.rankAsync(DIALOG, one, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("timeout must be positive, but was PT0S");
      assertThatThrownBy(() -> reranker.score(DIALOG, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("reply");
      assertThatThrownBy(() -> Candidate.of(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("text");
      assertThatThrownBy(() -> Turn.user(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("text");
    }
  }

  @Test
  void absurdlyLargeRequestsAreRejectedUpFront() {
    try (Reranker reranker =
        Reranker.builder().scorer(FakeScorer.byLength()).maxQueuedPairs(100).build()) {
      assertThatThrownBy(() -> reranker.rankAsync(DIALOG, candidates(101, 0)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("101 candidates exceed maxQueuedPairs (100)");
    }
  }

  // --- builder: one test per rule, asserting the message ---

  static void assertBuilderRejects(
      BiFunction<Reranker.Builder, Object, ?> setter, Object value, String message) {
    assertThatThrownBy(() -> setter.apply(Reranker.builder(), value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void builderChecksEachOption() {
    assertBuilderRejects(
        (b, v) -> b.maxSeqLen((int) v), 0, "maxSeqLen must be in [8, 4096], but was 0");
    assertBuilderRejects(
        (b, v) -> b.maxReplyTokens((int) v), -1, "maxReplyTokens must be positive, but was -1");
    assertBuilderRejects(
        (b, v) -> b.batchSize((int) v), 0, "batchSize must be in [1, 4096], but was 0");
    assertBuilderRejects(
        (b, v) -> b.maxBatchDelay((Duration) v),
        Duration.ofMillis(-1),
        "maxBatchDelay must be in [0, 1 min], but was PT-0.001S");
    assertBuilderRejects(
        (b, v) -> b.maxQueuedPairs((int) v), 0, "maxQueuedPairs must be positive, but was 0");
    assertBuilderRejects(
        (b, v) -> b.timeout((Duration) v), Duration.ZERO, "timeout must be positive, but was PT0S");
    assertBuilderRejects(
        (b, v) -> b.lengthGroupingWindow((int) v),
        0,
        "lengthGroupingWindow must be in [1, 64], but was 0");
    assertBuilderRejects(
        (b, v) -> b.workersPerDevice((int) v), 0, "workersPerDevice must be in [1, 64], but was 0");
    assertBuilderRejects(
        (b, v) -> b.workersPerDevice((int) v),
        65,
        "workersPerDevice must be in [1, 64], but was 65");
    assertBuilderRejects(
        (b, v) -> b.mixedPrecisionType((ai.djl.ndarray.types.DataType) v),
        ai.djl.ndarray.types.DataType.INT8,
        "mixedPrecisionType must be FLOAT16, but was int8");
    assertBuilderRejects(
        (b, v) -> b.mixedPrecisionType((ai.djl.ndarray.types.DataType) v),
        ai.djl.ndarray.types.DataType.BFLOAT16,
        "mixedPrecisionType BFLOAT16 is not supported: DJL 0.36's PyTorch engine aborts the "
            + "process on bfloat16 arrays; use FLOAT16");
    assertBuilderRejects(
        (b, v) -> b.nativeMemoryTrim((Duration) v),
        Duration.ofSeconds(-1),
        "nativeMemoryTrim must be 0 (off) or at least 10 ms (a trim takes milliseconds), but was"
            + " PT-1S");
    assertBuilderRejects(
        (b, v) -> b.nativeMemoryTrim((Duration) v),
        Duration.ofMillis(9),
        "nativeMemoryTrim must be 0 (off) or at least 10 ms (a trim takes milliseconds), but was"
            + " PT0.009S");
    assertThatThrownBy(() -> Reranker.builder().devices())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("devices must not be empty");
  }

  @Test
  void buildChecksCombinations() {
    assertThatThrownBy(() -> Reranker.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("call model(...) or scorer(...) before build()");
    assertThatThrownBy(
            () ->
                Reranker.builder()
                    .scorer(FakeScorer.byLength())
                    .model(dev.reranker.model.RerankerModel.bundled())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set model(...) or scorer(...), not both");
    assertThatThrownBy(
            () ->
                Reranker.builder()
                    .scorer(FakeScorer.byLength())
                    .maxSeqLen(16)
                    .maxReplyTokens(13)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "maxReplyTokens (13) must leave room for the context: at most maxSeqLen (16)"
                + " - 4 = 12");
  }

  @Test
  void builderIsReusableAndPrintsWhatWasSet() {
    Reranker.Builder builder = Reranker.builder().scorer(FakeScorer.byLength()).batchSize(8);
    try (Reranker a = builder.build();
        Reranker b = builder.build()) {
      assertThat(a).isNotSameAs(b);
      assertThat(a.rank(DIALOG, candidates(3, 0)).size()).isEqualTo(3);
      assertThat(b.rank(DIALOG, candidates(3, 0)).size()).isEqualTo(3);
    }
    assertThat(builder.toString()).contains("batchSize=8").doesNotContain("maxSeqLen");
    assertThat(builder.toString()).doesNotContain("nativeMemoryTrim");
    assertThat(builder.nativeMemoryTrim(Duration.ZERO).toString())
        .contains("nativeMemoryTrim=PT0S");
  }

  @Test
  void aCustomScorerDoesNotStartTheNativeMemoryTrimmer() throws InterruptedException {
    // A reranker that runs no model allocates no libtorch tensors: nothing of its own to trim.
    long before = dev.reranker.internal.NativeMemoryTrimmer.shared().trims();
    try (Reranker r =
        Reranker.builder()
            .scorer(FakeScorer.byLength())
            .nativeMemoryTrim(Duration.ofMillis(10))
            .build()) {
      assertThat(r.rank(DIALOG, candidates(3, 0)).size()).isEqualTo(3);
      Thread.sleep(100); // about 10 trims, were it registered
    }
    assertThat(dev.reranker.internal.NativeMemoryTrimmer.shared().trims()).isEqualTo(before);
  }

  @Test
  void heuristicsRunAroundTheModelFirstAddedOutermost() {
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    Heuristic outer =
        (req, chain) -> {
          order.add("outer-before");
          return chain
              .proceed(req)
              .thenApply(
                  r -> {
                    order.add("outer-after");
                    return r;
                  });
        };
    Heuristic inner =
        (req, chain) -> {
          order.add("inner-before");
          return chain
              .proceed(req.filter("no-x", c -> c.text().startsWith("x") ? "starts with x" : null))
              .thenApply(
                  r -> {
                    order.add("inner-after");
                    return r;
                  });
        };
    FakeScorer fake = FakeScorer.byLength();
    try (Reranker reranker =
        Reranker.builder()
            .scorer(fake)
            .heuristics(outer, inner)
            .fallback(Candidate.of("Tell me more?"))
            .executor(Runnable::run)
            .build()) {
      Ranking ranking = reranker.rank(DIALOG, List.of(Candidate.of("xx"), Candidate.of("hello")));
      assertThat(order)
          .containsExactly("outer-before", "inner-before", "inner-after", "outer-after");
      assertThat(ranking.ranked()).extracting(ScoredCandidate::text).containsExactly("hello");
      assertThat(ranking.dropped())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.text()).isEqualTo("xx");
                assertThat(d.verdicts()).containsExactly(Verdict.drop("no-x", "starts with x"));
              });
      assertThat(fake.pairs()).isEqualTo(1); // the dropped candidate cost no model time

      Ranking allDropped = reranker.rank(DIALOG, List.of(Candidate.of("xyz")));
      assertThat(allDropped.isFallback()).isTrue();
      assertThat(allDropped.best())
          .get()
          .extracting(ScoredCandidate::text)
          .isEqualTo("Tell me more?");
    }
  }

  @Test
  void aThrowingHeuristicFailsOnlyItsRequest() {
    Heuristic broken =
        (req, chain) -> {
          throw new IllegalStateException("bug in heuristic");
        };
    try (Reranker reranker =
        Reranker.builder().scorer(FakeScorer.byLength()).heuristics(broken).build()) {
      assertThatThrownBy(() -> reranker.rank(DIALOG, candidates(2, 0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("bug in heuristic");
      assertThatThrownBy(() -> reranker.rankAsync(DIALOG, candidates(2, 0)).join())
          .isInstanceOf(CompletionException.class);
    }
  }
}
