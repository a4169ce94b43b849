/**
 * Training internals: the trainable adapters of the native BERT and the QA-LSTM baseline, the loss,
 * gradient clipping, mixed precision (the float16 working copy and the loss scaler), the
 * learning-rate schedule and progress output. Internal: not API, may change without notice.
 */
@NullMarked
package dev.reranker.training.internal;

import org.jspecify.annotations.NullMarked;
