package dev.reranker.examples;

import dev.reranker.model.RerankerModel;
import java.nio.file.Path;

/**
 * The model names the commands take: {@code bundled} (the default dialog cross-encoder), {@code
 * minilm} (the all-MiniLM-L6-v2 bi-encoder) or a checkpoint folder.
 */
final class ModelNames {
  /** The names that are not paths, for usage lines. */
  static final String NAMED = "bundled|minilm";

  private ModelNames() {}

  /** Returns the model a name stands for. */
  static RerankerModel resolve(String name) {
    return switch (name) {
      case "bundled" -> RerankerModel.bundled();
      case "minilm" -> RerankerModel.miniLmBiEncoder();
      default -> RerankerModel.checkpoint(Path.of(name));
    };
  }

  /** Returns a short description of a named model, or empty text for a checkpoint folder. */
  static String describe(String name) {
    return switch (name) {
      case "bundled" -> "bundled dialog cross-encoder";
      case "minilm" -> "all-MiniLM-L6-v2 bi-encoder";
      default -> "";
    };
  }
}
