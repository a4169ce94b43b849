/**
 * Pair encoding: dialog context and reply to model inputs. Internal: not API, may change without
 * notice.
 */
@NullMarked
package dev.reranker.internal.tokenization;

import org.jspecify.annotations.NullMarked;
