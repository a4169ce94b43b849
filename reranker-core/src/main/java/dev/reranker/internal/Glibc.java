package dev.reranker.internal;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's malloc tuning functions, found through JNA, where this process runs on glibc. libtorch
 * allocates every tensor with {@code malloc}, so how glibc's allocator keeps and returns memory
 * decides both the resident size ({@link NativeMemoryTrimmer}) and, for training's large
 * activations, the speed ({@link NativeHeap}).
 */
final class Glibc {
  private static final Logger logger = LoggerFactory.getLogger(Glibc.class);

  private Glibc() {}

  /**
   * Returns the glibc function {@code name}, or null where there is none (not Linux, musl, JNA
   * unable to load); one DEBUG line says why.
   */
  static @Nullable Function function(String name) {
    try {
      if (!Platform.isLinux()) {
        logger.debug("no {}: not Linux", name);
        return null;
      }
      NativeLibrary c = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
      c.getFunction("gnu_get_libc_version"); // glibc's own: musl has no malloc_trim or these knobs
      return c.getFunction(name);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError | RuntimeException e) {
      logger.debug("no {} (not glibc, or JNA cannot load): {}", name, e.toString());
      return null;
    }
  }
}
