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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the body of {@code POST /rerank}: {@code {"context": [TURN, ...], "persona": [FACT, ...],
 * "candidates": [TEXT or {"text": ..., "source": ...}, ...]}}, persona optional. Failures carry the
 * HTTP status and a stable code: 400 {@code malformed_json} or {@code invalid_utf8}, 413 {@code
 * too_many_candidates}, 422 {@code invalid_request} (valid JSON of the wrong shape).
 *
 * <p>A long dialog is not an error: the model reads at most {@code maxSeqLen} tokens of it anyway,
 * newest first. The newest turns that fit {@link RerankServer.Limits#maxTurns()} and {@link
 * RerankServer.Limits#maxContextChars()} are kept (the newest always, clipped to its end if it
 * alone is too long), and so are the persona facts, in the order sent, while they fit the same
 * limits; {@link Input} says how many were dropped. Texts are kept exactly as sent, a lone
 * surrogate ({@code "\\ud800"}) included: {@link RerankServer} writes it back escaped.
 */
final class RequestJson {
  /**
   * What a request asks to rank, and how much of its dialog was left out.
   *
   * @param droppedTurns the oldest context turns left out
   * @param droppedPersona the persona facts left out (the last ones sent)
   */
  record Input(Dialog dialog, List<Candidate> candidates, int droppedTurns, int droppedPersona) {}

  /**
   * A {@code POST /v1/rerank} request (Cohere's and TEI's shape).
   *
   * @param input what to rank; candidate {@code i} is document {@code i}
   * @param topN how many results to return, at most the number of documents
   * @param returnDocuments whether each result carries its document's text
   */
  record DocumentsInput(Input input, int topN, boolean returnDocuments) {}

  /** A request the server refuses, with its status, a stable code and a message. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Rejected(int status, String code, String message) {
      super(message, null, false, false); // a client error: no stack trace to fill or log
      this.status = status;
      this.code = code;
    }
  }

  // Gson's JsonParser is lenient (it takes {a:1} and 'single quotes'); a service should not be.
  private static final Gson STRICT = new GsonBuilder().setStrictness(Strictness.STRICT).create();

  private RequestJson() {}

  /** Decodes strict UTF-8: malformed bytes are a 400, not a silent U+FFFD. */
  static String utf8(byte[] body) throws Rejected {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Rejected(400, "invalid_utf8", "the body is not valid UTF-8");
    }
  }

  static Input parse(String body, RerankServer.Limits limits) throws Rejected {
    JsonElement root = strictParse(body);
    if (!root.isJsonObject()) {
      throw invalid("the body must be a JSON object with 'context' and 'candidates'");
    }
    JsonObject request = root.getAsJsonObject();
    List<String> context = strings(request, "context", true);
    if (context.isEmpty()) {
      throw invalid(
          "'context' must not be empty: give the dialog's turns, oldest first, the last one the"
              + " user's");
    }
    List<String> persona = strings(request, "persona", false);
    List<Candidate> candidates = candidates(request, limits);
    List<String> turns = newestThatFit(context, limits);
    List<String> facts = firstThatFit(persona, limits);
    return new Input(
        Dialogs.fromContext(turns, facts),
        candidates,
        context.size() - turns.size(),
        persona.size() - facts.size());
  }

  /**
   * Parses {@code {"query": TEXT | "context": [TURN, ...], "persona": [FACT, ...], "documents":
   * [TEXT or {"text": ...}, ...], "top_n": N, "return_documents": BOOL}}: Cohere's rerank request
   * (TEI's {@code "texts"} and {@code "return_text"} are taken too), where a query is a dialog of
   * one user turn; {@code "model"} and other fields are ignored, as those services ignore unknown
   * fields.
   */
  static DocumentsInput parseDocuments(String body, RerankServer.Limits limits) throws Rejected {
    JsonElement root = strictParse(body);
    if (!root.isJsonObject()) {
      throw invalid("the body must be a JSON object with 'query' (or 'context') and 'documents'");
    }
    JsonObject request = root.getAsJsonObject();
    boolean hasQuery = request.has("query") && !request.get("query").isJsonNull();
    boolean hasContext = request.has("context") && !request.get("context").isJsonNull();
    if (hasQuery == hasContext) {
      throw invalid("give 'query' (a text) or 'context' (the dialog's turns), exactly one");
    }
    List<String> context =
        hasQuery ? List.of(text(request.get("query"), "query")) : strings(request, "context", true);
    if (context.isEmpty()) {
      throw invalid("'context' must not be empty: give the dialog's turns, oldest first");
    }
    String field = request.has("texts") && !request.has("documents") ? "texts" : "documents";
    JsonElement documents = request.get(field);
    if (documents == null || documents.isJsonNull()) {
      throw invalid("missing field 'documents'");
    }
    JsonObject asCandidates = new JsonObject();
    asCandidates.add("candidates", documents);
    List<Candidate> candidates;
    try {
      candidates = candidates(asCandidates, limits);
    } catch (Rejected e) {
      throw new Rejected(
          e.status, e.code, String.valueOf(e.getMessage()).replace("candidates", field));
    }
    int topN = candidates.size();
    JsonElement n = request.get("top_n");
    if (n != null && !n.isJsonNull()) {
      if (!n.isJsonPrimitive()
          || !n.getAsJsonPrimitive().isNumber()
          || n.getAsDouble() != Math.rint(n.getAsDouble())
          || n.getAsDouble() < 1) {
        throw invalid("'top_n' must be a positive integer, but was " + n);
      }
      topN = (int) Math.min(candidates.size(), n.getAsDouble());
    }
    boolean returnDocuments = flag(request, "return_documents") || flag(request, "return_text");
    List<String> persona = strings(request, "persona", false);
    List<String> turns = newestThatFit(context, limits);
    List<String> facts = firstThatFit(persona, limits);
    Input input =
        new Input(
            Dialogs.fromContext(turns, facts),
            candidates,
            context.size() - turns.size(),
            persona.size() - facts.size());
    return new DocumentsInput(input, topN, returnDocuments);
  }

  private static boolean flag(JsonObject request, String field) throws Rejected {
    JsonElement value = request.get(field);
    if (value == null || value.isJsonNull()) {
      return false;
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
      throw invalid("'" + field + "' must be true or false");
    }
    return value.getAsBoolean();
  }

  /** The newest turns within the limits, oldest first; the newest always, clipped to its end. */
  private static List<String> newestThatFit(List<String> context, RerankServer.Limits limits) {
    ArrayDeque<String> kept = new ArrayDeque<>();
    long chars = 0;
    for (int i = context.size() - 1; i >= 0 && kept.size() < limits.maxTurns(); i--) {
      String turn = context.get(i);
      if (kept.isEmpty() && turn.length() > limits.maxContextChars()) {
        turn = tail(turn, limits.maxContextChars());
      }
      if (chars + turn.length() > limits.maxContextChars()) {
        break;
      }
      chars += turn.length();
      kept.addFirst(turn);
    }
    return List.copyOf(kept);
  }

  private static List<String> firstThatFit(List<String> persona, RerankServer.Limits limits) {
    List<String> kept = new ArrayList<>();
    long chars = 0;
    for (String fact : persona) {
      if (kept.size() == limits.maxTurns() || chars + fact.length() > limits.maxContextChars()) {
        break;
      }
      chars += fact.length();
      kept.add(fact);
    }
    return kept;
  }

  /** The last {@code n} chars of {@code s}, one fewer rather than half a surrogate pair. */
  private static String tail(String s, int n) {
    int from = s.length() - n;
    if (Character.isLowSurrogate(s.charAt(from)) && Character.isHighSurrogate(s.charAt(from - 1))) {
      from++;
    }
    return s.substring(from);
  }

  private static JsonElement strictParse(String body) throws Rejected {
    JsonElement root;
    try {
      root = STRICT.fromJson(body, JsonElement.class); // also rejects data after the value
    } catch (JsonParseException e) {
      throw new Rejected(400, "malformed_json", "malformed JSON: " + e.getMessage());
    }
    if (root == null) {
      throw new Rejected(400, "malformed_json", "malformed JSON: the body is empty");
    }
    return root;
  }

  private static Rejected invalid(String message) {
    return new Rejected(422, "invalid_request", message);
  }

  private static List<String> strings(JsonObject request, String field, boolean required)
      throws Rejected {
    JsonElement value = request.get(field);
    if (value == null || value.isJsonNull()) {
      if (required) {
        throw invalid("missing field '" + field + "'");
      }
      return List.of();
    }
    if (!value.isJsonArray()) {
      throw invalid("'" + field + "' must be an array of strings");
    }
    JsonArray array = value.getAsJsonArray();
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(text(array.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  private static List<Candidate> candidates(JsonObject request, RerankServer.Limits limits)
      throws Rejected {
    JsonElement value = request.get("candidates");
    if (value == null || value.isJsonNull()) {
      throw invalid("missing field 'candidates'");
    }
    if (!value.isJsonArray()) {
      throw invalid("'candidates' must be an array of strings or {\"text\", \"source\"} objects");
    }
    JsonArray array = value.getAsJsonArray();
    if (array.isEmpty()) {
      throw invalid("'candidates' must not be empty");
    }
    if (array.size() > limits.maxCandidates()) {
      throw new Rejected(
          413,
          "too_many_candidates",
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
          throw invalid("missing field '" + where + ".text'");
        }
        String text = text(o.get("text"), where + ".text");
        Source source = Source.UNSPECIFIED;
        JsonElement tag = o.get("source");
        if (tag != null && !tag.isJsonNull()) {
          String name = text(tag, where + ".source");
          if (name.isBlank()) {
            throw invalid("'" + where + ".source' must not be blank");
          }
          source = Source.of(name);
        }
        out.add(new Candidate(text, source, Map.of()));
      } else {
        out.add(Candidate.of(text(c, where)));
      }
    }
    return out;
  }

  private static String text(JsonElement value, String where) throws Rejected {
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw invalid("'" + where + "' must be a string");
    }
    return value.getAsString();
  }

  /**
   * Escapes the lone surrogates of serialized JSON as {@code \\uXXXX}: UTF-8 cannot encode them
   * (Java writes {@code ?}), and only a string can hold one, so the escape keeps the JSON valid and
   * the text exactly as the client sent it.
   */
  static String escapeLoneSurrogates(String json) {
    StringBuilder out = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < json.length()
              && Character.isLowSurrogate(json.charAt(i + 1));
      if (pair) {
        if (out != null) {
          out.append(c).append(json.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? json : out.toString();
  }
}
