/**
 * The native BERT: DJL blocks on the PyTorch engine. Internal: not API, may change without notice.
 */
@NullMarked
package dev.reranker.internal.bert;

import org.jspecify.annotations.NullMarked;
