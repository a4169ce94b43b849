/** Implementation details of the reranker. Internal: not API, may change without notice. */
@NullMarked
package dev.reranker.internal;

import org.jspecify.annotations.NullMarked;
