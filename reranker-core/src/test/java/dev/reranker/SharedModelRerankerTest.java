package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.reranker.internal.NativeMemoryTrimmer;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rerankers over a model loaded once: sharing it, and never freeing a model under a running forward
 * on close.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SharedModelRerankerTest {
  static EncoderModel model;

  static final Dialog DIALOG = Dialog.of(Turn.user("Yes, I have an exam tomorrow"));
  static final List<Candidate> CANDIDATES =
      List.of(
          Candidate.of("You will do great, you prepared well."),
          Candidate.of("I like pizza."),
          Candidate.of("Try to get some sleep before the exam."));

  @BeforeAll
  static void load() {
    model = RerankerModel.bundled().load();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void twoRerankersOnOneModel_work_andClosingOneLeavesTheOtherWorking() {
    Reranker first = Reranker.builder().sharedModel(model).build();
    Ranking a;
    try (Reranker second = Reranker.builder().sharedModel(model).batchSize(2).build()) {
      a = first.rank(DIALOG, CANDIDATES);
      assertSameScores(second.rank(DIALOG, CANDIDATES), a);
      assertThat(a.best().orElseThrow().text()).isNotEqualTo("I like pizza.");

      first.close();

      assertThatThrownBy(() -> first.rank(DIALOG, CANDIDATES))
          .isInstanceOf(RerankerClosedException.class);
      assertSameScores(second.rank(DIALOG, CANDIDATES), a);
      assertThat(second.score(DIALOG, "I like pizza.")).isBetween(0f, 1f);
    }
    // Both closed; the model is its owner's, still open, and scores as before.
    try (Reranker third = Reranker.builder().sharedModel(model).build()) {
      assertThat(third.toString()).contains("sharedModel=CROSS_ENCODER", "running=");
      assertSameScores(third.rank(DIALOG, CANDIDATES), a);
    }
  }

  @Test
  void aRerankerThatRunsAModel_trimsNativeMemoryWhileOpen() throws Exception {
    NativeMemoryTrimmer trimmer = NativeMemoryTrimmer.shared();
    assumeTrue(trimmer.available(), "no glibc malloc_trim here");
    long before = trimmer.trims();
    try (Reranker r =
        Reranker.builder().sharedModel(model).nativeMemoryTrim(Duration.ofMillis(10)).build()) {
      assertThat(r.toString()).contains("nativeMemoryTrim=PT0.01S");
      r.rank(DIALOG, CANDIDATES);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (trimmer.trims() < before + 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(trimmer.trims()).isGreaterThanOrEqualTo(before + 3);
      // Scoring goes on beside the trims, with the same scores.
      assertSameScores(r.rank(DIALOG, CANDIDATES), r.rank(DIALOG, CANDIDATES));
    }
  }

  @Test
  void sharedModel_scoresAsAModelTheRerankerLoadsItself() {
    try (Reranker shared = Reranker.builder().sharedModel(model).build();
        Reranker own = Reranker.builder().model(RerankerModel.bundled()).build()) {
      assertSameScores(shared.rank(DIALOG, CANDIDATES), own.rank(DIALOG, CANDIDATES));
    }
  }

  @Test
  void builder_refusesSettingsThatWouldChangeASharedModel() {
    assertThatThrownBy(() -> Reranker.builder().sharedModel(model).devices(Device.cpu()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("devices(...) does not apply to sharedModel(...): it runs where it was loaded");
    assertThatThrownBy(() -> Reranker.builder().sharedModel(model).mixedPrecision(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "mixedPrecision(true) does not apply to sharedModel(...): it runs as it was loaded");
    assertThatThrownBy(() -> Reranker.builder().sharedModel(model).verifyForward(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "verifyForward(...) does not apply to sharedModel(...): its owner set it at load");
    assertThatThrownBy(
            () -> Reranker.builder().sharedModel(model).model(RerankerModel.bundled()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set one of model(...), sharedModel(...) or scorer(...), not several");
    assertThatThrownBy(
            () -> Reranker.builder().scorer(FakeScorer.byLength()).sharedModel(model).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set one of model(...), sharedModel(...) or scorer(...), not several");
    assertThatThrownBy(() -> Reranker.builder().sharedModel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("model");
  }

  @Test
  void close_waitsForTheForward_andFreesTheModelOnlyAfterIt() throws Exception {
    GatedModel gated = new GatedModel(model);
    Reranker reranker = Reranker.builder().ownedModel(gated).build();
    CompletableFuture<Float> running = reranker.scoreAsync(DIALOG, "Good luck!");
    gated.awaitEntered();

    Thread closer = new Thread(reranker::close, "closer");
    closer.start();
    Thread.sleep(200);

    assertThat(closer.isAlive()).as("close() waits for the forward").isTrue();
    assertThat(gated.closed).isFalse();
    gated.release();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(gated.closed).as("closed once the forward ended").isTrue();
    assertThat(gated.closedDuringForward).isFalse();
    assertThat(running.get(5, TimeUnit.SECONDS)).isBetween(0f, 1f);
  }

  @Test
  void close_withAForwardThatNeverLeaves_returns_leaksTheModel_andSaysSo() throws Exception {
    GatedModel gated = new GatedModel(model);
    Reranker reranker =
        Reranker.builder().ownedModel(gated).closeTimeout(Duration.ofMillis(100)).build();
    CompletableFuture<Float> running = reranker.scoreAsync(DIALOG, "Good luck!");
    gated.awaitEntered();

    String log;
    long start = System.nanoTime();
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      reranker.close();
    } finally {
      System.setErr(err);
      log = captured.toString(StandardCharsets.UTF_8);
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(gated.closed).as("not freed under the running forward").isFalse();
    assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RerankerClosedException.class);
    assertThat(log).contains("WARN", "leaking the native memory of 1 model(s) and the tokenizer");

    gated.release();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gated.inForward.get() > 0 && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    Thread.sleep(100);
    assertThat(gated.inForward.get()).isZero();
    assertThat(gated.closed).as("leaked deliberately, not freed late").isFalse();
    reranker.close(); // idempotent: still nothing freed
    assertThat(gated.closed).isFalse();
  }

  @Test
  void close_ofASharedModelsReranker_neverClosesTheModel() throws Exception {
    GatedModel gated = new GatedModel(model);
    gated.release(); // no forward blocks
    Reranker reranker = Reranker.builder().sharedModel(gated).build();
    assertThat(reranker.score(DIALOG, "Good luck!")).isBetween(0f, 1f);

    reranker.close();

    assertThat(gated.closed).isFalse();
  }

  private static void assertSameScores(Ranking actual, Ranking expected) {
    assertThat(actual.size()).isEqualTo(expected.size());
    for (ScoredCandidate c : expected.ranked()) {
      ScoredCandidate same =
          actual.ranked().stream()
              .filter(s -> s.candidate().equals(c.candidate()))
              .findFirst()
              .orElseThrow();
      assertThat(Math.abs(same.probability() - c.probability())).isLessThanOrEqualTo(1e-5f);
    }
  }

  /**
   * Wraps the loaded model; its forwards wait until released, ignoring interrupts as a native call
   * would. Records whether it was closed, and whether during a forward. Never closes the wrapped
   * model, which the other tests share.
   */
  static final class GatedModel implements EncoderModel {
    final EncoderModel delegate;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);
    final AtomicInteger inForward = new AtomicInteger();
    volatile boolean closed;
    volatile boolean closedDuringForward;

    GatedModel(EncoderModel delegate) {
      this.delegate = delegate;
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(30, TimeUnit.SECONDS)).as("forward entered").isTrue();
    }

    void release() {
      released.countDown();
    }

    private void gate() {
      entered.countDown();
      while (true) {
        try {
          released.await();
          return;
        } catch (InterruptedException e) {
          // stuck in native code: the interrupt is not seen
        }
      }
    }

    @Override
    public float[][] logits(TokenBatch batch) {
      inForward.incrementAndGet();
      try {
        gate();
        return delegate.logits(batch);
      } finally {
        inForward.decrementAndGet();
      }
    }

    @Override
    public float[][] embed(TokenBatch batch) {
      inForward.incrementAndGet();
      try {
        gate();
        return delegate.embed(batch);
      } finally {
        inForward.decrementAndGet();
      }
    }

    @Override
    public ModelKind kind() {
      return delegate.kind();
    }

    @Override
    public List<String> labels() {
      return delegate.labels();
    }

    @Override
    public String tokenizerJson() {
      return delegate.tokenizerJson();
    }

    @Override
    public int maxPositions() {
      return delegate.maxPositions();
    }

    @Override
    public Optional<Calibration> calibration() {
      return delegate.calibration();
    }

    @Override
    public void save(Path directory) {
      delegate.save(directory);
    }

    @Override
    public void close() {
      if (inForward.get() > 0) {
        closedDuringForward = true;
      }
      closed = true;
    }
  }
}
