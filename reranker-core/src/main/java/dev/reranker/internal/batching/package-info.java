/**
 * The request queue that turns many callers' scoring requests into full model batches. Internal:
 * not API, may change without notice.
 */
@NullMarked
@CheckReturnValue
package dev.reranker.internal.batching;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
