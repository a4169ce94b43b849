package dev.reranker.internal.batching;

import static dev.reranker.internal.batching.BatchingQueue.NO_DEADLINE;
import static dev.reranker.internal.batching.FakeBatchScorer.contains;
import static dev.reranker.internal.batching.FakeBatchScorer.expectedScores;
import static dev.reranker.internal.batching.TestQueues.config;
import static dev.reranker.internal.batching.TestQueues.failureOf;
import static dev.reranker.internal.batching.TestQueues.items;
import static dev.reranker.internal.batching.TestQueues.liveThreads;
import static dev.reranker.internal.batching.TestQueues.scoresOf;
import static dev.reranker.internal.batching.TestQueues.uniquePrefix;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.ScoringException;
import dev.reranker.internal.batching.BatchingQueue.BatchScorer;
import dev.reranker.internal.batching.BatchingQueue.Config;
import dev.reranker.internal.batching.BatchingQueue.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batching, splitting, length grouping, scorer faults and argument checks. */
@Timeout(value = 20, unit = SECONDS)
class BatchingQueueTest {
  private static final Duration FOREVER = Duration.ofMinutes(10);
  private static final Duration WITHIN = Duration.ofSeconds(5);

  private final TestQueues queues = new TestQueues();

  @AfterEach
  void closeQueues() {
    queues.close();
  }

  @Test
  void splitsRequestLargerThanBatch_andReassemblesScoresInOrder() throws Exception {
    var scorer = new FakeBatchScorer();
    var queue = queues.create(config(3, Duration.ZERO, 100, 1), uniquePrefix("split"), scorer);
    List<String> items = items('a', 5, 1, 9, 3, 7, 2, 8, 4, 6, 10);

    float[] scores = scoresOf(queue.submit(items, NO_DEADLINE));

    assertThat(scores).containsExactly(5, 1, 9, 3, 7, 2, 8, 4, 6, 10);
    assertThat(scorer.batchSizes()).allMatch(size -> size <= 3);
    assertThat(scorer.batchSizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
  }

  @ParameterizedTest(name = "groupWindowBatches={0}")
  @ValueSource(ints = {1, 4})
  void requestsShareBatches_andEachGetsItsOwnScoresInOrder(int window) throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, window), uniquePrefix("mix"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    // While the worker is held, requests pile up and must share and split batches.
    List<List<String>> requests =
        List.of(
            items('a', 3, 9, 1, 5, 7),
            items('b', 2),
            items('c', 8, 8, 1),
            items('d', 6, 4, 2, 10, 3, 3, 1),
            items('e', 5, 5));
    List<CompletableFuture<float[]>> futures = new ArrayList<>();
    for (List<String> request : requests) {
      futures.add(queue.submit(request, NO_DEADLINE));
    }
    gate.open();

    for (int i = 0; i < requests.size(); i++) {
      assertThat(scoresOf(futures.get(i))).containsExactly(expectedScores(requests.get(i)));
    }
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(scorer.largestBatch()).isLessThanOrEqualTo(4);
    assertThat(scorer.batches())
        .anyMatch(batch -> batch.stream().map(item -> item.charAt(0)).distinct().count() > 1);
  }

  @Test
  void loneItem_runsOnceMaxBatchDelayHasPassed() throws Exception {
    Duration delay = Duration.ofMillis(50);
    var scorer = new FakeBatchScorer();
    var queue = queues.create(config(8, delay, 100, 1), uniquePrefix("lone"), scorer);

    long start = System.nanoTime();
    float[] scores = scoresOf(queue.submit(List.of("abc"), NO_DEADLINE));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(scores).containsExactly(3);
    // It waited for company for the whole delay, and not much longer.
    assertThat(elapsed).isGreaterThanOrEqualTo(delay).isLessThan(delay.plusSeconds(1));
    assertThat(scorer.batchSizes()).containsExactly(1);
  }

  @Test
  void itemsArrivingWithinTheDelay_joinTheBatch() throws Exception {
    var scorer = new FakeBatchScorer();
    var queue =
        queues.create(config(8, Duration.ofMillis(300), 100, 1), uniquePrefix("join"), scorer);

    var first = queue.submit(List.of("a"), NO_DEADLINE);
    Thread.sleep(20);
    var second = queue.submit(List.of("bb", "ccc"), NO_DEADLINE);

    assertThat(scoresOf(first)).containsExactly(1);
    assertThat(scoresOf(second)).containsExactly(2, 3);
    assertThat(scorer.batchSizes()).containsExactly(3);
  }

  @Test
  void fullBatch_runsAtOnce_withoutWaitingForTheDelay() throws Exception {
    var scorer = new FakeBatchScorer();
    var queue = queues.create(config(4, FOREVER, 100, 1), uniquePrefix("full"), scorer);

    var future = queue.submit(items('f', 1, 2, 3, 4), NO_DEADLINE);

    assertThat(future.get(WITHIN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .containsExactly(1, 2, 3, 4);
    assertThat(scorer.batchSizes()).containsExactly(4);
  }

  @Test
  void batchDelay_countsFromTheFirstItemsArrival_notFromWhenTheWorkerTookIt() throws Exception {
    var ticker = new FakeTicker();
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("bbbb"));
    Config config = config(4, FOREVER, 100, 1);
    var queue = queues.create(config, uniquePrefix("arrival"), ticker, scorer);
    var blocked = queue.submit(items('b', 4, 4, 4, 4), NO_DEADLINE); // a full batch: no wait
    gate.awaitEntered();

    var lone = queue.submit(List.of("x"), NO_DEADLINE);
    ticker.advance(FOREVER); // x has waited out its delay while the worker was busy
    gate.open();

    // Were the delay counted from when the worker took x, this would wait ten minutes.
    assertThat(lone.get(WITHIN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .containsExactly(1);
    assertThat(scoresOf(blocked)).containsExactly(4, 4, 4, 4);
    assertThat(scorer.batchSizes()).containsExactly(4, 1);
  }

  @ParameterizedTest(name = "groupWindowBatches={0}")
  @ValueSource(ints = {1, 4})
  void lengthGrouping_putsSimilarLengthsTogether(int window) throws Exception {
    var scorer = new FakeBatchScorer();
    var gate = scorer.blockWhen(contains("blocker"));
    var queue =
        queues.create(config(8, Duration.ZERO, 1000, window), uniquePrefix("group"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    List<CompletableFuture<float[]>> futures = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      futures.add(queue.submit(items('g', i % 2 == 0 ? 1 : 40), NO_DEADLINE));
    }
    gate.open();

    for (int i = 0; i < 64; i++) {
      assertThat(scoresOf(futures.get(i))).containsExactly(i % 2 == 0 ? 1 : 40);
    }
    assertThat(scoresOf(blocked)).containsExactly(7);
    List<Integer> spreads =
        scorer.batches().stream()
            .filter(batch -> !batch.contains("blocker"))
            .map(BatchingQueueTest::lengthSpread)
            .toList();
    assertThat(spreads).hasSize(8);
    if (window == 1) {
      assertThat(spreads).as("FIFO batches mix the lengths").containsOnly(39);
    } else {
      assertThat(spreads).as("grouped batches hold one length each").containsOnly(0);
    }
  }

  private static int lengthSpread(List<String> batch) {
    int[] lengths = batch.stream().mapToInt(String::length).toArray();
    return Arrays.stream(lengths).max().orElse(0) - Arrays.stream(lengths).min().orElse(0);
  }

  @Test
  void scorerException_failsOnlyTheRequestsInThatBatch_andTheWorkerCarriesOn() throws Exception {
    var scorer = new FakeBatchScorer().throwWhen(contains("poison"));
    var gate = scorer.blockWhen(contains("blocker"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("throw"), scorer);
    var blocked = queue.submit(List.of("blocker"), NO_DEADLINE);
    gate.awaitEntered();
    var poisoned = queue.submit(List.of("aa", "poison"), NO_DEADLINE);
    var neighbour = queue.submit(List.of("bbb", "bb"), NO_DEADLINE); // same batch of 4
    var nextBatch = queue.submit(List.of("c"), NO_DEADLINE);
    gate.open();

    assertThat(failureOf(poisoned, WITHIN))
        .isInstanceOf(ScoringException.class)
        .hasMessageContaining("batch of 4 items")
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("poisoned batch of 4");
    assertThat(failureOf(neighbour, WITHIN)).isInstanceOf(ScoringException.class);
    assertThat(scoresOf(nextBatch)).containsExactly(1);
    assertThat(scoresOf(blocked)).containsExactly(7);
    assertThat(scoresOf(queue.submit(List.of("later"), NO_DEADLINE))).containsExactly(5);
    assertThat(queue.stats().failed()).isEqualTo(2);
  }

  @Test
  void wrongNumberOfScores_failsTheBatchWithScoringException_namingBothCounts() throws Exception {
    var scorer = new FakeBatchScorer().wrongSizeWhen(contains("wrong"));
    var queue = queues.create(config(4, Duration.ZERO, 100, 1), uniquePrefix("size"), scorer);

    var wrong = queue.submit(List.of("wrong", "x"), NO_DEADLINE);

    assertThat(failureOf(wrong, WITHIN))
        .isInstanceOf(ScoringException.class)
        .hasMessage("scorer returned 3 scores for a batch of 2 items");
    assertThat(scoresOf(queue.submit(List.of("ok"), NO_DEADLINE))).containsExactly(2);
  }

  @Test
  void startsOneNamedDaemonWorkerPerScorer_andCallsEachScorerOnlyFromItsWorker() throws Exception {
    String prefix = uniquePrefix("threads");
    var first = new FakeBatchScorer();
    var second = new FakeBatchScorer();
    var queue =
        queues.create(
            config(2, Duration.ZERO, 100, 1), prefix, Ticker.system(), List.of(first, second));

    assertThat(liveThreads(prefix))
        .allMatch(Thread::isDaemon)
        .extracting(Thread::getName)
        .contains(prefix + "-worker-0", prefix + "-worker-1")
        .allMatch(name -> name.startsWith(prefix + "-worker-") || name.endsWith("-deadlines"));
    for (int i = 0; i < 50; i++) {
      assertThat(scoresOf(queue.submit(items('t', i % 5, 3), NO_DEADLINE)))
          .containsExactly(i % 5, 3);
    }
    assertThat(first.threadNames()).isSubsetOf(prefix + "-worker-0");
    assertThat(second.threadNames()).isSubsetOf(prefix + "-worker-1");
  }

  @Test
  void submit_rejectsBadArgumentsAtOnce() {
    var queue =
        queues.create(
            config(4, Duration.ZERO, 100, 1), uniquePrefix("args"), new FakeBatchScorer());

    assertThatThrownBy(() -> queue.submit(List.of(), NO_DEADLINE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("items must not be empty");
    assertThatThrownBy(() -> queue.submit(null, NO_DEADLINE))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("items");
    assertThatThrownBy(() -> queue.submit(Arrays.asList("a", null), NO_DEADLINE))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("items[1]");
    assertThat(queue.stats().requests()).isZero();
  }

  @Test
  void config_checksEachSetting() {
    assertThatThrownBy(() -> new Config(0, Duration.ZERO, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be positive, but was 0");
    assertThatThrownBy(() -> new Config(1, Duration.ofMillis(-1), 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchDelay must not be negative, but was PT-0.001S");
    assertThatThrownBy(() -> new Config(1, null, 1, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("maxBatchDelay");
    assertThatThrownBy(() -> new Config(1, Duration.ZERO, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueuedItems must be positive, but was 0");
    assertThatThrownBy(() -> new Config(1, Duration.ZERO, 1, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("groupWindowBatches must be positive, but was -2");
    assertThatThrownBy(() -> new Config(1 << 16, Duration.ZERO, 1, 1 << 16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize * groupWindowBatches must fit an int, but was 65536 * 65536");
  }

  @Test
  void constructor_checksArguments_beforeStartingThreads() {
    String prefix = uniquePrefix("ctor");
    Config config = config(4, Duration.ZERO, 100, 1);
    List<BatchScorer<String>> scorers = List.of(new FakeBatchScorer());
    Ticker ticker = Ticker.system();

    assertThatThrownBy(() -> new BatchingQueue<>(null, scorers, String::length, ticker, prefix))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("config");
    assertThatThrownBy(
            () -> new BatchingQueue<String>(config, null, String::length, ticker, prefix))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scorers");
    assertThatThrownBy(() -> new BatchingQueue<>(config, scorers, null, ticker, prefix))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("length");
    assertThatThrownBy(() -> new BatchingQueue<>(config, scorers, String::length, null, prefix))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ticker");
    assertThatThrownBy(() -> new BatchingQueue<>(config, scorers, String::length, ticker, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("threadName");
    assertThatThrownBy(
            () ->
                new BatchingQueue<String>(
                    config,
                    Arrays.asList(new FakeBatchScorer(), null),
                    String::length,
                    ticker,
                    prefix))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scorers[1]");
    assertThatThrownBy(
            () -> new BatchingQueue<String>(config, List.of(), String::length, ticker, prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scorers must not be empty");
    assertThat(liveThreads(prefix)).isEmpty();
  }
}
