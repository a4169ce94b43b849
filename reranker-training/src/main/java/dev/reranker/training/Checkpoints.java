package dev.reranker.training;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.training.internal.TrainableModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The trainer's output folder: the best epoch's checkpoint at its root, and {@code last/}, the last
 * epoch's checkpoint with {@code trainer_state.json}, replaced as a whole (written to {@code
 * last.partial}, then swapped in) so that an interrupted save leaves the previous one intact. Both
 * carry {@code reranker_training} metadata in their {@code config.json}.
 */
final class Checkpoints {
  private final Path output;
  private final Path last;
  private final TrainerConfig config;

  Checkpoints(Path output, TrainerConfig config) {
    this.output = output;
    this.last = output.resolve("last");
    this.config = config;
  }

  /** Returns the output folder, where the best checkpoint goes. */
  Path output() {
    return output;
  }

  /** Returns the folder of the last epoch's checkpoint and training state. */
  Path last() {
    return last;
  }

  /** Returns whether {@link #last()} holds a training state to resume from. */
  boolean resumable() {
    return TrainingState.exists(last);
  }

  /** Returns whether the output folder already holds a checkpoint of either kind. */
  boolean occupied() {
    return Files.exists(output.resolve(NativeBert.CONFIG_FILE)) || Files.exists(last);
  }

  /** Saves {@code model} as the best checkpoint so far. */
  void saveBest(TrainableModel model, EpochSummary summary) {
    model.save(output, trainingInfo(summary));
  }

  /** Replaces {@link #last()} with {@code model} and {@code state}. */
  void saveLast(TrainableModel model, EpochSummary summary, TrainingState state) {
    Path partial = last.resolveSibling("last.partial");
    Path old = last.resolveSibling("last.old");
    try {
      deleteTree(partial);
      model.save(partial, trainingInfo(summary));
      state.write(partial);
      deleteTree(old);
      if (Files.exists(last)) {
        Files.move(last, old);
      }
      Files.move(partial, last);
      deleteTree(old);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the training state in " + last, e);
    }
  }

  private JsonObject trainingInfo(EpochSummary summary) {
    JsonObject info = new JsonObject();
    info.addProperty("epoch", summary.epoch());
    info.addProperty("global_step", summary.globalStep());
    info.addProperty("max_seq_len", config.maxSeqLen());
    info.addProperty("max_reply_tokens", config.maxReplyTokens());
    info.addProperty("calibration_method", config.calibration().name().toLowerCase(Locale.ROOT));
    JsonObject validation = TrainingState.reportJson(summary.validation());
    // config.json is strict JSON: metrics that do not apply are null, not NaN.
    for (String key : new ArrayList<>(validation.keySet())) {
      double v = validation.get(key).getAsDouble();
      if (Double.isNaN(v)) {
        validation.add(key, JsonNull.INSTANCE);
      }
    }
    info.add("validation", validation);
    JsonObject extra = new JsonObject();
    extra.add("reranker_training", info);
    return extra;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
