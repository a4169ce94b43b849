/** JMH benchmarks of the reranker: tokenizer and throughput tables, with peers in the same run. */
package dev.reranker.jmh;
