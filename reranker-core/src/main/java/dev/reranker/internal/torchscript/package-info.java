/** TorchScript modules through DJL. Internal: not API, may change without notice. */
@NullMarked
package dev.reranker.internal.torchscript;

import org.jspecify.annotations.NullMarked;
