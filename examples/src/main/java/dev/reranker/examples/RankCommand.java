package dev.reranker.examples;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.model.Quantization;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code rank --context TURN... [--persona FACT...] --candidate TEXT... [--model PATH] [--json]}:
 * ranks candidates for one dialog and prints a table, or with {@code --json} one JSON object.
 */
final class RankCommand {
  // serializeNulls: "best": null and a dropped candidate's "score": null are part of the shape.
  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

  private RankCommand() {}

  static int run(List<String> args, PrintStream out, RerankerFactory rerankers)
      throws UsageException {
    ArgParser parser =
        new ArgParser(
            "rank",
            Set.of("--context", "--persona", "--candidate", "--model", "--quantization"),
            Set.of("--json"));
    ArgParser.Parsed options = parser.parse(args);
    List<String> context = options.all("--context");
    if (context.isEmpty()) {
      throw parser.fail(
          "no --context given: give the dialog's turns, oldest first, the last "
              + "one the user's");
    }
    List<String> texts = options.all("--candidate");
    if (texts.isEmpty()) {
      throw parser.fail("no --candidate given: give at least one reply to rank");
    }
    Path model = options.modelPath().orElse(null);
    Dialog dialog = Dialogs.fromContext(context, options.all("--persona"));
    List<Candidate> candidates = new ArrayList<>(texts.size());
    texts.forEach(t -> candidates.add(Candidate.of(t)));

    Reranker reranker =
        rerankers.open(
            CompanionSetup.builder(model)
                .quantization(
                    options
                        .choice("--quantization", Quantization.class)
                        .orElse(Quantization.NONE)));
    Ranking ranking;
    try {
      ranking = reranker.rank(dialog, candidates);
    } finally {
      rerankers.release(reranker);
    }
    if (options.has("--json")) {
      out.println(GSON.toJson(RankingJson.of(ranking)));
    } else {
      RankingTable.printDialog(dialog, out);
      out.println();
      RankingTable.printRanking(ranking, out);
    }
    return 0;
  }
}
