package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.RerankRequest;
import dev.reranker.Turn;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Drops replies that echo the user's last message back, or nearly do; a message shorter than {@code
 * minWords} ("hi", "good morning") may be mirrored.
 */
final class EchoFilter extends PreModelHeuristic {
  private final Similarity similarity;
  private final int minWords;

  EchoFilter(Similarity similarity, int minWords) {
    super(Heuristics.ECHO);
    this.similarity = similarity;
    this.minWords = minWords;
  }

  @Override
  Function<Candidate, @Nullable String> reasons(RerankRequest request) {
    Optional<Turn> last = request.dialog().lastTurnOf(Turn.Speaker.USER);
    if (last.isEmpty() || Texts.wordCount(last.get().text()) < minWords) {
      return c -> null;
    }
    Fingerprint user = Fingerprint.of(last.get().text());
    String quoted = Texts.quote(last.get().text());
    return c -> {
      Fingerprint candidate = Fingerprint.of(c.text());
      double score = similarity.score(candidate, user);
      if (score < similarity.threshold()) {
        return null;
      }
      return candidate.sameKey(user)
          ? "echoes the user's last message " + quoted
          : "near-echo (" + similarity.describe(score) + ") of the user's last message " + quoted;
    };
  }

  @Override
  public String toString() {
    return name + "{similarity=" + similarity + ", minWords=" + minWords + "}";
  }
}
