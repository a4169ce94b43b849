package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.RerankerModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reranker on real weights: the bundled bi-encoder and the tiny-bert cross-encoder. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BundledRerankerTest {
  static Reranker bundled;

  static final Dialog EXAM =
      Dialog.of(
          Turn.user("Just anxious and tired"),
          Turn.bot("Still worried about tomorrow?"),
          Turn.user("Yes, I have an exam"));

  static final List<Candidate> CANDIDATES =
      List.of(
          Candidate.retrieval("You will do great, you prepared well."),
          Candidate.retrieval("I like pizza."),
          Candidate.generative("Exams are stressful. Try to get some sleep tonight."),
          Candidate.generative("What is your favourite colour?"),
          Candidate.retrieval("ok"),
          Candidate.generative(
              "It is completely normal to feel nervous before an exam; a short walk and an early"
                  + " night often help more than one more hour of revision."));

  @BeforeAll
  static void load() {
    bundled =
        Reranker.builder()
            .model(RerankerModel.miniLmBiEncoder())
            .maxSeqLen(80)
            .batchSize(32)
            .mixedPrecision(true)
            .build();
  }

  @AfterAll
  static void close() {
    bundled.close();
  }

  @Test
  void ranksTheOnTopicRepliesFirst() {
    Ranking ranking = bundled.rank(EXAM, CANDIDATES);
    List<String> top2 = ranking.top(2).stream().map(ScoredCandidate::text).toList();
    assertThat(top2).allMatch(t -> t.contains("exam") || t.contains("Exam"));
    assertThat(ranking.ranked().get(ranking.size() - 1).text())
        .isIn("I like pizza.", "ok", "What is your favourite colour?");
    for (ScoredCandidate c : ranking.ranked()) {
      assertThat(c.probability()).isBetween(0f, 1f);
    }
  }

  @Test
  void aPairsScoreDoesNotDependOnItsBatch() throws Exception {
    Ranking batched = bundled.rank(EXAM, CANDIDATES);
    double maxDiff = 0;
    for (Candidate c : CANDIDATES) {
      float alone = bundled.score(EXAM, c.text());
      float inBatch =
          batched.all().stream()
              .filter(s -> s.candidate().equals(c))
              .findFirst()
              .orElseThrow()
              .probability();
      maxDiff = Math.max(maxDiff, Math.abs(alone - inBatch));
    }
    System.out.printf("bundled: max |P(alone) - P(in batch)| = %.3g%n", maxDiff);
    assertThat(maxDiff).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void leftTruncationKeepsTheNewestTurn() {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      turns.add(Turn.user("I cooked pasta with tomato sauce and basil for dinner again"));
      turns.add(Turn.bot("Pasta with fresh basil sounds delicious, what else did you cook?"));
    }
    turns.add(
        Turn.user(
            "Anyway, forget the food. My final exam is tomorrow morning and I am really"
                + " anxious about it. I studied all week but I still feel unprepared, I cannot sleep and"
                + " I keep worrying that I will fail."));
    Dialog dialog = Dialog.of(turns);
    String exam = "Being anxious before an exam is normal; you will do fine tomorrow.";
    // Had the context kept its oldest tokens (right truncation), it would be pasta only.
    float newestKept = bundled.score(dialog, exam);
    float oldestKept = bundled.score(Dialog.of(turns.subList(0, 24)), exam);
    System.out.printf(
        "P(exam reply): %.3f with the newest turn kept, %.3f with pasta only%n",
        newestKept, oldestKept);
    assertThat(newestKept).isGreaterThan(oldestKept + 0.3f);

    // Only the newest tokens count: dropping the 20 oldest turns changes nothing.
    Dialog recent = Dialog.of(turns.subList(20, turns.size()));
    assertThat(bundled.score(recent, exam)).isEqualTo(bundled.score(dialog, exam));
  }

  @Test
  void sixteenThreadsGetTheSameAnswersAsOne() throws Exception {
    Ranking expected = bundled.rank(EXAM, CANDIDATES);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<Ranking>> futures = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      futures.add(pool.submit(() -> bundled.rank(EXAM, CANDIDATES)));
    }
    for (Future<Ranking> f : futures) {
      Ranking r = f.get(2, TimeUnit.MINUTES);
      assertThat(r.ranked())
          .extracting(ScoredCandidate::candidate)
          .containsExactlyElementsOf(
              expected.ranked().stream().map(ScoredCandidate::candidate).toList());
      for (int i = 0; i < r.size(); i++) {
        assertThat(
                Math.abs(r.ranked().get(i).probability() - expected.ranked().get(i).probability()))
            .isLessThanOrEqualTo(1e-5f);
      }
    }
    pool.shutdown();
    assertThat(bundled.stats().meanBatchSize()).isGreaterThan(1.0);
  }

  @Test
  void twoWorkersShareOneModelAndGiveTheSameAnswers() throws Exception {
    Ranking expected = bundled.rank(EXAM, CANDIDATES);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (Reranker two =
        Reranker.builder().model(RerankerModel.miniLmBiEncoder()).workersPerDevice(2).build()) {
      assertThat(two.toString()).contains("workersPerDevice=2");
      assertThat(workerThreads()).contains("reranker-worker-1");
      List<Future<Ranking>> futures = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        futures.add(pool.submit(() -> two.rank(EXAM, CANDIDATES)));
      }
      for (Future<Ranking> f : futures) {
        Ranking r = f.get(2, TimeUnit.MINUTES);
        assertSameOrder(r, expected);
        for (int i = 0; i < r.size(); i++) {
          assertThat(
                  Math.abs(
                      r.ranked().get(i).probability() - expected.ranked().get(i).probability()))
              .isLessThanOrEqualTo(1e-5f);
        }
      }
    } finally {
      pool.shutdown();
    }
    assertThat(workerThreads()).doesNotContain("reranker-worker-1");
  }

  private static List<String> workerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .toList();
  }

  @Test
  void twoRerankersWithDifferentModelsWorkSideBySide(@TempDir Path tmp) throws Exception {
    Path tiny = tmp.resolve("tiny-bert");
    Files.createDirectories(tiny);
    Path fixture = Path.of("src/test/resources/fixtures/tiny-bert");
    Files.copy(fixture.resolve("config.json"), tiny.resolve("config.json"));
    Files.copy(fixture.resolve("model.safetensors"), tiny.resolve("model.safetensors"));
    Files.writeString(tiny.resolve("tokenizer.json"), BundledModel.tokenizerJson());
    try (Reranker cross =
        Reranker.builder().model(tiny).maxBatchDelay(Duration.ofMillis(1)).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Ranking>> a = new ArrayList<>();
      List<Future<Ranking>> b = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        a.add(pool.submit(() -> cross.rank(EXAM, CANDIDATES)));
        b.add(pool.submit(() -> bundled.rank(EXAM, CANDIDATES)));
      }
      Ranking crossExpected = cross.rank(EXAM, CANDIDATES);
      Ranking biExpected = bundled.rank(EXAM, CANDIDATES);
      for (int i = 0; i < 20; i++) {
        assertSameOrder(a.get(i).get(1, TimeUnit.MINUTES), crossExpected);
        assertSameOrder(b.get(i).get(1, TimeUnit.MINUTES), biExpected);
      }
      pool.shutdown();
      // A cross-encoder's probability is the sigmoid of its upvote logit.
      ScoredCandidate best = crossExpected.best().orElseThrow();
      assertThat(best.probability()).isEqualTo(Calibration.SIGMOID.probability(best.score()));
    }
  }

  static void assertSameOrder(Ranking actual, Ranking expected) {
    assertThat(actual.ranked())
        .extracting(ScoredCandidate::candidate)
        .containsExactlyElementsOf(
            expected.ranked().stream().map(ScoredCandidate::candidate).toList());
  }

  @Test
  void maxSeqLenBeyondTheModelIsRejected(@TempDir Path tmp) throws IOException {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Reranker.builder().model(RerankerModel.miniLmBiEncoder()).maxSeqLen(1024).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxSeqLen (1024) exceeds the model's 512 positions");
  }
}
