package dev.reranker.internal.scoring;

import dev.reranker.Scorer;
import dev.reranker.internal.tokenization.EncodedPair;
import org.jspecify.annotations.Nullable;

/**
 * What waits in the batching queue: a pair, and its tokens when a model (not a custom {@link
 * Scorer}) will score it.
 *
 * @param pair the dialog and candidate
 * @param encoded the pair's tokens, or null for a custom scorer
 */
public record QueuedPair(Scorer.Pair pair, @Nullable EncodedPair encoded) {

  /** Returns the length used to group similar pairs into one batch. */
  public int length() {
    return encoded != null ? encoded.pairLength() : pair.candidate().text().length();
  }
}
