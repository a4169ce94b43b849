package dev.reranker.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DJL off the network. libtorch and the tokenizer library ship inside Maven jars, so DJL
 * never needs to download; in offline mode it also skips its telemetry ping. Unless the host
 * application chose explicitly (system property {@code offline} set to anything), the first use of
 * the reranker sets {@code offline=true}.
 */
public final class DjlRuntime {
  private static final Logger logger = LoggerFactory.getLogger(DjlRuntime.class);
  private static final AtomicBoolean done = new AtomicBoolean();

  private DjlRuntime() {}

  /** Sets DJL's offline mode unless the application already decided. Idempotent and cheap. */
  public static void ensureOffline() {
    if (done.compareAndSet(false, true)) {
      if (System.getProperty("offline") == null && System.getenv("DJL_OFFLINE") == null) {
        System.setProperty("offline", "true");
        logger.debug("set DJL offline mode: native libraries come from the classpath");
      }
      if (System.getProperty("OPT_OUT_TRACKING") == null) {
        System.setProperty("OPT_OUT_TRACKING", "true");
      }
    }
  }
}
