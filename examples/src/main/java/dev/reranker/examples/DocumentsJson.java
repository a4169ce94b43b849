package dev.reranker.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.reranker.Candidate;
import dev.reranker.Ranking;
import dev.reranker.ScoredCandidate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The answer of {@code POST /v1/rerank}, Cohere's rerank response shape:
 *
 * <pre>{@code
 * {"id": "...",
 *  "results": [{"index": I, "relevance_score": P, "document": {"text": ...}}, ...],  best first
 *  "meta": {"truncated": {"turns": N, "persona": N}, "dropped": [I, ...]}}
 * }</pre>
 *
 * {@code relevance_score} is the calibrated P(upvote); {@code document} only with {@code
 * return_documents}; at most {@code top_n} results. Documents the server's heuristics dropped are
 * not ranked: their indices are in {@code meta.dropped}.
 */
final class DocumentsJson {
  private DocumentsJson() {}

  static JsonObject of(Ranking ranking, RequestJson.DocumentsInput request) {
    List<Candidate> sent = request.input().candidates();
    Map<Candidate, Deque<Integer>> indices = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      indices.computeIfAbsent(sent.get(i), c -> new ArrayDeque<>()).add(i);
    }
    JsonArray results = new JsonArray();
    for (ScoredCandidate c : ranking.ranked()) {
      int index = take(indices, c.candidate());
      if (results.size() < request.topN()) {
        JsonObject r = new JsonObject();
        r.addProperty("index", index);
        r.addProperty("relevance_score", c.probability());
        if (request.returnDocuments()) {
          JsonObject document = new JsonObject();
          document.addProperty("text", c.text());
          r.add("document", document);
        }
        results.add(r);
      }
    }
    JsonArray dropped = new JsonArray();
    for (ScoredCandidate c : ranking.dropped()) {
      dropped.add(take(indices, c.candidate()));
    }
    JsonObject truncated = new JsonObject();
    truncated.addProperty("turns", request.input().droppedTurns());
    truncated.addProperty("persona", request.input().droppedPersona());
    JsonObject meta = new JsonObject();
    meta.add("truncated", truncated);
    meta.add("dropped", dropped);
    JsonObject json = new JsonObject();
    json.addProperty("id", UUID.randomUUID().toString());
    json.add("results", results);
    json.add("meta", meta);
    return json;
  }

  /** The next unused index of an equal candidate: equal ones are interchangeable. */
  private static int take(Map<Candidate, Deque<Integer>> indices, Candidate candidate) {
    Deque<Integer> free = indices.get(candidate);
    if (free == null || free.isEmpty()) {
      throw new IllegalStateException("the ranking holds a candidate that was not sent");
    }
    return free.poll();
  }
}
