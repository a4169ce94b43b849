package dev.reranker.apiboundary;

import dev.reranker.Internal;
import dev.reranker.internal.apiboundary.Hidden;

/** Fixture for {@code ApiBoundaryTest}: marked internal in a public package, so not checked. */
@Internal
public final class Marked {
  /** Would leak, but this type is not API. */
  public Hidden hidden() {
    return new Hidden();
  }
}
