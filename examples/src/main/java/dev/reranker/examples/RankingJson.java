package dev.reranker.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.reranker.Ranking;
import dev.reranker.ScoredCandidate;
import dev.reranker.Verdict;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a {@link Ranking}, shared by {@code rank --json} and the server:
 *
 * <pre>{@code
 * {"best": "text" | null,
 *  "ranked":  [{"text", "source", "score", "probability", "verdicts": [...]}, ...],   best first
 *  "dropped": [same shape; score and probability null when dropped before the model]}
 * }</pre>
 *
 * Each verdict is {@code {"heuristic", "action": "drop"|"adjust", "reason", "scoreChange"}}.
 */
final class RankingJson {
  private RankingJson() {}

  static JsonObject of(Ranking ranking) {
    JsonObject json = new JsonObject();
    json.add(
        "best",
        ranking
            .best()
            .<JsonElement>map(c -> new JsonPrimitive(c.text()))
            .orElse(JsonNull.INSTANCE));
    json.add("ranked", candidates(ranking.ranked()));
    json.add("dropped", candidates(ranking.dropped()));
    return json;
  }

  private static JsonArray candidates(List<ScoredCandidate> list) {
    JsonArray array = new JsonArray(list.size());
    for (ScoredCandidate c : list) {
      JsonObject o = new JsonObject();
      o.addProperty("text", c.text());
      o.addProperty("source", c.candidate().source().tag());
      o.add("score", number(c.score()));
      o.add("probability", number(c.probability()));
      JsonArray verdicts = new JsonArray(c.verdicts().size());
      for (Verdict v : c.verdicts()) {
        JsonObject vo = new JsonObject();
        vo.addProperty("heuristic", v.heuristic());
        vo.addProperty("action", v.action().name().toLowerCase(Locale.ROOT));
        vo.addProperty("reason", v.reason());
        vo.add("scoreChange", number(v.scoreChange()));
        verdicts.add(vo);
      }
      o.add("verdicts", verdicts);
      array.add(o);
    }
    return array;
  }

  // JSON has no NaN: a candidate dropped before the model has no score, which is null here.
  private static JsonElement number(float value) {
    return Float.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
  }
}
