package dev.reranker.internal.bert;

import ai.djl.Device;
import dev.reranker.model.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The bundled default model, {@code RerankerModel.bundled()}: the dialog cross-encoder whose
 * checkpoint ({@code config.json}, float16 {@code model.safetensors}, {@code tokenizer.json}) the
 * artifact {@code dev.reranker:reranker-model-dialog} carries under {@value #RESOURCE_FOLDER}. The
 * files are copied to a temporary folder, loaded as any checkpoint, and the folder is deleted.
 */
public final class DialogModel {
  public static final String RESOURCE_FOLDER = "dev/reranker/model/dialog/";
  static final String ARTIFACT = "dev.reranker:reranker-model-dialog";
  private static final List<String> FILES =
      List.of(NativeBert.CONFIG_FILE, NativeBert.WEIGHTS_FILE, NativeBert.TOKENIZER_FILE);

  private DialogModel() {}

  /** Returns whether the artifact's checkpoint is on the classpath. */
  public static boolean isPresent() {
    return FILES.stream()
        .allMatch(f -> DialogModel.class.getClassLoader().getResource(RESOURCE_FOLDER + f) != null);
  }

  /**
   * Loads the bundled cross-encoder on {@code device}.
   *
   * @throws ModelLoadException if the artifact is not on the classpath or cannot be loaded
   */
  public static NativeBert load(Device device) {
    Path dir;
    try {
      dir = Files.createTempDirectory("reranker-model-dialog");
    } catch (IOException e) {
      throw new ModelLoadException(
          "classpath:" + RESOURCE_FOLDER, "cannot create a temporary folder: " + e, e);
    }
    try {
      for (String name : FILES) {
        try (InputStream in =
            DialogModel.class.getClassLoader().getResourceAsStream(RESOURCE_FOLDER + name)) {
          if (in == null) {
            throw new ModelLoadException(
                "classpath:" + RESOURCE_FOLDER + name,
                "not on the classpath: add the Maven dependency " + ARTIFACT,
                null);
          }
          Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          throw new ModelLoadException(
              "classpath:" + RESOURCE_FOLDER + name, "cannot read: " + e.getMessage(), e);
        }
      }
      return NativeBert.loadCheckpoint(dir, device);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary folder is harmless; the model is loaded (or its error thrown).
    }
  }
}
