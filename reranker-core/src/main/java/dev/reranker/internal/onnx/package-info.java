/** Importing the bundled ONNX model's weights. Internal: not API, may change without notice. */
@NullMarked
package dev.reranker.internal.onnx;

import org.jspecify.annotations.NullMarked;
