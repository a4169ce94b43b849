package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;

/**
 * Runs a heuristic around a fake model, the way the reranker does: the model link scores the
 * candidates still alive (a deterministic function of the text) and adds the dropped ones.
 * Remembers what reached the model.
 */
final class Harness {
  final List<Candidate> modelSaw = new ArrayList<>();
  private final ToDoubleFunction<String> logit;

  private Harness(ToDoubleFunction<String> logit) {
    this.logit = logit;
  }

  /** Logit = a stable function of the text, in [-2, 2]. */
  static Harness hashed() {
    return new Harness(t -> (Math.floorMod(t.hashCode(), 401) - 200) / 100.0);
  }

  /** Logit from a table; texts not in it get 0. */
  static Harness scores(Map<String, ? extends Number> table) {
    return new Harness(t -> table.containsKey(t) ? table.get(t).doubleValue() : 0);
  }

  static Harness logit(ToDoubleFunction<String> logit) {
    return new Harness(logit);
  }

  Heuristic.Chain model() {
    return request -> CompletableFuture.completedFuture(score(request));
  }

  Ranking score(RerankRequest request) {
    List<ScoredCandidate> all = new ArrayList<>();
    for (Candidate c : request.candidates()) {
      modelSaw.add(c);
      float l = (float) logit.applyAsDouble(c.text());
      all.add(new ScoredCandidate(c, l, (float) (1 / (1 + Math.exp(-l))), List.of()));
    }
    all.addAll(request.dropped());
    return Ranking.of(all);
  }

  Ranking run(Heuristic h, Dialog dialog, List<Candidate> candidates) {
    return h.apply(RerankRequest.of(dialog, candidates), model()).toCompletableFuture().join();
  }

  Ranking run(Heuristic h, Dialog dialog, String... candidates) {
    return run(h, dialog, candidates(candidates));
  }

  static List<Candidate> candidates(String... texts) {
    List<Candidate> out = new ArrayList<>();
    for (String t : texts) {
      out.add(Candidate.of(t));
    }
    return out;
  }

  /** Texts of the ranked candidates, best first. */
  static List<String> texts(Ranking r) {
    return r.ranked().stream().map(ScoredCandidate::text).toList();
  }

  static List<String> droppedTexts(Ranking r) {
    return r.dropped().stream().map(ScoredCandidate::text).toList();
  }

  /** The only verdict of the candidate with this text (ranked or dropped). */
  static ScoredCandidate find(Ranking r, String text) {
    return r.all().stream()
        .filter(c -> c.text().equals(text))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no candidate " + text + " in " + r.all()));
  }

  // Dialogs a companion bot meets.

  static Dialog lonely() {
    return Dialog.of(
        Turn.user("hey"),
        Turn.bot("Hi! How was your day?"),
        Turn.user("honestly pretty lonely. nobody texted me all weekend"),
        Turn.bot("I'm sorry you feel lonely. I'm here for you."),
        Turn.user("thanks. i just moved to a new city and don't know anyone"));
  }

  static Dialog exam() {
    return Dialog.of(
        Turn.user("I can't sleep"),
        Turn.bot("Oh no. What's keeping you up?"),
        Turn.user("I have my chemistry exam tomorrow and I'm so anxious"),
        Turn.bot("That sounds stressful. What are you studying for?"),
        Turn.user("organic chemistry, the reactions never stick"));
  }

  static Dialog hobbies() {
    return Dialog.of(
        Turn.bot("What do you like to do on weekends?"),
        Turn.user("I paint, mostly watercolours. and I hike when it's sunny"),
        Turn.bot("Watercolours are lovely! Do you paint landscapes?"),
        Turn.user("yes, mountains mostly"));
  }

  static Dialog areYouABot() {
    return Dialog.of(
        Turn.user("wait are you a bot?"),
        Turn.bot("I'm an AI companion, yes. Does that bother you?"),
        Turn.user("a little. are you a real person though?"));
  }
}
