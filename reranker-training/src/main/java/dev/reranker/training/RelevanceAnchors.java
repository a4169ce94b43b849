package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;

import dev.reranker.internal.tokenization.EncodedPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Response-selection groups mixed into every step of reaction fine-tuning, so that a few thousand
 * reactions, which reward a prior (generic over specific), cannot erase what the model knows about
 * relevance: each step adds {@code groups} listwise groups (an anchor's true reply and {@code k}
 * replies of other dialogs) to the reaction batch, and their softmax cross-entropy to its loss.
 *
 * <p>Anchors are tokenized once; each epoch walks a seeded shuffle of them, cycling when the steps
 * outnumber them. Deterministic from the seed.
 */
final class RelevanceAnchors {
  private final ExampleEncoder encoder;
  private final List<SelectionExample> anchors;
  private final NegativeSampler sampler;
  private final long[][] contexts;
  private final Map<String, long[]> texts = new HashMap<>();
  private final int groups;
  private final long seed;
  private List<Integer> order = List.of();
  private int cursor;
  private int epoch = -1;

  /**
   * @param groups anchor groups per step
   * @param negatives replies of other dialogs per group
   * @throws IllegalArgumentException if there are no anchors, or too few replies of other dialogs
   */
  RelevanceAnchors(
      ExampleEncoder encoder,
      List<SelectionExample> anchors,
      int groups,
      int negatives,
      long seed) {
    checkArgument(!anchors.isEmpty(), "relevance anchors must not be empty");
    checkArgument(groups > 0, "anchor groups per step must be positive, but was %s", groups);
    this.encoder = encoder;
    this.anchors = List.copyOf(anchors);
    this.groups = groups;
    this.seed = seed;
    this.sampler = new NegativeSampler(this.anchors, negatives, 0, 0, 0, seed, "negatives");
    this.contexts = new long[this.anchors.size()][];
    for (int i = 0; i < this.anchors.size(); i++) {
      SelectionExample e = this.anchors.get(i);
      List<String> own = new ArrayList<>(1 + e.negatives().size());
      own.add(e.reply());
      own.addAll(e.negatives());
      List<EncodedPair> pairs = encoder.encode(e.dialog(), own);
      contexts[i] = pairs.get(0).context();
      for (int j = 0; j < own.size(); j++) {
        texts.putIfAbsent(own.get(j), pairs.get(j).reply());
      }
    }
  }

  /** Returns the pairs in a group: the true reply and its negatives. */
  int groupSize() {
    return 1 + sampler.negatives();
  }

  /** A SHA-256 of the anchors, for resume's check of the training data. */
  String fingerprint() {
    return SelectionTraining.fingerprint(anchors);
  }

  /** Returns the next step's groups, group by group, the true reply first in each. */
  List<EncodedPair> next(int epoch) {
    if (epoch != this.epoch) {
      List<Integer> indices = new ArrayList<>(anchors.size());
      for (int i = 0; i < anchors.size(); i++) {
        indices.add(i);
      }
      this.order = TrainingRun.shuffled(indices, seed * 37 + epoch);
      this.cursor = 0;
      this.epoch = epoch;
    }
    List<EncodedPair> pairs = new ArrayList<>(groups * groupSize());
    for (int g = 0; g < groups; g++) {
      int i = order.get(cursor);
      cursor = (cursor + 1) % order.size();
      pairs.add(pair(i, anchors.get(i).reply()));
      for (String n : sampler.negatives(i, epoch, List.of())) {
        pairs.add(pair(i, n));
      }
    }
    return pairs;
  }

  private EncodedPair pair(int anchor, String text) {
    long[] reply = texts.get(text);
    if (reply == null) {
      throw new IllegalStateException("not tokenized: " + text); // the pool is the anchors' texts
    }
    return encoder.pair(contexts[anchor], reply);
  }
}
