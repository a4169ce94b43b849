/**
 * Checkpoint formats: safetensors, HuggingFace config.json, half-precision widening. Internal: not
 * API, may change without notice.
 */
@NullMarked
package dev.reranker.internal.io;

import org.jspecify.annotations.NullMarked;
