package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.RerankRequest;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Drops replies outside the configured bounds, in code points and in tokens. */
final class LengthFilter extends PreModelHeuristic {
  private final LengthBounds bounds;

  LengthFilter(LengthBounds bounds) {
    super(Heuristics.LENGTH);
    this.bounds = bounds;
  }

  @Override
  Function<Candidate, @Nullable String> reasons(RerankRequest request) {
    return c -> {
      String text = c.text();
      int chars = text.codePointCount(0, text.length());
      if (chars < bounds.minChars()) {
        return "has " + chars + " characters, fewer than the minimum " + bounds.minChars();
      }
      if (chars > bounds.maxChars()) {
        return "has " + chars + " characters, more than the maximum " + bounds.maxChars();
      }
      if (bounds.minTokens() == 0 && bounds.maxTokens() == Integer.MAX_VALUE) {
        return null; // the counter may be a real tokenizer: don't call it for nothing
      }
      int tokens = bounds.tokenCounter().applyAsInt(text);
      if (tokens < 0) {
        throw new IllegalStateException(
            "tokenCounter returned a negative count, " + tokens + ", for " + Texts.quote(text));
      }
      if (tokens < bounds.minTokens()) {
        return "has " + tokens + " tokens, fewer than the minimum " + bounds.minTokens();
      }
      if (tokens > bounds.maxTokens()) {
        return "has " + tokens + " tokens, more than the maximum " + bounds.maxTokens();
      }
      return null;
    };
  }

  @Override
  public String toString() {
    return name + bounds;
  }
}
