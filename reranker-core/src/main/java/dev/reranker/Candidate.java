package dev.reranker;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A reply the bot could send, with where it came from and free-form metadata (a retrieval id, the
 * generator's log-probability). Immutable.
 *
 * @param text the reply; may be empty or blank (heuristics may drop it), never null
 * @param source the candidate source that proposed it
 * @param metadata caller-defined key/value pairs, carried through to the ranking unchanged
 */
public record Candidate(String text, Source source, Map<String, String> metadata) {

  /**
   * Creates a candidate.
   *
   * @throws NullPointerException if an argument, or a metadata key or value, is null
   */
  public Candidate {
    requireNonNull(text, "text");
    requireNonNull(source, "source");
    metadata = Map.copyOf(requireNonNull(metadata, "metadata"));
  }

  /** Returns a candidate from an unspecified source. */
  public static Candidate of(String text) {
    return new Candidate(text, Source.UNSPECIFIED, Map.of());
  }

  /** Returns a candidate found by a retrieval model. */
  public static Candidate retrieval(String text) {
    return new Candidate(text, Source.RETRIEVAL, Map.of());
  }

  /** Returns a candidate written by a generative model. */
  public static Candidate generative(String text) {
    return new Candidate(text, Source.GENERATIVE, Map.of());
  }

  /** Returns this candidate with {@code key} set to {@code value} in its metadata. */
  public Candidate withMetadata(String key, String value) {
    var next = new java.util.HashMap<>(metadata);
    next.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
    return new Candidate(text, source, next);
  }
}
