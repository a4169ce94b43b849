package dev.reranker.training;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Calibration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The trainer's resumable state, saved as {@code trainer_state.json} next to the last epoch's
 * weights. What it restores: the weights, the epoch and global step (so the learning-rate schedule
 * and the per-epoch shuffles continue where they stopped), the best AUC and its epoch, the patience
 * counter and the history. What it does not: Adam's first and second moments, private to DJL's
 * {@code AdamW}; they restart at zero with fresh bias correction, which acts as a short second
 * warm-up.
 */
record TrainingState(
    String modelType,
    List<String> labels,
    int epoch,
    int globalStep,
    int stepsPerEpoch,
    double bestAuc,
    int bestEpoch,
    int epochsWithoutImprovement,
    boolean stoppedEarly,
    String trainFingerprint,
    long seed,
    List<EpochSummary> history) {

  static final String FILE = "trainer_state.json";
  private static final int FORMAT = 1;

  TrainingState {
    labels = List.copyOf(labels);
    history = List.copyOf(history);
  }

  /** A SHA-256 of the records' ids, texts and reactions, in order: resume checks it. */
  static String fingerprint(List<ReactionRecord> records) {
    return fingerprint(records, r -> List.of(r.dialogId(), r.dialog(), r.reply(), r.reaction()));
  }

  /**
   * A SHA-256 of the items in order, each written as its {@code fields} joined by U+0001 and ended
   * by a newline: the training data's fingerprint that resume checks.
   */
  static <T> String fingerprint(List<T> items, Function<T, List<?>> fields) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (T item : items) {
        StringBuilder line = new StringBuilder();
        for (Object field : fields.apply(item)) {
          if (line.length() > 0) {
            line.append('\u0001');
          }
          line.append(field);
        }
        digest.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  /** Writes the state atomically (a temporary file moved over the old one). */
  void write(Path dir) {
    JsonObject json = new JsonObject();
    json.addProperty("format", FORMAT);
    json.addProperty("model_type", modelType);
    JsonArray labelArray = new JsonArray();
    labels.forEach(labelArray::add);
    json.add("labels", labelArray);
    json.addProperty("epoch", epoch);
    json.addProperty("global_step", globalStep);
    json.addProperty("steps_per_epoch", stepsPerEpoch);
    json.addProperty("best_auc", bestAuc);
    json.addProperty("best_epoch", bestEpoch);
    json.addProperty("epochs_without_improvement", epochsWithoutImprovement);
    json.addProperty("stopped_early", stoppedEarly);
    json.addProperty("train_fingerprint", trainFingerprint);
    json.addProperty("seed", seed);
    json.addProperty(
        "not_restored",
        "Adam first and second moments (private to DJL's AdamW): they restart at zero with "
            + "fresh bias correction");
    JsonArray epochs = new JsonArray();
    for (EpochSummary e : history) {
      epochs.add(epochJson(e));
    }
    json.add("history", epochs);
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(FILE + ".tmp");
      Files.writeString(
          tmp,
          new GsonBuilder()
                  .setPrettyPrinting()
                  .serializeSpecialFloatingPointValues()
                  .create()
                  .toJson(json)
              + "\n",
          StandardCharsets.UTF_8);
      Files.move(
          tmp,
          dir.resolve(FILE),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
    }
  }

  static TrainingState read(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      JsonObject json =
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      if (json.get("format").getAsInt() != FORMAT) {
        throw new IllegalStateException(file + ": unsupported format " + json.get("format"));
      }
      List<String> labels = new ArrayList<>();
      json.getAsJsonArray("labels").forEach(e -> labels.add(e.getAsString()));
      List<EpochSummary> history = new ArrayList<>();
      json.getAsJsonArray("history").forEach(e -> history.add(epoch(e.getAsJsonObject())));
      return new TrainingState(
          json.get("model_type").getAsString(),
          labels,
          json.get("epoch").getAsInt(),
          json.get("global_step").getAsInt(),
          json.get("steps_per_epoch").getAsInt(),
          json.get("best_auc").getAsDouble(),
          json.get("best_epoch").getAsInt(),
          json.get("epochs_without_improvement").getAsInt(),
          json.get("stopped_early").getAsBoolean(),
          json.get("train_fingerprint").getAsString(),
          json.get("seed").getAsLong(),
          history);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException(file + ": not a training state: " + e, e);
    }
  }

  private static JsonObject epochJson(EpochSummary e) {
    JsonObject o = new JsonObject();
    o.addProperty("epoch", e.epoch());
    o.addProperty("global_step", e.globalStep());
    o.addProperty("train_loss", e.trainLoss());
    o.add("validation", reportJson(e.validation()));
    o.add("uncalibrated", reportJson(e.uncalibrated()));
    JsonObject c = new JsonObject();
    c.addProperty("scale", e.calibration().scale());
    c.addProperty("bias", e.calibration().bias());
    o.add("calibration", c);
    o.addProperty("seconds", e.duration().toMillis() / 1000.0);
    o.addProperty("best", e.best());
    return o;
  }

  private static EpochSummary epoch(JsonObject o) {
    JsonObject c = o.getAsJsonObject("calibration");
    return new EpochSummary(
        o.get("epoch").getAsInt(),
        o.get("global_step").getAsInt(),
        o.get("train_loss").getAsDouble(),
        report(o.getAsJsonObject("validation")),
        report(o.getAsJsonObject("uncalibrated")),
        new Calibration(c.get("scale").getAsFloat(), c.get("bias").getAsFloat()),
        Duration.ofMillis(Math.round(o.get("seconds").getAsDouble() * 1000)),
        o.get("best").getAsBoolean());
  }

  static JsonObject reportJson(EvaluationReport r) {
    JsonObject o = new JsonObject();
    o.addProperty("examples", r.examples());
    o.addProperty("positives", r.positives());
    o.addProperty("auc", r.auc());
    o.addProperty("accuracy", r.accuracy());
    o.addProperty("log_loss", r.logLoss());
    o.addProperty("ece", r.ece());
    o.addProperty("groups", r.groups());
    o.addProperty("hits_at_1", r.hitsAt1());
    o.addProperty("mrr", r.mrr());
    o.addProperty("candidates_per_group", r.candidatesPerGroup());
    return o;
  }

  private static EvaluationReport report(JsonObject o) {
    return new EvaluationReport(
        o.get("examples").getAsInt(),
        o.get("positives").getAsInt(),
        number(o, "auc"),
        number(o, "accuracy"),
        number(o, "log_loss"),
        number(o, "ece"),
        o.get("groups").getAsInt(),
        number(o, "hits_at_1"),
        number(o, "mrr"),
        number(o, "candidates_per_group"));
  }

  private static double number(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
  }
}
