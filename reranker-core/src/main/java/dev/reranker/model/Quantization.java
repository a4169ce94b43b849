package dev.reranker.model;

/**
 * How the native BERT's Linear layers compute on the CPU.
 *
 * <p>{@link #INT8} trades a little accuracy for speed and memory: see README's "Quantization" for
 * the measured cost on the shipped model.
 */
public enum Quantization {
  /** Float32 products (the default). */
  NONE,
  /**
   * Dynamic int8 products for every Linear layer of the encoder ({@code quantized::linear_dynamic},
   * fbgemm's kernels): weights quantized per output channel once at load, activations per batch;
   * embeddings, attention, LayerNorm and the heads stay float32. CPU and float32 models only, on
   * x86 CPUs with AVX2 or newer; elsewhere the model keeps float32 and logs why once.
   */
  INT8
}
