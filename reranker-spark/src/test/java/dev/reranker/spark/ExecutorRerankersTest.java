package dev.reranker.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Reranker;
import dev.reranker.RerankerClosedException;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The executor's reranker cache, without Spark: leases, idle eviction, the close at exit. */
class ExecutorRerankersTest {
  private static ScoringOptions fake(int batchSize) {
    // A factory that captures its batch size: one cache key per size.
    return ScoringOptions.builder()
        .reranker(() -> FakeRerankers.builder().batchSize(batchSize).build())
        .build();
  }

  @Test
  void leasesOfEqualOptionsShareOneReranker() {
    ExecutorRerankers.closeAll();
    try (ExecutorRerankers.Lease a = ExecutorRerankers.lease(fake(3));
        ExecutorRerankers.Lease b = ExecutorRerankers.lease(fake(3))) {
      assertThat(a.reranker()).isSameAs(b.reranker());
      assertThat(ExecutorRerankers.loads(fake(3))).isEqualTo(1);
    }
  }

  @Test
  void keepsAtMostMaxIdleUnleasedRerankers() {
    ExecutorRerankers.closeAll();
    List<Reranker> rerankers = new ArrayList<>();
    List<ExecutorRerankers.Lease> leases = new ArrayList<>();
    for (int size = 11; size < 15; size++) {
      ExecutorRerankers.Lease lease = ExecutorRerankers.lease(fake(size));
      rerankers.add(lease.reranker());
      leases.add(lease);
    }
    assertThat(ExecutorRerankers.cached()).isEqualTo(4); // all leased: none is closed
    leases.forEach(ExecutorRerankers.Lease::close);
    assertThat(ExecutorRerankers.cached()).isEqualTo(ExecutorRerankers.MAX_IDLE);
    // The least recently leased went first.
    assertClosed(rerankers.get(0));
    assertClosed(rerankers.get(1));
    assertThat(score(rerankers.get(3))).isPositive();
  }

  @Test
  void closeAllClosesWhatIsCachedAsTheShutdownHookDoes() {
    Reranker reranker;
    try (ExecutorRerankers.Lease lease = ExecutorRerankers.lease(fake(5))) {
      reranker = lease.reranker();
    }
    ExecutorRerankers.closeAll();
    assertThat(ExecutorRerankers.cached()).isZero();
    assertClosed(reranker);
  }

  @Test
  void aFailedLoadIsForgottenSoALaterJobCanRetry() {
    ExecutorRerankers.closeAll();
    ScoringOptions missing = ScoringOptions.builder().model("/no/such/checkpoint").build();
    try (ExecutorRerankers.Lease lease = ExecutorRerankers.lease(missing)) {
      assertThatThrownBy(lease::reranker).hasMessageContaining("/no/such/checkpoint");
      assertThat(ExecutorRerankers.cached()).isZero();
    }
    assertThat(ExecutorRerankers.loads(missing)).isZero();
  }

  private static float score(Reranker reranker) {
    return reranker.score(Dialog.of(Turn.user("hi")), "hello");
  }

  private static void assertClosed(Reranker reranker) {
    assertThatThrownBy(
            () ->
                reranker
                    .rankAsync(Dialog.of(Turn.user("hi")), List.of(Candidate.of("hello")))
                    .join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(RerankerClosedException.class);
  }
}
