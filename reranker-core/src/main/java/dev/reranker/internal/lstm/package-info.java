/**
 * The QA-LSTM baseline served as a cross-encoder: its block and its checkpoint folder, so that
 * {@code RerankerModel.checkpoint} loads a trained baseline without any training code. Internal:
 * not API, may change without notice.
 */
@NullMarked
package dev.reranker.internal.lstm;

import org.jspecify.annotations.NullMarked;
