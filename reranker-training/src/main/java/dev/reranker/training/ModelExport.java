package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Calibration;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HfConfig;
import dev.reranker.internal.io.SafeTensors;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.ModelLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a trainer's checkpoint into the files a model ships as: the weights (as float16 if asked,
 * half the bytes, widened back to float32 at load), the tokenizer, and the {@code config.json} with
 * a new calibration and a note of where it came from. The trainer's own metadata ({@code
 * reranker_training}) is kept; {@code last/} and training state are not copied.
 */
public final class ModelExport {
  private ModelExport() {}

  /**
   * Writes the shipped files of {@code checkpoint} into {@code out} (created if absent; the three
   * files replaced).
   *
   * @param calibration the calibration to save, or null to keep the checkpoint's
   * @param evidence the evidence blend to save ({@link EvidenceFitter}), or null to keep the
   *     checkpoint's, if any
   * @param provenance top-level {@code config.json} entries to add (how the calibration was fitted,
   *     say); may be empty
   * @return the SHA-256 (hex) of each file written, by name, in writing order
   * @throws ModelLoadException if the checkpoint cannot be read or {@code out} written
   * @throws IllegalArgumentException if {@code float16} and a weight is beyond its range
   */
  public static Map<String, String> export(
      Path checkpoint,
      Path out,
      boolean float16,
      @Nullable Calibration calibration,
      @Nullable EvidenceBlend evidence,
      JsonObject provenance) {
    requireNonNull(checkpoint, "checkpoint");
    requireNonNull(out, "out");
    requireNonNull(provenance, "provenance");
    Path configFile = checkpoint.resolve(NativeBert.CONFIG_FILE);
    JsonObject config;
    try {
      config =
          JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8))
              .getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(configFile, "cannot read: " + e.getMessage(), e);
    }
    if (float16) {
      config.addProperty("torch_dtype", "float16");
    }
    if (calibration != null) {
      config.add(HfConfig.CALIBRATION_KEY, HfConfig.calibrationJson(calibration));
    }
    if (evidence != null) {
      config.add(HfConfig.EVIDENCE_KEY, HfConfig.evidenceJson(evidence));
    }
    for (Map.Entry<String, JsonElement> e : provenance.entrySet()) {
      config.add(e.getKey(), e.getValue());
    }
    Map<String, String> written = new LinkedHashMap<>();
    try {
      Files.createDirectories(out);
      Path weights = out.resolve(NativeBert.WEIGHTS_FILE);
      SafeTensors.write(
          weights, SafeTensors.read(checkpoint.resolve(NativeBert.WEIGHTS_FILE)), float16);
      written.put(NativeBert.WEIGHTS_FILE, sha256(weights));
      Path tokenizer = out.resolve(NativeBert.TOKENIZER_FILE);
      Files.copy(
          checkpoint.resolve(NativeBert.TOKENIZER_FILE),
          tokenizer,
          StandardCopyOption.REPLACE_EXISTING);
      written.put(NativeBert.TOKENIZER_FILE, sha256(tokenizer));
      Path configOut = out.resolve(NativeBert.CONFIG_FILE);
      Files.writeString(
          configOut,
          new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n",
          StandardCharsets.UTF_8);
      written.put(NativeBert.CONFIG_FILE, sha256(configOut));
    } catch (IOException e) {
      throw new ModelLoadException(out, "cannot write: " + e, e);
    }
    return written;
  }

  /** Returns the SHA-256 of a file, in hex. */
  public static String sha256(Path file) {
    try {
      return com.google.common.io.Files.asByteSource(file.toFile())
          .hash(Hashing.sha256())
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
