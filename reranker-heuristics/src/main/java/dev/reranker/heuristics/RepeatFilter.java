package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.RerankRequest;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Drops replies that repeat one of the bot's last {@code window} replies, or nearly do. */
final class RepeatFilter extends PreModelHeuristic {
  private final int window;
  private final Similarity similarity;

  RepeatFilter(int window, Similarity similarity) {
    super(Heuristics.REPEAT);
    this.window = window;
    this.similarity = similarity;
  }

  @Override
  Function<Candidate, @Nullable String> reasons(RerankRequest request) {
    List<Turn> turns = request.dialog().turns();
    List<Turn> recent = new ArrayList<>(); // newest first
    for (int i = turns.size() - 1; i >= 0 && recent.size() < window; i--) {
      if (turns.get(i).speaker() == Turn.Speaker.BOT) {
        recent.add(turns.get(i));
      }
    }
    if (recent.isEmpty()) {
      return c -> null;
    }
    List<Fingerprint> prints = new ArrayList<>(recent.size());
    for (Turn t : recent) {
      prints.add(Fingerprint.of(t.text()));
    }
    return c -> {
      Fingerprint candidate = Fingerprint.of(c.text());
      for (int k = 0; k < prints.size(); k++) {
        Fingerprint earlier = prints.get(k);
        double score = similarity.score(candidate, earlier);
        if (score >= similarity.threshold()) {
          String which =
              k == 0 ? "the bot's last reply" : "the bot's reply " + (k + 1) + " bot turns ago";
          return candidate.sameKey(earlier)
              ? "repeats " + which + " " + Texts.quote(recent.get(k).text())
              : "near-duplicate ("
                  + similarity.describe(score)
                  + ") of "
                  + which
                  + " "
                  + Texts.quote(recent.get(k).text());
        }
      }
      return null;
    };
  }

  @Override
  public String toString() {
    return name + "{window=" + window + ", similarity=" + similarity + "}";
  }
}
