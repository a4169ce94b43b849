package dev.reranker.training;

import com.google.common.collect.ImmutableList;
import java.util.List;

/** The classifier head for upvote vs downvote. */
public enum HeadType {
  /** One logit, label {@code upvote}: P(upvote) = sigmoid(logit). */
  SINGLE_LOGIT(List.of("upvote")),
  /**
   * Two logits, labels {@code downvote} and {@code upvote}, each trained with its own sigmoid
   * cross-entropy (the downvote target is 1 - upvote), so that the served score, the sigmoid of the
   * {@code upvote} logit, is a probability on its own, as {@code Reranker} reads it.
   */
  TWO_LABELS(List.of("downvote", "upvote"));

  /** The reaction labels the multi-label head adds after the binary labels. */
  public static final List<String> REACTION_LABELS =
      List.of("love", "funny", "meaningless", "offensive");

  private final ImmutableList<String> labels;

  HeadType(List<String> labels) {
    this.labels = ImmutableList.copyOf(labels);
  }

  /** Returns the labels of the binary head, in logit order. */
  public List<String> labels() {
    return labels;
  }
}
