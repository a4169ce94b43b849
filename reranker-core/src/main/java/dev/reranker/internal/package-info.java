/**
 * Implementation details of the reranker. <b>Not API:</b> this package and every package under
 * {@code dev.reranker.internal} may change or go in any release without notice, even where a type
 * is public (it is public only so that the reranker's own packages and modules can reach it), as
 * with OkHttp's {@code okhttp3.internal}. No public signature of the API names a type from here:
 * {@code ApiBoundaryTest} in each module checks it; outside these packages, {@link
 * dev.reranker.Internal} marks what is public but not API.
 */
@NullMarked
package dev.reranker.internal;

import org.jspecify.annotations.NullMarked;
