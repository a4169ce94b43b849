package dev.reranker.internal.tokenization;

/**
 * A (context, reply) pair after tokenization and truncation, before special tokens are added.
 *
 * <p>{@code context} is the whole context's token ids, shared (by reference) by every pair of one
 * request: it is tokenized once. The pair keeps its last {@code contextKeep} tokens (left
 * truncation: the newest survive) and the first {@code replyKeep} tokens of {@code reply}.
 */
public record EncodedPair(long[] context, int contextKeep, long[] reply, int replyKeep) {

  /** Returns the cross-encoder sequence length: {@code [CLS] context [SEP] reply [SEP]}. */
  public int pairLength() {
    return contextKeep + replyKeep + 3;
  }
}
