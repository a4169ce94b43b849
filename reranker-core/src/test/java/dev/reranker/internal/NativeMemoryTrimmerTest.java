package dev.reranker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NativeMemoryTrimmerTest {

  @Test
  void intervalsMustBePositive() {
    NativeMemoryTrimmer trimmer = new NativeMemoryTrimmer(() -> true);
    assertThatThrownBy(() -> trimmer.register(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be positive, but was PT0S");
    assertThatThrownBy(() -> trimmer.register(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be positive, but was PT-0.005S");
    assertThat(trimmer.running()).isFalse();
  }

  @Test
  void trimsAtTheShortestOpenInterval_andStopsWithTheLastRegistration() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    NativeMemoryTrimmer trimmer =
        new NativeMemoryTrimmer(
            () -> {
              calls.incrementAndGet();
              return true;
            });
    NativeMemoryTrimmer.Registration slow = trimmer.register(Duration.ofHours(1));
    assertThat(trimmer.running()).isTrue();
    NativeMemoryTrimmer.Registration fast = trimmer.register(Duration.ofMillis(5));
    awaitCalls(calls, 3);
    assertThat(trimmer.trims()).isGreaterThanOrEqualTo(3);
    assertThat(trimmer.trimNanos()).isPositive();

    fast.close();
    fast.close(); // idempotent
    int afterFast = calls.get();
    Thread.sleep(100); // 20 trims at the fast interval; none at an hour's
    assertThat(calls.get()).isBetween(afterFast, afterFast + 1); // one may have been running
    assertThat(trimmer.running()).isTrue();

    slow.close();
    assertThat(trimmer.running()).isFalse();
    // Registering again starts it again.
    try (NativeMemoryTrimmer.Registration again = trimmer.register(Duration.ofMillis(5))) {
      int before = calls.get();
      awaitCalls(calls, before + 2);
      assertThat(again.interval()).isEqualTo(Duration.ofMillis(5));
    }
    assertThat(trimmer.running()).isFalse();
  }

  @Test
  void aFailingTrimIsCounted_asNotReleased_andTheScheduleGoesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    NativeMemoryTrimmer trimmer =
        new NativeMemoryTrimmer(
            () -> {
              calls.incrementAndGet();
              throw new IllegalStateException("boom");
            });
    assertThat(trimmer.trimNow()).isFalse();
    NativeMemoryTrimmer.Registration r = trimmer.register(Duration.ofMillis(5));
    awaitCalls(calls, 4);
    r.close();
    assertThat(trimmer.running()).isFalse();
  }

  @Test
  void withoutMallocTrim_registrationsDoNothing() {
    NativeMemoryTrimmer none = new NativeMemoryTrimmer(null);
    assertThat(none.available()).isFalse();
    NativeMemoryTrimmer.Registration r = none.register(Duration.ofMillis(1));
    assertThat(none.running()).isFalse();
    assertThat(none.trimNow()).isFalse();
    r.close();
    assertThat(none.trims()).isZero();
  }

  /**
   * The real thing: a heap fragmented as a serving process fragments it (most small blocks freed,
   * every 128th kept, so no free run reaches the heap's top) stays resident until malloc_trim hands
   * its free pages back.
   */
  @Test
  void glibcMallocTrim_returnsTheFreePagesOfAFragmentedHeap() {
    NativeMemoryTrimmer trimmer = NativeMemoryTrimmer.shared();
    assumeTrue(trimmer.available(), "no glibc malloc_trim here");
    int blocks = 400_000;
    int size = 256;
    long[] pointers = new long[blocks];
    for (int i = 0; i < blocks; i++) {
      pointers[i] = Native.malloc(size);
      assertThat(pointers[i]).isNotZero();
      com.sun.jna.Pointer p = new com.sun.jna.Pointer(pointers[i]);
      p.setMemory(0, size, (byte) 1); // touch: resident
    }
    try {
      for (int i = 0; i < blocks; i++) {
        if (i % 128 != 0) {
          Native.free(pointers[i]);
          pointers[i] = 0;
        }
      }
      long fragmented = NativeMemoryTrimmer.residentBytes();
      trimmer.trimNow();
      long trimmed = NativeMemoryTrimmer.residentBytes();
      // About 100 MB were freed; at least half of it must leave the resident set.
      assertThat(fragmented - trimmed).isGreaterThan(50L << 20);
    } finally {
      for (long p : pointers) {
        if (p != 0) {
          Native.free(p);
        }
      }
    }
  }

  private static void awaitCalls(AtomicInteger calls, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (calls.get() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(calls.get()).isGreaterThanOrEqualTo(atLeast);
  }
}
