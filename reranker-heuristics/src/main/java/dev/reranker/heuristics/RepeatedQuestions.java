package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Heuristic;
import dev.reranker.Ranking;
import dev.reranker.RerankRequest;
import dev.reranker.ScoredCandidate;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Finds replies that ask a question the bot already asked; drops or penalises them. */
final class RepeatedQuestions {
  private final RepeatedQuestionConfig config;

  private RepeatedQuestions(RepeatedQuestionConfig config) {
    this.config = config;
  }

  static Heuristic of(RepeatedQuestionConfig config) {
    RepeatedQuestions finder = new RepeatedQuestions(config);
    return config.drops() ? finder.new Dropper() : finder.new Penaliser();
  }

  private record Asked(String question, Fingerprint print, int botTurnsAgo) {}

  /** The bot's earlier questions, newest first; empty if it asked none. */
  private List<Asked> asked(Dialog dialog) {
    List<Turn> turns = dialog.turns();
    List<Asked> asked = new ArrayList<>();
    int botTurns = 0;
    for (int i = turns.size() - 1; i >= 0 && botTurns < config.window(); i--) {
      Turn t = turns.get(i);
      if (t.speaker() == Turn.Speaker.BOT) {
        botTurns++;
        for (String q : Texts.questions(t.text())) {
          asked.add(new Asked(q, Fingerprint.of(q), botTurns));
        }
      }
    }
    return asked;
  }

  private @Nullable String reason(List<Asked> asked, String reply) {
    Similarity similarity = config.similarity();
    for (String question : Texts.questions(reply)) {
      Fingerprint print = Fingerprint.of(question);
      for (Asked a : asked) {
        double score = similarity.score(print, a.print());
        if (score >= similarity.threshold()) {
          String when =
              a.botTurnsAgo() == 1 ? "in the bot's last reply" : a.botTurnsAgo() + " bot turns ago";
          return print.sameKey(a.print())
              ? "asks again " + Texts.quote(a.question()) + ", asked " + when
              : "asks again ("
                  + similarity.describe(score)
                  + ") "
                  + Texts.quote(a.question())
                  + ", asked "
                  + when;
        }
      }
    }
    return null;
  }

  private String describe() {
    return Heuristics.REPEATED_QUESTION + config;
  }

  /** Drop mode: before the model. */
  private final class Dropper extends PreModelHeuristic {
    Dropper() {
      super(Heuristics.REPEATED_QUESTION);
    }

    @Override
    Function<Candidate, @Nullable String> reasons(RerankRequest request) {
      List<Asked> asked = asked(request.dialog());
      return asked.isEmpty() ? c -> null : c -> reason(asked, c.text());
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** Penalty mode: after the model. */
  private final class Penaliser extends PostModelHeuristic {
    Penaliser() {
      super(Heuristics.REPEATED_QUESTION);
    }

    @Override
    Ranking rewrite(RerankRequest request, Ranking ranking) {
      List<Asked> asked = asked(request.dialog());
      if (asked.isEmpty()) {
        return ranking;
      }
      List<ScoredCandidate> ranked = ranking.ranked();
      Verdict[] verdicts = new Verdict[ranked.size()];
      for (int i = 0; i < verdicts.length; i++) {
        String why = reason(asked, ranked.get(i).text());
        if (why != null) {
          verdicts[i] = Verdict.adjust(name, -config.penalty(), why);
        }
      }
      return withVerdicts(ranking, verdicts);
    }

    @Override
    public String toString() {
      return describe();
    }
  }
}
