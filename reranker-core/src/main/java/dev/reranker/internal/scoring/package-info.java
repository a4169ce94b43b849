/** Adapters from queued pairs to models. Internal: not API, may change without notice. */
@NullMarked
package dev.reranker.internal.scoring;

import org.jspecify.annotations.NullMarked;
