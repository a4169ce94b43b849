package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot's reply step: asks every candidate source for candidates, then reranks them all together
 * with one shared {@link Reranker}. Thread-safe if its sources are.
 *
 * <pre>{@code
 * ReplyPipeline pipeline = ReplyPipeline.builder(reranker)
 *     .source(Bm25Retriever.over(ReplyCorpus.bundled()), 6)
 *     .source(myLlm, 4)
 *     .executor(ioPool)   // ask the sources in parallel
 *     .build();
 * Ranking ranking = pipeline.reply(dialog);
 * }</pre>
 *
 * <p>A source that throws contributes nothing (and is logged): one source being down must not keep
 * the bot silent while another still has replies.
 */
public final class ReplyPipeline {
  private static final Logger logger = LoggerFactory.getLogger(ReplyPipeline.class);

  private record Entry(CandidateGenerator source, int limit) {}

  private final Reranker reranker;
  private final List<Entry> sources;
  private final Executor executor;

  private ReplyPipeline(Builder b) {
    this.reranker = b.reranker;
    this.sources = List.copyOf(b.sources);
    this.executor = b.executor;
  }

  /** Returns a builder for a pipeline that reranks with {@code reranker}, which it never closes. */
  public static Builder builder(Reranker reranker) {
    return new Builder(requireNonNull(reranker, "reranker"));
  }

  /**
   * Gathers candidates from every source and ranks them. The ranking is empty (no {@link
   * Ranking#best()}) when no source proposed anything.
   */
  public CompletableFuture<Ranking> replyAsync(Dialog dialog) {
    requireNonNull(dialog, "dialog");
    List<CompletableFuture<List<Candidate>>> asked = new ArrayList<>(sources.size());
    for (Entry e : sources) {
      asked.add(
          CompletableFuture.supplyAsync(() -> e.source().generate(dialog, e.limit()), executor)
              .exceptionally(
                  failure -> {
                    logger.warn(
                        "candidate source {} failed; ranking without it", e.source(), failure);
                    return List.of();
                  }));
    }
    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              List<Candidate> all = new ArrayList<>();
              asked.forEach(f -> all.addAll(f.join()));
              return all.isEmpty()
                  ? CompletableFuture.completedFuture(Ranking.of(List.of()))
                  : reranker.rankAsync(dialog, all);
            });
  }

  /** As {@link #replyAsync}, waiting for the answer; failures are the reranker's exceptions. */
  public Ranking reply(Dialog dialog) {
    try {
      return replyAsync(dialog).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Configures a {@link ReplyPipeline}. */
  public static final class Builder {
    private final Reranker reranker;
    private final List<Entry> sources = new ArrayList<>();
    private Executor executor = Runnable::run;

    private Builder(Reranker reranker) {
      this.reranker = reranker;
    }

    /**
     * Adds a source asked for at most {@code limit} candidates per dialog.
     *
     * @throws IllegalArgumentException if {@code limit} is not positive
     */
    @CanIgnoreReturnValue
    public Builder source(CandidateGenerator source, int limit) {
      requireNonNull(source, "source");
      if (limit <= 0) {
        throw new IllegalArgumentException("limit must be positive, but was " + limit);
      }
      sources.add(new Entry(source, limit));
      return this;
    }

    /**
     * Sets where sources are asked (default: the calling thread, one after another; pass a pool
     * when a source is a remote model, so that sources run in parallel).
     */
    @CanIgnoreReturnValue
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the pipeline.
     *
     * @throws IllegalStateException if no source was added
     */
    public ReplyPipeline build() {
      if (sources.isEmpty()) {
        throw new IllegalStateException("add a source(...) before build()");
      }
      return new ReplyPipeline(this);
    }
  }
}
