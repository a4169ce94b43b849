package dev.reranker.model;

/** How an encoder turns a (context, reply) pair into a score. */
public enum ModelKind {
  /**
   * Reads {@code [CLS] context [SEP] reply [SEP]} as one sequence and emits logits from a
   * classification head (HuggingFace {@code BertForSequenceClassification}); P(upvote) is the
   * sigmoid of the upvote logit.
   */
  CROSS_ENCODER,
  /**
   * Embeds context and reply separately (mean-pooled, L2-normalised); the score is their cosine
   * similarity, turned into a probability by a calibration.
   */
  BI_ENCODER
}
