package dev.reranker.internal.scoring;

import dev.reranker.Scorer;
import dev.reranker.internal.tokenization.EncodedPair;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What waits in the batching queue: a pair, and its tokens when a model (not a custom {@link
 * Scorer}) will score it.
 *
 * @param pair the dialog and candidate
 * @param encoded the pair's tokens, or null for a custom scorer
 */
public record QueuedPair(Scorer.Pair pair, @Nullable EncodedPair encoded) {

  /** Returns the pairs of a batch, in order. */
  public static List<Scorer.Pair> pairs(List<QueuedPair> batch) {
    List<Scorer.Pair> pairs = new ArrayList<>(batch.size());
    for (QueuedPair p : batch) {
      pairs.add(p.pair());
    }
    return pairs;
  }

  /** Returns the length used to group similar pairs into one batch. */
  public int length() {
    return encoded != null ? encoded.pairLength() : pair.candidate().text().length();
  }

  /**
   * Returns the grouping length for a bi-encoder: its context's. A bi-encoder embeds each context
   * once per batch for all the batch's pairs that share it, and packs tokens so that replies cost
   * no padding; grouping by the pair length would scatter one request's pairs over several batches
   * and embed its context in each, while this key keeps a request's pairs together (the sort is
   * stable) and still groups contexts of similar length.
   */
  public int contextLength() {
    return encoded != null ? encoded.contextKeep() : length();
  }
}
