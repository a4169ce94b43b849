/**
 * The reranker's public API: build a {@link dev.reranker.Reranker}, give it a {@link
 * dev.reranker.Dialog} and {@link dev.reranker.Candidate}s, get a {@link dev.reranker.Ranking}.
 * Heuristics ({@link dev.reranker.Heuristic}) run around the model.
 *
 * <p>Nothing here accepts or returns null unless marked {@code @Nullable}.
 */
@NullMarked
@CheckReturnValue
package dev.reranker;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
