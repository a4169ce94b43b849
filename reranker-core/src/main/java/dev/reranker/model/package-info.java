/**
 * Models: where they come from ({@link dev.reranker.model.RerankerModel}: the bundled
 * all-MiniLM-L6-v2, HuggingFace checkpoint folders, TorchScript), their sizes ({@link
 * dev.reranker.model.BertConfig}, {@link dev.reranker.model.BaselineConfig} for the QA-LSTM
 * baseline) and the loaded encoder ({@link dev.reranker.model.EncoderModel}).
 */
@NullMarked
@CheckReturnValue
package dev.reranker.model;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
