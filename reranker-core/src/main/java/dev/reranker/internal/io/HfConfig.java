package dev.reranker.internal.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.reranker.Calibration;
import dev.reranker.model.BertConfig;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.ModelLoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes a HuggingFace BERT {@code config.json}.
 *
 * <p>A config whose {@code architectures} name a sequence classifier, or that has {@code id2label},
 * describes a cross-encoder; its labels come from {@code id2label} (or HuggingFace's default {@code
 * LABEL_0..} for {@code num_labels}). Anything else is an encoder without a head.
 */
public final class HfConfig {
  private HfConfig() {}

  /** What a {@code config.json} says. */
  public record Parsed(BertConfig config, boolean classifier, JsonObject raw) {}

  /**
   * Parses {@code file}.
   *
   * @throws ModelLoadException naming the file if it is missing, not JSON, not a BERT config, or
   *     lacks a size
   */
  public static Parsed read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(file, "no such file", e);
    } catch (IOException e) {
      throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
    }
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        throw new ModelLoadException(file, "not a JSON object", null);
      }
      json = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new ModelLoadException(file, "not valid JSON: " + e.getMessage(), e);
    }
    String modelType = string(json, "model_type", file, null);
    if (!"bert".equals(modelType)) {
      throw new ModelLoadException(
          file,
          "unsupported model_type '"
              + modelType
              + "': the native encoder reads only 'bert' "
              + "(export other architectures to TorchScript)",
          null);
    }
    String act = string(json, "hidden_act", file, "gelu");
    if (!act.equals("gelu")) {
      throw new ModelLoadException(
          file, "unsupported hidden_act '" + act + "', expected 'gelu'", null);
    }
    String positions = string(json, "position_embedding_type", file, "absolute");
    if (!positions.equals("absolute")) {
      throw new ModelLoadException(
          file,
          "unsupported position_embedding_type '" + positions + "', expected 'absolute'",
          null);
    }

    boolean classifier = false;
    if (json.has("architectures") && json.get("architectures").isJsonArray()) {
      for (JsonElement a : json.getAsJsonArray("architectures")) {
        classifier |= a.isJsonPrimitive() && a.getAsString().endsWith("ForSequenceClassification");
      }
    }
    List<String> labels = new ArrayList<>();
    if (json.has("id2label") && json.get("id2label").isJsonObject()) {
      TreeMap<Integer, String> byId = new TreeMap<>();
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("id2label").entrySet()) {
        try {
          byId.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        } catch (RuntimeException ex) {
          throw new ModelLoadException(
              file, "id2label has a non-integer id '" + e.getKey() + "'", ex);
        }
      }
      int expected = 0;
      for (Map.Entry<Integer, String> e : byId.entrySet()) {
        if (e.getKey() != expected++) {
          throw new ModelLoadException(
              file,
              "id2label ids must be 0.." + (byId.size() - 1) + ", but were " + byId.keySet(),
              null);
        }
        labels.add(e.getValue());
      }
    }
    if (classifier && labels.isEmpty()) {
      int n = json.has("num_labels") ? integer(json, "num_labels", file) : 2;
      for (int i = 0; i < n; i++) {
        labels.add("LABEL_" + i);
      }
    }
    if (!classifier) {
      labels.clear(); // an encoder config may carry HuggingFace's default id2label
    }
    BertConfig config;
    try {
      config =
          new BertConfig(
              integer(json, "vocab_size", file),
              integer(json, "hidden_size", file),
              integer(json, "num_hidden_layers", file),
              integer(json, "num_attention_heads", file),
              integer(json, "intermediate_size", file),
              integer(json, "max_position_embeddings", file),
              json.has("type_vocab_size") ? integer(json, "type_vocab_size", file) : 2,
              json.has("layer_norm_eps") ? json.get("layer_norm_eps").getAsFloat() : 1e-12f,
              labels);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(file, String.valueOf(e.getMessage()), e);
    }
    return new Parsed(config, classifier, json);
  }

  /**
   * Writes a config that HuggingFace {@code transformers} loads as {@code
   * BertForSequenceClassification} (when the config has labels) or {@code BertModel}.
   *
   * @param extra additional top-level entries (calibration, say); may be empty
   */
  public static void write(Path file, BertConfig config, JsonObject extra) throws IOException {
    JsonObject json = new JsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add(config.hasClassifier() ? "BertForSequenceClassification" : "BertModel");
    json.add("architectures", architectures);
    json.addProperty("model_type", "bert");
    json.addProperty("vocab_size", config.vocabSize());
    json.addProperty("hidden_size", config.hiddenSize());
    json.addProperty("num_hidden_layers", config.numLayers());
    json.addProperty("num_attention_heads", config.numHeads());
    json.addProperty("intermediate_size", config.intermediateSize());
    json.addProperty("hidden_act", "gelu");
    json.addProperty("hidden_dropout_prob", 0.1);
    json.addProperty("attention_probs_dropout_prob", 0.1);
    json.addProperty("max_position_embeddings", config.maxPositions());
    json.addProperty("type_vocab_size", config.typeVocabSize());
    json.addProperty("initializer_range", 0.02);
    json.addProperty("layer_norm_eps", config.layerNormEps());
    json.addProperty("pad_token_id", 0);
    json.addProperty("position_embedding_type", "absolute");
    json.addProperty("torch_dtype", "float32");
    if (config.hasClassifier()) {
      JsonObject id2label = new JsonObject();
      JsonObject label2id = new JsonObject();
      for (int i = 0; i < config.labels().size(); i++) {
        id2label.addProperty(Integer.toString(i), config.labels().get(i));
        label2id.addProperty(config.labels().get(i), i);
      }
      json.add("id2label", id2label);
      json.add("label2id", label2id);
    }
    for (Map.Entry<String, JsonElement> e : extra.entrySet()) {
      json.add(e.getKey(), e.getValue());
    }
    String text = new GsonBuilder().setPrettyPrinting().create().toJson(json);
    Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
  }

  /** The {@code config.json} key of a calibration fitted for the model. */
  public static final String CALIBRATION_KEY = "reranker_calibration";

  /**
   * Reads the calibration saved under {@link #CALIBRATION_KEY}: {@code {"scale": a, "bias": b}}.
   *
   * @return the calibration, or empty when the key is absent
   * @throws ModelLoadException naming the file if the entry is malformed
   */
  public static Optional<Calibration> calibration(JsonObject json, Path file) {
    JsonElement e = json.get(CALIBRATION_KEY);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    try {
      JsonObject c = e.getAsJsonObject();
      return Optional.of(new Calibration(c.get("scale").getAsFloat(), c.get("bias").getAsFloat()));
    } catch (RuntimeException ex) {
      throw new ModelLoadException(
          file,
          "'"
              + CALIBRATION_KEY
              + "' must be {\"scale\": positive number, \"bias\": number}, but was "
              + e,
          ex);
    }
  }

  /** Returns the {@link #CALIBRATION_KEY} entry for {@code calibration}. */
  public static JsonObject calibrationJson(Calibration calibration) {
    JsonObject c = new JsonObject();
    c.addProperty("scale", calibration.scale());
    c.addProperty("bias", calibration.bias());
    return c;
  }

  /** The {@code config.json} key of an {@link EvidenceBlend} fitted for the model. */
  public static final String EVIDENCE_KEY = "reranker_evidence";

  /** The only bi-encoder an {@link EvidenceBlend} reads evidence from, as named in its entry. */
  public static final String EVIDENCE_ENCODER = "all-minilm-l6-v2";

  /**
   * Reads the blend saved under {@link #EVIDENCE_KEY}: {@code {"encoder": "all-minilm-l6-v2",
   * "cross_encoder": w, "last_turn": w, "last_turn_center": c, "persona": w, "persona_center": c,
   * "calibration": {"scale": a, "bias": b}}}.
   *
   * @return the blend, or empty when the key is absent
   * @throws ModelLoadException naming the file if the entry is malformed or names another encoder
   */
  public static Optional<EvidenceBlend> evidence(JsonObject json, Path file) {
    JsonElement e = json.get(EVIDENCE_KEY);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    EvidenceBlend blend;
    try {
      JsonObject o = e.getAsJsonObject();
      String encoder = o.get("encoder").getAsString();
      if (!encoder.equals(EVIDENCE_ENCODER)) {
        throw new ModelLoadException(
            file,
            "'"
                + EVIDENCE_KEY
                + "' names encoder '"
                + encoder
                + "'; only '"
                + EVIDENCE_ENCODER
                + "' is supported",
            null);
      }
      JsonObject c = o.getAsJsonObject("calibration");
      blend =
          new EvidenceBlend(
              o.get("cross_encoder").getAsFloat(),
              o.get("last_turn").getAsFloat(),
              o.get("last_turn_center").getAsFloat(),
              o.get("persona").getAsFloat(),
              o.get("persona_center").getAsFloat(),
              new Calibration(c.get("scale").getAsFloat(), c.get("bias").getAsFloat()));
    } catch (ModelLoadException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      throw new ModelLoadException(
          file,
          "'"
              + EVIDENCE_KEY
              + "' must be {\"encoder\": \""
              + EVIDENCE_ENCODER
              + "\", \"cross_encoder\": positive number, \"last_turn\", \"last_turn_center\","
              + " \"persona\", \"persona_center\": numbers, \"calibration\": {\"scale\","
              + " \"bias\"}}, but was "
              + e,
          ex);
    }
    return Optional.of(blend);
  }

  /** Returns the {@link #EVIDENCE_KEY} entry for {@code blend}. */
  public static JsonObject evidenceJson(EvidenceBlend blend) {
    JsonObject o = new JsonObject();
    o.addProperty("encoder", EVIDENCE_ENCODER);
    o.addProperty("cross_encoder", blend.crossEncoder());
    o.addProperty("last_turn", blend.lastTurn());
    o.addProperty("last_turn_center", blend.lastTurnCenter());
    o.addProperty("persona", blend.persona());
    o.addProperty("persona_center", blend.personaCenter());
    o.add("calibration", calibrationJson(blend.calibration()));
    return o;
  }

  private static String string(JsonObject json, String key, Path file, @Nullable String fallback) {
    JsonElement e = json.get(key);
    if (e == null || e.isJsonNull()) {
      if (fallback == null) {
        throw new ModelLoadException(file, "missing '" + key + "'", null);
      }
      return fallback;
    }
    if (!e.isJsonPrimitive()) {
      throw new ModelLoadException(file, "'" + key + "' must be a string, but was " + e, null);
    }
    return e.getAsString();
  }

  private static int integer(JsonObject json, String key, Path file) {
    JsonElement e = json.get(key);
    if (e == null || e.isJsonNull()) {
      throw new ModelLoadException(file, "missing '" + key + "'", null);
    }
    try {
      return e.getAsInt();
    } catch (RuntimeException ex) {
      throw new ModelLoadException(file, "'" + key + "' must be an integer, but was " + e, ex);
    }
  }
}
