package dev.reranker.internal.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.model.ModelLoadException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters are registered directly under their checkpoint names with known
 * shapes, so that import and export are a name lookup. Parameters are filled from a checkpoint with
 * {@link #setWeight}; {@code initialize} draws whatever was not set.
 */
public abstract class NamedParameterBlock extends AbstractBlock {
  private final Map<String, Shape> expectedShapes = new LinkedHashMap<>();

  /** Registers a parameter named {@code name} of {@code shape}, drawn by {@code init}. */
  protected final Parameter param(
      String name, Parameter.Type type, Initializer init, long... shape) {
    expectedShapes.put(name, new Shape(shape));
    return addParameter(
        Parameter.builder().setName(name).setType(type).optInitializer(init).build());
  }

  /** Returns every parameter's name and shape, in checkpoint order. */
  public final Map<String, Shape> expectedShapes() {
    return Collections.unmodifiableMap(expectedShapes);
  }

  /**
   * Checks that {@code weights} hold every parameter of this block with its shape (extra tensors
   * are ignored), as the loaders of every native model need.
   *
   * @param source the file the weights came from, for the message
   * @throws ModelLoadException naming {@code source} for a missing tensor or a wrong shape
   */
  public final void checkWeights(Map<String, HostTensor> weights, String source) {
    for (Map.Entry<String, Shape> e : expectedShapes.entrySet()) {
      HostTensor t = weights.get(e.getKey());
      if (t == null) {
        throw new ModelLoadException(source, "missing tensor '" + e.getKey() + "'", null);
      }
      if (!t.hasShape(e.getValue().getShape())) {
        throw new ModelLoadException(
            source,
            "tensor '"
                + e.getKey()
                + "' has shape "
                + t.shapeString()
                + ", expected "
                + Arrays.toString(e.getValue().getShape()),
            null);
      }
    }
  }

  /**
   * Sets a parameter's value.
   *
   * @throws IllegalArgumentException for an unknown name or a wrong shape
   */
  public final void setWeight(String name, NDArray value) {
    Shape expected = expectedShapes.get(name);
    if (expected == null) {
      throw new IllegalArgumentException("unknown parameter " + name);
    }
    if (!expected.equals(value.getShape())) {
      throw new IllegalArgumentException(
          name + " has shape " + value.getShape() + ", expected " + expected);
    }
    java.util.Objects.requireNonNull(parameters.get(name), name).setArray(value);
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    for (Parameter p : parameters.values()) {
      if (!p.isInitialized()) {
        p.setShape(expectedShapes.get(p.getName()));
      }
    }
  }
}
