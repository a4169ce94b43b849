package dev.reranker.internal.scoring;

import dev.reranker.internal.batching.BatchingQueue;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scores a batch with an {@link EncoderModel}: the upvote logit of a cross-encoder, or the cosine
 * similarity of context and reply embeddings of a bi-encoder.
 */
public final class ModelScorer implements BatchingQueue.BatchScorer<QueuedPair> {
  private final EncoderModel model;
  private final PairEncoder encoder;
  private final int upvoteLabel;

  /**
   * Creates a scorer. A cross-encoder's score is the logit of its label named "upvote" (any case),
   * else of its last label (label 1 of a binary classifier, the only one of a 1-logit head).
   */
  public ModelScorer(EncoderModel model, PairEncoder encoder) {
    this.model = model;
    this.encoder = encoder;
    this.upvoteLabel = upvoteIndex(model.labels());
  }

  /** Returns the index of the label whose logit is P(upvote)'s. */
  public static int upvoteIndex(List<String> labels) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).toLowerCase(Locale.ROOT).equals("upvote")) {
        return i;
      }
    }
    return Math.max(0, labels.size() - 1);
  }

  @Override
  public float[] score(List<QueuedPair> batch) {
    List<EncodedPair> pairs = new ArrayList<>(batch.size());
    for (QueuedPair p : batch) {
      pairs.add(p.encoded());
    }
    float[] scores = new float[batch.size()];
    if (model.kind() == ModelKind.CROSS_ENCODER) {
      float[][] logits = model.logits(encoder.crossBatch(pairs));
      for (int i = 0; i < scores.length; i++) {
        scores[i] = logits[i][upvoteLabel];
      }
    } else {
      PairEncoder.BiBatch bi = encoder.biBatch(pairs);
      float[][] vectors = model.embed(bi.batch());
      for (int i = 0; i < scores.length; i++) {
        // both are L2-normalised: the dot product is the cosine
        scores[i] = EvidenceFeatures.dot(vectors[bi.rowOfContext()[i]], vectors[bi.contexts() + i]);
      }
    }
    return scores;
  }
}
