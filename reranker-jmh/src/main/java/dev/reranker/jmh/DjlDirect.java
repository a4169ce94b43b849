package dev.reranker.jmh;

import dev.reranker.Candidate;
import dev.reranker.Scorer;
import dev.reranker.internal.scoring.ModelScorer;
import dev.reranker.internal.scoring.QueuedPair;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.RerankerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The plain-DJL peer: the model called directly by each client thread with its own request's padded
 * batch, no queue. Same encoder, same math as the reranker's worker ({@link ModelScorer}); only the
 * batching queue is missing, so concurrent calls run side by side in libtorch.
 */
final class DjlDirect implements AutoCloseable {
  /** The peers' settings: the last ablation row's sequence length and reply budget. */
  static final int MAX_SEQ_LEN = 80;

  static final int MAX_REPLY_TOKENS = 20;

  private final EncoderModel model;
  private final PairEncoder encoder;
  private final ModelScorer scorer;
  private final @Nullable ExecutorService pool;

  /** A peer that lets every client thread into the model at once. */
  DjlDirect(RerankerModel spec) {
    this(spec, 0);
  }

  /**
   * A peer whose model calls run on a pool of {@code poolThreads} threads (0: on the client threads
   * themselves). The pool bounds native memory: DJL frees a forward's intermediate arrays only when
   * the call returns, and glibc keeps what each calling thread freed in that thread's malloc arena,
   * so BERT-base called from 32 threads (even 4 at a time) grew past the machine's 24 GiB and was
   * OOM-killed.
   */
  DjlDirect(RerankerModel spec, int poolThreads) {
    this.pool = poolThreads > 0 ? Executors.newFixedThreadPool(poolThreads) : null;
    this.model = spec.load();
    this.encoder =
        new PairEncoder(model.tokenizerJson(), model.kind(), MAX_SEQ_LEN, MAX_REPLY_TOKENS);
    this.scorer = new ModelScorer(model, encoder);
  }

  /** Scores one request: encode, one padded batch, one model call. */
  float[] score(Workload.Request r) {
    List<EncodedPair> encoded = encoder.encode(r.dialog(), r.candidates());
    List<QueuedPair> batch = new ArrayList<>(encoded.size());
    for (int i = 0; i < encoded.size(); i++) {
      Candidate c = r.candidates().get(i);
      batch.add(new QueuedPair(new Scorer.Pair(r.dialog(), c), encoded.get(i)));
    }
    if (pool == null) {
      return scorer.score(batch);
    }
    try {
      return pool.submit(() -> scorer.score(batch)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
    model.close();
    encoder.close();
  }
}
