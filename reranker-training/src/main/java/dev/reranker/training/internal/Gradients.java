package dev.reranker.training.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global norm, over the parameters' gradients (DJL's {@code optClipGrad} clips
 * each value, not the norm), with an optional loss-scale unscaling folded in.
 */
public final class Gradients {
  private Gradients() {}

  /**
   * Unscales the gradients by {@code 1 / lossScale}, then scales them so that their global L2 norm
   * is at most {@code maxNorm}, in place: one multiplication per gradient. When the norm is not
   * finite (an overflow), nothing is changed and the norm is returned as it is, for the caller to
   * skip the step or stop.
   *
   * @param maxNorm the largest norm allowed; not positive turns clipping off
   * @param scratch the manager that owns the temporary arrays (closed by the caller)
   * @return the global norm of the unscaled gradients before clipping
   */
  public static double clipByGlobalNorm(
      List<Parameter> parameters, double maxNorm, double lossScale, NDManager scratch) {
    return clipByGlobalNorm(gradients(parameters, scratch), maxNorm, lossScale);
  }

  /**
   * Does what {@link #clipByGlobalNorm(List, double, double, NDManager)} does, to these gradient
   * arrays (the float32 copies of mixed precision): unscales by {@code 1 / lossScale} and clips to
   * {@code maxNorm}, in place, unless the norm is not finite. Its temporary arrays go to the
   * gradients' manager: pass arrays of a per-step manager.
   *
   * @param maxNorm the largest norm allowed; not positive turns clipping off
   * @return the global norm of the unscaled gradients before clipping
   */
  public static double clipByGlobalNorm(List<NDArray> grads, double maxNorm, double lossScale) {
    if (grads.isEmpty()) {
      return 0;
    }
    NDList squares = new NDList(grads.size());
    for (NDArray g : grads) {
      squares.add(g.square().sum());
    }
    double norm = Math.sqrt(NDArrays.stack(squares).sum().getFloat()) / lossScale;
    if (!Double.isFinite(norm)) {
      return norm;
    }
    double factor = 1 / lossScale;
    if (maxNorm > 0 && norm > maxNorm) {
      factor *= maxNorm / (norm + 1e-6);
    }
    if (factor != 1) {
      for (NDArray g : grads) {
        g.muli((float) factor);
      }
    }
    return norm;
  }

  /** Sets every gradient to zero, in place (a skipped step). */
  public static void zero(List<Parameter> parameters, NDManager scratch) {
    for (NDArray g : gradients(parameters, scratch)) {
      g.muli(0f);
    }
  }

  private static List<NDArray> gradients(List<Parameter> parameters, NDManager scratch) {
    List<NDArray> grads = new ArrayList<>(parameters.size());
    for (Parameter p : parameters) {
      if (p.requiresGradient() && p.getArray().hasGradient()) {
        NDArray g = p.getArray().getGradient(); // a new handle on the same storage
        g.attach(scratch);
        grads.add(g);
      }
    }
    return grads;
  }
}
