/** Built-in heuristics: filters and score adjusters for reranked replies. */
package dev.reranker.heuristics;
