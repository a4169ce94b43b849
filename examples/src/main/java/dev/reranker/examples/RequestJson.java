package dev.reranker.examples;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses the body of {@code POST /rerank}: {@code {"context": [TURN, ...], "persona": [FACT, ...],
 * "candidates": [TEXT or {"text": ..., "source": ...}, ...]}}, persona optional. Failures carry the
 * HTTP status: 400 malformed JSON, 413 over a limit, 422 valid JSON of the wrong shape.
 */
final class RequestJson {
  /** What a request asks to rank. */
  record Input(Dialog dialog, List<Candidate> candidates) {}

  /** A request the server refuses, with its status and a message for {@code {"error": ...}}. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Rejected(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  // Gson's JsonParser is lenient (it takes {a:1} and 'single quotes'); a service should not be.
  private static final Gson STRICT = new GsonBuilder().setStrictness(Strictness.STRICT).create();

  private RequestJson() {}

  static Input parse(String body, RerankServer.Limits limits) throws Rejected {
    JsonElement root = strictParse(body);
    if (!root.isJsonObject()) {
      throw new Rejected(422, "the body must be a JSON object with 'context' and 'candidates'");
    }
    JsonObject request = root.getAsJsonObject();
    List<String> context = strings(request, "context", true, limits.maxTurns(), limits);
    if (context.isEmpty()) {
      throw new Rejected(
          422,
          "'context' must not be empty: give the dialog's turns, oldest "
              + "first, the last one the user's");
    }
    List<String> persona = strings(request, "persona", false, limits.maxTurns(), limits);
    List<Candidate> candidates = candidates(request, limits);
    return new Input(Dialogs.fromContext(context, persona), candidates);
  }

  private static JsonElement strictParse(String body) throws Rejected {
    JsonElement root;
    try {
      root = STRICT.fromJson(body, JsonElement.class); // also rejects data after the value
    } catch (JsonParseException e) {
      throw new Rejected(400, "malformed JSON: " + e.getMessage());
    }
    if (root == null) {
      throw new Rejected(400, "malformed JSON: the body is empty");
    }
    return root;
  }

  private static List<String> strings(
      JsonObject request, String field, boolean required, int maxItems, RerankServer.Limits limits)
      throws Rejected {
    JsonElement value = request.get(field);
    if (value == null || value.isJsonNull()) {
      if (required) {
        throw new Rejected(422, "missing field '" + field + "'");
      }
      return List.of();
    }
    if (!value.isJsonArray()) {
      throw new Rejected(422, "'" + field + "' must be an array of strings");
    }
    JsonArray array = value.getAsJsonArray();
    if (array.size() > maxItems) {
      throw new Rejected(
          413, "'" + field + "' has " + array.size() + " items, over the limit of " + maxItems);
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(text(array.get(i), field + "[" + i + "]", limits));
    }
    return out;
  }

  private static List<Candidate> candidates(JsonObject request, RerankServer.Limits limits)
      throws Rejected {
    JsonElement value = request.get("candidates");
    if (value == null || value.isJsonNull()) {
      throw new Rejected(422, "missing field 'candidates'");
    }
    if (!value.isJsonArray()) {
      throw new Rejected(
          422, "'candidates' must be an array of strings or {\"text\", \"source\"} " + "objects");
    }
    JsonArray array = value.getAsJsonArray();
    if (array.isEmpty()) {
      throw new Rejected(422, "'candidates' must not be empty");
    }
    if (array.size() > limits.maxCandidates()) {
      throw new Rejected(
          413,
          "'candidates' has "
              + array.size()
              + " items, over the limit of "
              + limits.maxCandidates());
    }
    List<Candidate> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = "candidates[" + i + "]";
      JsonElement c = array.get(i);
      if (c.isJsonObject()) {
        JsonObject o = c.getAsJsonObject();
        if (!o.has("text")) {
          throw new Rejected(422, "missing field '" + where + ".text'");
        }
        String text = text(o.get("text"), where + ".text", limits);
        Source source = Source.UNSPECIFIED;
        JsonElement tag = o.get("source");
        if (tag != null && !tag.isJsonNull()) {
          String name = text(tag, where + ".source", limits);
          if (name.isBlank()) {
            throw new Rejected(422, "'" + where + ".source' must not be blank");
          }
          source = Source.of(name);
        }
        out.add(new Candidate(text, source, Map.of()));
      } else {
        out.add(Candidate.of(text(c, where, limits)));
      }
    }
    return out;
  }

  private static String text(JsonElement value, String where, RerankServer.Limits limits)
      throws Rejected {
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw new Rejected(422, "'" + where + "' must be a string");
    }
    String text = value.getAsString();
    if (text.length() > limits.maxTextChars()) {
      throw new Rejected(
          413,
          "'"
              + where
              + "' has "
              + text.length()
              + " characters, over the limit of "
              + limits.maxTextChars());
    }
    return text;
  }
}
