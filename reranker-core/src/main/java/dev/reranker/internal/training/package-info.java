/**
 * Training internals: the QA-LSTM baseline model, the trainable adapters, the loss, gradient
 * clipping, mixed precision (the float16 working copy and the loss scaler), the learning-rate
 * schedule and progress output. Internal: not API, may change without notice.
 */
@NullMarked
package dev.reranker.internal.training;

import org.jspecify.annotations.NullMarked;
