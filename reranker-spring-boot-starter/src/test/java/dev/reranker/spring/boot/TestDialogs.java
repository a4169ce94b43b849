package dev.reranker.spring.boot;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.List;

/** A dialog and candidates whose best reply the bundled model agrees on. */
final class TestDialogs {
  static final Dialog EXAM =
      Dialog.of(
          Turn.user("Just anxious and tired"),
          Turn.bot("Still worried about tomorrow?"),
          Turn.user("Yes, I have an exam"));

  static final Candidate ON_TOPIC =
      Candidate.generative("Exams are stressful. Try to get some sleep tonight.");
  static final Candidate OFF_TOPIC = Candidate.retrieval("I like pizza.");

  static final List<Candidate> CANDIDATES = List.of(OFF_TOPIC, ON_TOPIC);

  private TestDialogs() {}
}
