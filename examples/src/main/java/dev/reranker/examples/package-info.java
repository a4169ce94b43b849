/**
 * The runnable examples ({@code java -jar reranker-examples.jar demo|rank|serve|train|eval}) and
 * the pieces a companion bot wires around a {@link dev.reranker.Reranker}: candidate sources
 * ({@link dev.reranker.examples.CandidateGenerator}, {@link dev.reranker.examples.Bm25Retriever},
 * {@link dev.reranker.examples.TemplateGenerator}), a {@link dev.reranker.examples.ReplyPipeline}
 * that gathers and reranks their candidates, and an HTTP service ({@link
 * dev.reranker.examples.RerankServer}).
 *
 * <p>Nothing here accepts or returns null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.reranker.examples;

import org.jspecify.annotations.NullMarked;
