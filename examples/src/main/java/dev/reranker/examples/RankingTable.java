package dev.reranker.examples;

import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.ScoredCandidate;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints dialogs and rankings as plain-text tables for a terminal. */
final class RankingTable {
  private RankingTable() {}

  /** Prints the dialog's persona facts, user facts and turns, oldest first. */
  static void printDialog(Dialog dialog, PrintStream out) {
    for (String fact : dialog.botPersona()) {
      out.println("  (bot persona: " + fact + ")");
    }
    for (String fact : dialog.userFacts()) {
      out.println("  (user fact: " + fact + ")");
    }
    for (Turn turn : dialog.turns()) {
      out.println("  " + (turn.speaker() == Turn.Speaker.USER ? "user: " : "bot:  ") + turn.text());
    }
  }

  /**
   * Prints the ranking: one row per surviving candidate (rank, source, P(upvote), score, reply)
   * with its verdicts beneath, then the dropped ones with the verdict that dropped them, then the
   * chosen reply.
   */
  static void printRanking(Ranking ranking, PrintStream out) {
    int sourceWidth = "source".length();
    for (ScoredCandidate c : ranking.all()) {
      sourceWidth = Math.max(sourceWidth, c.candidate().source().tag().length());
    }
    String row = "  %4s  %-" + sourceWidth + "s  %6s  %7s  %s%n";
    String indent = " ".repeat(4 + 2 + sourceWidth + 2 + 6 + 2 + 7 + 2 + 2);
    out.printf(Locale.ROOT, row, "rank", "source", "P(up)", "score", "reply");
    List<ScoredCandidate> ranked = ranking.ranked();
    for (int i = 0; i < ranked.size(); i++) {
      printRow(Integer.toString(i + 1), ranked.get(i), row, indent, out);
    }
    if (!ranking.dropped().isEmpty()) {
      out.println("  dropped:");
      for (ScoredCandidate c : ranking.dropped()) {
        printRow("-", c, row, indent, out);
      }
    }
    out.println("  => chosen: " + ranking.best().map(ScoredCandidate::text).orElse("(none)"));
  }

  private static void printRow(
      String rank, ScoredCandidate c, String row, String indent, PrintStream out) {
    out.printf(
        Locale.ROOT,
        row,
        rank,
        c.candidate().source().tag(),
        number(c.probability(), 3),
        number(c.score(), 3),
        c.text().isEmpty() ? "(empty)" : c.text());
    for (Verdict v : c.verdicts()) {
      out.println(indent + v);
    }
  }

  private static String number(float value, int decimals) {
    return Float.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
