/**
 * The runnable Spark example, {@code java -jar reranker-examples-spark.jar --data PATH}: {@link
 * dev.reranker.examples.spark.Main} scores a reaction log with {@code reranker-spark} in Spark's
 * local mode (or under {@code spark-submit}) and prints the evaluation computed on Spark.
 */
@NullMarked
package dev.reranker.examples.spark;

import org.jspecify.annotations.NullMarked;
