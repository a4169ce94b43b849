package dev.reranker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NativeHeapTest {

  @Test
  void theFirstOpenSetsReuse_nestedOpensShareIt_andTheLastCloseRestoresGlibcDefaults() {
    List<String> calls = new ArrayList<>();
    NativeHeap heap =
        new NativeHeap(
            (parameter, value) -> {
              calls.add(parameter + "=" + value);
              return true;
            });
    NativeHeap.Reuse outer = heap.open();
    assertThat(calls).containsExactly("-4=0", "-1=" + Integer.MAX_VALUE);
    NativeHeap.Reuse inner = heap.open();
    assertThat(calls).hasSize(2);
    assertThat(heap.openCount()).isEqualTo(2);

    inner.close();
    inner.close(); // idempotent: does not end the outer run's setting
    assertThat(calls).hasSize(2);
    assertThat(heap.openCount()).isEqualTo(1);

    outer.close();
    assertThat(calls).containsExactly("-4=0", "-1=" + Integer.MAX_VALUE, "-4=65536", "-1=131072");
    assertThat(heap.openCount()).isZero();
  }

  @Test
  void withoutGlibc_handlesDoNothing() {
    NativeHeap heap = new NativeHeap(null);
    NativeHeap.Reuse reuse = heap.open();
    assertThat(heap.openCount()).isZero();
    reuse.close();
    assertThat(heap.openCount()).isZero();
  }

  /**
   * The real allocator, through glibc's own accounting ({@code mallinfo2}, summed over arenas, so
   * the JVM's other memory does not blur it). Six live 48 MB blocks (over glibc's largest mmap
   * threshold, 32 MB, under a thread arena's heap size, 64 MB: a training step's activations): by
   * default all but what the arena's free top holds get mappings of their own; while reuse is open
   * none does, and the arena keeps their heaps when they are freed; closing restores the default
   * and hands those heaps back.
   */
  @Test
  void glibc_servesLargeBlocksFromTheHeapWhileOpen_andGivesTheHeapBackOnClose() {
    assumeTrue(NativeMemoryTrimmer.shared().available(), "no glibc here");
    MallocStats stats = MallocStats.load();
    assumeTrue(stats != null, "no mallinfo2 here (glibc before 2.33)");

    assertThat(mappedWhileLive(stats)).as("default: own mappings").isGreaterThan(2 * BLOCK);

    NativeHeap.Reuse reuse = NativeHeap.reuseFreedMemory();
    long keptWhileOpen;
    try {
      assertThat(mappedWhileLive(stats)).as("reuse: from the heap").isLessThan(BLOCK / 4);
      keptWhileOpen = stats.read().arena;
    } finally {
      reuse.close();
    }
    assertThat(stats.read().arena)
        .as("the freed blocks' heaps go back on close")
        .isLessThan(keptWhileOpen - 3 * BLOCK);
    assertThat(mappedWhileLive(stats)).as("default again").isGreaterThan(2 * BLOCK);
  }

  private static final long BLOCK = 48L << 20;
  private static final int BLOCKS = 6;

  /** How much more glibc maps for single blocks while {@value #BLOCKS} blocks are live. */
  private static long mappedWhileLive(MallocStats stats) {
    long before = stats.read().hblkhd;
    long[] addresses = new long[BLOCKS];
    try {
      for (int i = 0; i < BLOCKS; i++) {
        addresses[i] = Native.malloc(BLOCK); // untouched: costs address space, not memory
        assertThat(addresses[i]).isNotZero();
      }
      return stats.read().hblkhd - before;
    } finally {
      for (long a : addresses) {
        if (a != 0) {
          Native.free(a);
        }
      }
    }
  }

  /** glibc's {@code struct mallinfo2} (2.33 and later). */
  @Structure.FieldOrder({
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost"
  })
  public static class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena; // bytes of the arenas' heaps (sbrk and thread heaps)
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd; // bytes of blocks mapped on their own
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }

  private record MallocStats(Function mallinfo2) {
    static @Nullable MallocStats load() {
      Function f = Glibc.function("mallinfo2");
      return f == null ? null : new MallocStats(f);
    }

    MallInfo2 read() {
      return (MallInfo2) mallinfo2.invoke(MallInfo2.class, new Object[0]);
    }
  }
}
