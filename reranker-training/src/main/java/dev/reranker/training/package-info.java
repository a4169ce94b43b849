/**
 * Fine-tuning on reaction logs: read logged (dialog, reply, reaction) records ({@link
 * dev.reranker.training.ReactionLog}), split them by dialog, fine-tune the native BERT
 * cross-encoder or train the QA-LSTM baseline ({@link dev.reranker.training.RerankerTrainer}),
 * measure ({@link dev.reranker.training.BinaryMetrics}, {@link
 * dev.reranker.training.EvaluationReport}) and calibrate ({@link
 * dev.reranker.training.CalibrationFitter}) the result. The output is a checkpoint folder that
 * {@code Reranker.builder().model(path)} serves with its fitted calibration, with reranker-core
 * alone: serving never loads this module. The {@code train} and {@code eval} commands of the
 * examples jar call it.
 *
 * <p>Nothing here accepts or returns null unless marked {@code @Nullable}.
 */
@NullMarked
@CheckReturnValue
package dev.reranker.training;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
