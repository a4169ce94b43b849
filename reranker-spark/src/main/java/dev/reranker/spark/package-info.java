/**
 * Scoring and evaluating reaction logs on Apache Spark: {@link dev.reranker.spark.RerankerSpark}
 * adds a reranker's P(upvote), score, verdicts and error columns to a {@code Dataset<Row>} of
 * logged (context, reply) pairs, with one reranker per executor JVM, and computes AUC, accuracy,
 * log loss, ECE, hits@1 and MRR of the scored log on the cluster:
 *
 * <pre>{@code
 * Dataset<Row> logs = spark.read().json("s3://bucket/reactions/");
 * Dataset<Row> scored = RerankerSpark.score(logs, ScoringOptions.builder().build());
 * LogEvaluation evaluation = RerankerSpark.evaluate(scored,
 *     EvaluationOptions.builder().label(EvaluationOptions.upvoted("reaction")).build());
 * }</pre>
 *
 * <p>Null is never a valid argument: methods throw {@link NullPointerException} naming it.
 */
@NullMarked
@CheckReturnValue
package dev.reranker.spark;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
