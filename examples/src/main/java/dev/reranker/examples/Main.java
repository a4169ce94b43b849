package dev.reranker.examples;

import dev.reranker.RerankerException;
import dev.reranker.model.ModelLoadException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The runnable examples: {@code java -jar reranker-examples.jar demo|rank|serve|train|eval}. Exit
 * codes: 0 done, 1 failed (model cannot load, port taken, bad data, training failed), 2 bad
 * arguments (with exactly one line on stderr).
 */
public final class Main {
  static final String USAGE =
      """
      usage: java -jar reranker-examples.jar COMMAND [OPTIONS]

        demo  [--model PATH]
              rerank retrieval (BM25) and generative candidates for ten companion-bot dialogs
        rank  --context TURN [--context TURN ...] [--persona FACT ...]
              --candidate TEXT [--candidate TEXT ...] [--model PATH] [--json]
              [--quantization none|int8]
              rank replies for one dialog: contexts oldest first, alternating user and bot,
              the last one the user's; --json prints one JSON object
        serve [--port N] [--model PATH] [--batch-size N] [--max-batch-delay-ms N] [--timeout-ms N]
              [--max-queued-pairs N] [--idle-timeout-ms N] [--max-connections N]
              [--drain-timeout-ms N] [--native-memory-trim-ms N] [--no-evidence]
              [--quantization none|int8]
              JSON service on 127.0.0.1 (port 0: any free port): POST /rerank, POST /v1/rerank
              (Cohere/TEI), GET /health, GET /ready, GET /metrics (Prometheus),
              GET /openapi.json; SIGTERM or Ctrl-C drains, then exits 0; --no-evidence: the
              cross-encoder alone, without the bundled model's bi-encoder blend;
              --quantization int8: int8 Linear layers on the CPU (faster, slightly less accurate);
              --native-memory-trim-ms: how often freed native memory goes back to the system
              (glibc malloc_trim; default 2000, 0 = never)
        train --data FILE --out DIR [--format jsonl|tsv] [--init bundled|minilm|baseline|PATH]
              [--epochs N] [--batch-size N] [--lr X] [--seed N] [--val-fraction F] [--resume]
              [--patience N] [--warmup F] [--max-grad-norm X] [--max-seq-len N]
              [--calibration platt|temperature|none] [--head single|two] [--multi-label]
              [--mixed-precision] [--layers N]
              [--anchor-dialogs FILE|DIR [--max-per-source N] [--negatives K] [--anchor-weight W]]
              fine-tune a cross-encoder (or the QA-LSTM baseline) on a reaction log, split by
              dialog; --mixed-precision: float16 with float32 master weights, for a CUDA GPU;
              --layers N: start from the --init model's first N encoder layers (cheaper);
              --anchor-dialogs: every step also ranks true replies of those dialogs against K
              others (listwise), so the reactions do not erase relevance (N per corpus, 1000;
              W weighs that loss against the reactions', 1.0)
        train --dialogs FILE|DIR --out DIR [--loss listwise|pointwise] [--negatives K]
              [--hard-negatives F] [--validation-candidates N] [--max-per-source N]
              [--max-validation N] [same options as above]
              response selection on dialogs (JSONL: dialog_id, persona, context, speakers,
              reply, negatives; or the corpora folder ../shared/data/dialogs, less what
              eval --dialogs holds out), split by dialog: groups of the true reply and K
              negatives, F of the free slots mined by the model; the best epoch by MRR;
              --max-per-source, --max-validation: seeded samples of at most N examples
        eval  --data FILE --model DIR|bundled|minilm [--format jsonl|tsv] [--split val|train|all]
              [--seed N] [--val-fraction F] [--batch-size N] [--max-seq-len N] [--no-evidence]
              [--quantization none|int8]
              AUC, accuracy, log loss, ECE, hits@1 and MRR of a model on a reaction log,
              through the serving path; same --seed and --val-fraction: train's held-out records;
              --no-evidence: a cross-encoder alone, without the evidence blend it carries
        eval  --dialogs DIR --model DIR|bundled|minilm|tfidf|bm25 [--max-examples N] [--seed S]
              [--candidates N] [--test-fraction F] [--data FILE ...] [--no-evidence]
              [--quantization none|int8]
              response selection on the dialog corpora in DIR: hits@1/N and MRR on held-out
              Synthetic-Persona-Chat dialogs (N-1 replies of other dialogs, default N 20,
              fraction 0.1, seed 42, 500 examples), pairwise accuracy on DailyDialog++ dev
              (random and adversarial negatives); with --data also the AUC on its --split

        export --checkpoint DIR --out DIR [--float16] [--calibrate-on DIR]
              [--max-calibration N] [--seed N] [--evidence-from DIR [--evidence-groups N]]
              write a trained checkpoint as it ships: float16 weights (half the bytes), and with
              --calibrate-on the corpora folder, P(upvote) refitted on Topical-Chat's turn
              ratings (test_rare.json, never trained on; N rated turns, default 2000, and as many
              random replies as downvotes); with --evidence-from the corpora folder, a blend of
              the cross-encoder with bi-encoder evidence (last turn, persona facts) fitted on
              train's validation side (N groups of 20 per corpus, default 300); prints each
              file's SHA-256

        --model PATH  a HuggingFace BERT checkpoint folder (default: the bundled dialog
                      cross-encoder; bundled|minilm where a command lists them)
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final RerankerFactory rerankers;

  Main(PrintStream out, PrintStream err, RerankerFactory rerankers) {
    this.out = out;
    this.err = err;
    this.rerankers = rerankers;
  }

  /** Runs a command and exits with its code. */
  public static void main(String[] args) {
    System.setProperty("offline", "true"); // before anything touches DJL: never reach the network
    // UTF-8 whatever the platform's console encoding, so that JSON and replies survive intact.
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code = new Main(out, err, RerankerFactory.BUILDING).run(args);
    out.flush();
    System.exit(code);
  }

  /** Runs the command in {@code args} and returns its exit code; never calls System.exit. */
  int run(String... args) {
    List<String> all = Arrays.asList(args);
    if (all.isEmpty()) {
      return usageError(
          "missing command: expected demo, rank, serve, train, eval or export (see --help)");
    }
    List<String> rest = all.subList(1, all.size());
    try {
      return switch (all.get(0)) {
        case "demo" -> DemoCommand.run(rest, out, rerankers);
        case "rank" -> RankCommand.run(rest, out, rerankers);
        case "serve" -> ServeCommand.run(rest, out, err, rerankers);
        case "train" -> TrainCommand.run(rest, out, err);
        case "eval" -> EvalCommand.run(rest, out, err);
        case "export" -> ExportCommand.run(rest, out, err);
        case "help", "--help", "-h" -> throw UsageException.help();
        default ->
            usageError(
                "unknown command '"
                    + all.get(0)
                    + "': expected demo, rank, serve, train, eval or export (see --help)");
      };
    } catch (UsageException e) {
      if (e.isHelp()) {
        out.print(USAGE);
        return 0;
      }
      return usageError(String.valueOf(e.getMessage()));
    } catch (ModelLoadException e) {
      return failure("cannot load the model: " + e.getMessage());
    } catch (RerankerException e) {
      return failure("reranking failed: " + e.getMessage());
    } finally {
      out.flush();
    }
  }

  private int usageError(String message) {
    err.println(message);
    return 2;
  }

  private int failure(String message) {
    err.println(message.replaceAll("[\\r\\n]+", " "));
    return 1;
  }
}
