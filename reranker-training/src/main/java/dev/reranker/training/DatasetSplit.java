package dev.reranker.training;

import java.util.List;

/**
 * A train/validation split of reaction records, by dialog: no dialog has records on both sides.
 *
 * @param train the records to train on
 * @param validation the held-out records
 */
public record DatasetSplit(List<ReactionRecord> train, List<ReactionRecord> validation) {
  /** Copies the lists. */
  public DatasetSplit {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }
}
