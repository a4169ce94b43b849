package dev.reranker;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * Where a candidate came from: {@link #RETRIEVAL}, {@link #GENERATIVE}, or a tag of the caller's
 * own ({@code Source.of("faq")}). Two sources are equal when their tags are.
 *
 * @param tag the source's name: non-blank
 */
public record Source(String tag) {
  /** A retrieval model found the reply in a corpus. */
  public static final Source RETRIEVAL = new Source("retrieval");

  /** A generative model wrote the reply. */
  public static final Source GENERATIVE = new Source("generative");

  /** The caller did not say. */
  public static final Source UNSPECIFIED = new Source("unspecified");

  /**
   * Creates a source.
   *
   * @throws IllegalArgumentException if {@code tag} is blank
   */
  public Source {
    requireNonNull(tag, "tag");
    checkArgument(!tag.isBlank(), "source tag must not be blank");
  }

  /** Returns the source with this tag. */
  public static Source of(String tag) {
    return new Source(tag);
  }

  @Override
  public String toString() {
    return tag;
  }
}
