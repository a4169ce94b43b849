package dev.reranker.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
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

  /**
   * DJL's system property for libtorch's graph executor optimizer (unset: libtorch's default, on).
   */
  public static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

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

  /**
   * Returns the device a model runs on unless told otherwise: the first GPU if DJL's PyTorch engine
   * sees one, else the CPU. The one home of this rule for serving and training.
   */
  public static Device defaultDevice() {
    return Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /**
   * Checks a half-precision type for {@code mixedPrecisionType}: FLOAT16 is the only one DJL 0.36
   * can run. Its PyTorch JNI has no bfloat16 mapping and aborts the process (not an exception) on
   * the first BFLOAT16 array, so BFLOAT16 is refused here with the reason.
   *
   * @return {@code type}
   * @throws IllegalArgumentException for BFLOAT16 and for any type that is not half precision
   */
  public static DataType checkHalfPrecision(DataType type) {
    requireNonNull(type, "type");
    checkArgument(
        type != DataType.BFLOAT16,
        "mixedPrecisionType BFLOAT16 is not supported: DJL 0.36's PyTorch engine aborts the "
            + "process on bfloat16 arrays; use FLOAT16");
    checkArgument(type == DataType.FLOAT16, "mixedPrecisionType must be FLOAT16, but was %s", type);
    return type;
  }
}
