package dev.reranker.model;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a model cannot be read, imported or saved: a missing folder or file, an unsupported
 * architecture, a missing tensor, a tensor of the wrong shape, a corrupt file.
 *
 * <p>The message always names the file (or resource) and the problem, for example {@code
 * model.safetensors: tensor 'encoder.layer.0.attention.self.query.weight' has shape [384, 383],
 * expected [384, 384]}.
 */
public final class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String problem;

  /**
   * Creates an exception for a problem with {@code source}.
   *
   * @param source the file, folder or resource that could not be used
   * @param problem what is wrong with it
   */
  public ModelLoadException(Path source, String problem) {
    this(source.toString(), problem, null);
  }

  /**
   * Creates an exception for a problem with {@code source}, caused by {@code cause}.
   *
   * @param source the file, folder or resource that could not be used
   * @param problem what is wrong with it
   * @param cause the underlying failure
   */
  public ModelLoadException(Path source, String problem, @Nullable Throwable cause) {
    this(source.toString(), problem, cause);
  }

  /**
   * Creates an exception for a problem with a named source (a classpath resource, say).
   *
   * @param source the file, folder or resource that could not be used
   * @param problem what is wrong with it
   * @param cause the underlying failure, or null
   */
  public ModelLoadException(String source, String problem, @Nullable Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
    this.problem = problem;
  }

  /** Returns the file, folder or resource that could not be used. */
  public String source() {
    return source;
  }

  /** Returns what is wrong with {@link #source()}, without the source's name. */
  public String problem() {
    return problem;
  }
}
