package dev.reranker.training.internal;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import dev.reranker.internal.bert.NativeBert;
import java.util.ArrayList;
import java.util.List;

/**
 * Mixed-precision training of the native BERT, Apex's "O2" scheme written out by hand, since DJL
 * 0.36 has no autocast and its {@code toType} casts without autograd (the JNI casts under {@code
 * torch::NoGradGuard}), so a float16 cast of a float32 weight inside the forward passes no gradient
 * back to it.
 *
 * <ul>
 *   <li>The model passed in keeps the float32 <em>master</em> weights: the optimizer updates them,
 *       evaluation and checkpoints read them.
 *   <li>A working copy ({@link #workingModel()}) holds float16 parameters that require gradients;
 *       forward and backward run on it, with the loss multiplied by the {@link LossScaler}'s scale
 *       ({@link #scale}).
 *   <li>{@link #step} copies the gradients to float32, unscales them, clips them by global norm,
 *       skips the step (and halves the scale) if any is inf or NaN, else lets the optimizer update
 *       the master weights and copies them back into the working copy.
 * </ul>
 *
 * <p>The loss is computed in float32: {@link #toFloat32} casts logits in a way autograd sees.
 *
 * <p>Not thread-safe. Closes the working copy on {@link #close()}; the master model stays open.
 */
public final class MixedPrecision implements AutoCloseable {
  private final NativeBert working;
  private final DataType dataType;
  private final Optimizer optimizer;
  private final LossScaler scaler;
  private final List<Pair<String, Parameter>> masters = new ArrayList<>();
  private final List<Parameter> halves = new ArrayList<>();

  /**
   * The outcome of one {@link #step}.
   *
   * @param applied whether the master weights were updated (false: the gradients overflowed)
   * @param gradNorm the global norm of the unscaled gradients before clipping (inf or NaN when not
   *     applied)
   * @param lossScale the scale the step's loss was multiplied by
   */
  public record Step(boolean applied, double gradNorm, float lossScale) {}

  /**
   * Creates the working copy of {@code master} in {@code dataType}, on the same device.
   *
   * @param optimizer updates the master weights; its parameter ids are the weights' checkpoint
   *     names
   * @throws IllegalArgumentException if {@code dataType} is not FLOAT16 (DJL 0.36's PyTorch JNI
   *     aborts the process on BFLOAT16 arrays) or the master weights are not float32
   */
  public MixedPrecision(
      NativeBert master, DataType dataType, Optimizer optimizer, LossScaler scaler) {
    checkArgument(
        dataType == DataType.FLOAT16,
        "mixed precision needs FLOAT16 working weights, but was %s",
        dataType);
    checkArgument(
        master.dataType() == DataType.FLOAT32,
        "mixed precision needs float32 master weights, but they are %s",
        master.dataType());
    this.dataType = dataType;
    this.optimizer = optimizer;
    this.scaler = scaler;
    this.working = master.withPrecision(dataType);
    try {
      for (Pair<String, Parameter> p : master.block().getParameters()) {
        Parameter half = working.block().getParameters().get(p.getKey());
        half.getArray().setRequiresGradient(true);
        masters.add(p);
        halves.add(half);
      }
    } catch (RuntimeException e) {
      working.close();
      throw e;
    }
  }

  /**
   * Returns {@code x} as float32, recorded by autograd when gradients are being collected: the
   * product with a one-element float32 array, which PyTorch's type promotion makes float32 (an
   * array of one dimension, so that it promotes, where a scalar would not). Returns {@code x}
   * itself when it is float32 already, and a plain cast (no gradient) for other wider types. The
   * new arrays belong to {@code x}'s manager.
   */
  public static NDArray toFloat32(NDArray x) {
    DataType type = x.getDataType();
    if (type == DataType.FLOAT16 || type == DataType.BFLOAT16) {
      return x.mul(x.getManager().ones(new Shape(1), DataType.FLOAT32));
    }
    return x.toType(DataType.FLOAT32, false);
  }

  /** Returns the DJL model of the working copy: run forward and backward on its block. */
  public Model workingModel() {
    return working.djlModel();
  }

  /** Returns the working copy's data type. */
  public DataType dataType() {
    return dataType;
  }

  /** Returns the loss scaler. */
  public LossScaler scaler() {
    return scaler;
  }

  /** Returns the loss multiplied by the current loss scale: run backward on this. */
  public NDArray scale(NDArray loss) {
    return loss.mul(scaler.scale());
  }

  /**
   * Finishes a step after the backward pass of {@link #scale scaled} loss on the working copy:
   * copies its gradients to float32 and sets them to zero; unscales and clips the copies to {@code
   * maxGradNorm}; tells the scaler whether they were finite; if so, updates the master weights with
   * the optimizer and copies them into the working copy. Runs with autograd off.
   *
   * @param maxGradNorm the global norm to clip to; not positive turns clipping off
   * @param scratch the per-step manager that receives the temporary arrays (closed by the caller)
   * @throws IllegalStateException if the gradients are not finite at the scaler's lowest scale
   *     (training diverged)
   */
  public Step step(double maxGradNorm, NDManager scratch) {
    JniUtils.setGradMode(false); // in-place writes to leaves that require gradients
    float lossScale = scaler.scale();
    List<NDArray> grads = new ArrayList<>(halves.size());
    for (Parameter half : halves) {
      NDArray g = half.getArray().getGradient(); // a new handle on the gradient's storage
      g.attach(scratch);
      grads.add(g.toType(DataType.FLOAT32, true)); // in g's manager: scratch
      // zero_(), not a product with 0: that would keep inf and NaN for the next step
      JniUtils.zeroGrad((PtNDArray) half.getArray());
    }
    double norm = Gradients.clipByGlobalNorm(grads, maxGradNorm, lossScale);
    if (!scaler.update(Double.isFinite(norm))) {
      return new Step(false, norm, lossScale);
    }
    for (int i = 0; i < halves.size(); i++) {
      NDArray master = masters.get(i).getValue().getArray();
      optimizer.update(masters.get(i).getKey(), master, grads.get(i));
      try (NDArray cast = master.toType(dataType, true)) {
        halves.get(i).getArray().muli(0f).addi(cast);
      }
    }
    return new Step(true, norm, lossScale);
  }

  @Override
  public void close() {
    working.close();
  }
}
