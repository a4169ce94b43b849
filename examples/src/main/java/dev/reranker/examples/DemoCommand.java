package dev.reranker.examples;

import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.RerankerStats;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** {@code demo [--model PATH]}: reranks both sources' candidates for the scenario dialogs. */
final class DemoCommand {
  /** Candidates asked of each source per dialog. */
  static final int RETRIEVED = 6;

  static final int GENERATED = 6;

  private DemoCommand() {}

  static int run(List<String> args, PrintStream out, RerankerFactory rerankers)
      throws UsageException {
    ArgParser.Parsed options = new ArgParser("demo", Set.of("--model"), Set.of()).parse(args);
    Path model = options.modelPath().orElse(null);
    List<Scenarios.Scenario> scenarios = Scenarios.all();
    Reranker reranker = rerankers.open(CompanionSetup.builder(model));
    try (Bm25Retriever retriever = Bm25Retriever.over(ReplyCorpus.bundled())) {
      ReplyPipeline pipeline =
          ReplyPipeline.builder(reranker)
              .source(retriever, RETRIEVED)
              .source(TemplateGenerator.withFaults(), GENERATED)
              .build();
      out.println(
          "reranker demo: "
              + scenarios.size()
              + " companion-bot dialogs; candidates from "
              + "BM25 retrieval over "
              + retriever.size()
              + " replies and a template generator; "
              + "model "
              + (model == null ? ModelNames.describe("bundled") : model));
      out.println();
      RerankerStats before = reranker.stats();
      long start = System.nanoTime();
      // Every dialog at once, as a service's concurrent users would: their pairs batch together.
      List<CompletableFuture<Ranking>> rankings = new ArrayList<>();
      for (Scenarios.Scenario s : scenarios) {
        rankings.add(pipeline.replyAsync(s.dialog()));
      }
      for (int i = 0; i < scenarios.size(); i++) {
        out.println("== " + (i + 1) + ". " + scenarios.get(i).title() + " ==");
        RankingTable.printDialog(scenarios.get(i).dialog(), out);
        out.println();
        RankingTable.printRanking(rankings.get(i).join(), out);
        out.println();
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      RerankerStats after = reranker.stats();
      long batches = after.batches() - before.batches();
      long pairs = after.scoredPairs() - before.scoredPairs();
      out.printf(
          Locale.ROOT,
          "%d dialogs ranked in %d ms: %d pairs scored in %d batches "
              + "(mean %.1f pairs per batch)%n",
          scenarios.size(),
          millis,
          pairs,
          batches,
          batches == 0 ? 0.0 : (double) pairs / batches);
      return 0;
    } finally {
      rerankers.release(reranker);
    }
  }
}
