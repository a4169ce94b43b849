package dev.reranker.internal.scoring;

import static java.util.Objects.requireNonNull;

import dev.reranker.internal.batching.BatchingQueue;
import dev.reranker.model.EvidenceBlend;
import java.util.List;

/**
 * Scores a batch with a cross-encoder and blends its logits with a bi-encoder's evidence: the
 * {@link EvidenceBlend} a model carries.
 */
public final class EvidenceScorer implements BatchingQueue.BatchScorer<QueuedPair> {
  private final ModelScorer crossEncoder;
  private final EvidenceFeatures features;
  private final EvidenceBlend blend;

  /** Creates a scorer; it closes nothing (its owner closes the models and the features). */
  public EvidenceScorer(ModelScorer crossEncoder, EvidenceFeatures features, EvidenceBlend blend) {
    this.crossEncoder = requireNonNull(crossEncoder, "crossEncoder");
    this.features = requireNonNull(features, "features");
    this.blend = requireNonNull(blend, "blend");
  }

  @Override
  public float[] score(List<QueuedPair> batch) {
    float[] scores = crossEncoder.score(batch);
    float[][] evidence = features.similarities(QueuedPair.pairs(batch));
    for (int i = 0; i < scores.length; i++) {
      scores[i] = blend.score(scores[i], evidence[i][0], evidence[i][1]);
    }
    return scores;
  }
}
