package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A {@link SelectionExample} with the partner's rating of its reply, as Topical-Chat gives it: the
 * signal to calibrate P(upvote) against. Immutable.
 *
 * @param example the context and the reply that was sent
 * @param rating the partner's rating of the reply; empty where the dataset leaves it blank
 */
public record RatedExample(SelectionExample example, Optional<TurnRating> rating) {

  /**
   * Creates a rated example.
   *
   * @throws NullPointerException if an argument is null
   */
  public RatedExample {
    requireNonNull(example, "example");
    requireNonNull(rating, "rating");
  }
}
