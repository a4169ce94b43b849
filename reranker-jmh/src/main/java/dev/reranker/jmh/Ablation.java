package dev.reranker.jmh;

import dev.reranker.Reranker;
import dev.reranker.model.Quantization;
import java.time.Duration;
import java.util.Locale;

/**
 * The talk's RPS table as a cumulative ablation of {@link Reranker.Builder} settings: every row
 * keeps the changes of the rows above it and adds one.
 *
 * <table>
 *   <caption>rows</caption>
 *   <tr><th>row</th><th>adds</th><th>the talk</th></tr>
 *   <tr><td>{@code seq128-fixed-nobatch}</td><td>maxSeqLen 128, fixedPadding, batchSize 1,
 *       maxBatchDelay 0, no length grouping</td><td>20 RPS</td></tr>
 *   <tr><td>{@code seq80}</td><td>maxSeqLen 80</td><td>30</td></tr>
 *   <tr><td>{@code graph-opt}</td><td>system property {@code ai.djl.pytorch.graph_optimizer}
 *       true (false above)</td><td>35 (XLA)</td></tr>
 *   <tr><td>{@code amp}</td><td>mixedPrecision(true)</td><td>60</td></tr>
 *   <tr><td>{@code batch32}</td><td>batchSize 32, maxBatchDelay 5 ms</td><td>80</td></tr>
 *   <tr><td>{@code fast-encoder}</td><td>fastTokenizer(true): the pure-Java WordPiece
 *       tokenizer inside the pair encoder (false above: the Rust tokenizer through JNI)</td>
 *       <td>150</td></tr>
 *   <tr><td>{@code dynamic-padding-grouping}</td><td>fixedPadding false,
 *       lengthGroupingWindow 4</td><td>160 (refactoring)</td></tr>
 *   <tr><td>{@code two-workers}</td><td>workersPerDevice 2: two batches at once on the CPU,
 *       sharing one model</td><td>(not in the talk)</td></tr>
 *   <tr><td>{@code int8}</td><td>quantization(INT8): dynamic int8 Linear layers</td>
 *       <td>(not in the talk)</td></tr>
 * </table>
 *
 * <p>Two rows change nothing on this build's CPU, which is why {@code run.sh full} skips them (the
 * report marks them "same configuration as the row above"; {@code -p config=...} measures them
 * anyway):
 *
 * <ul>
 *   <li>{@code graph-opt}: DJL 0.36 reads {@code ai.djl.pytorch.graph_optimizer} only in {@code
 *       PtSymbolBlock.forward}, i.e. for TorchScript modules, where it toggles libtorch's profiling
 *       graph executor. The native BERT is an eager DJL block (one JNI call per NDArray op, no
 *       TorchScript graph), so the flag reaches no code path of it. There is no XLA for DJL's
 *       PyTorch engine.
 *   <li>{@code amp}: {@code Reranker} keeps float32 on a CPU device and logs why (bf16 arrays abort
 *       DJL 0.36's PyTorch engine; fp16 is measured by {@link HalfPrecisionBenchmark}).
 * </ul>
 */
public enum Ablation {
  SEQ128_FIXED_NOBATCH,
  SEQ80,
  GRAPH_OPT,
  AMP,
  BATCH32,
  FAST_ENCODER,
  DYNAMIC_PADDING_GROUPING,
  TWO_WORKERS,
  INT8;

  /** The DJL system property the {@code graph-opt} row sets. */
  public static final String GRAPH_OPTIMIZER_PROPERTY = "ai.djl.pytorch.graph_optimizer";

  /** Returns the row's name as the JMH parameter spells it, e.g. {@code batch32}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a JMH parameter value. */
  public static Ablation of(String label) {
    for (Ablation a : values()) {
      if (a.label().equals(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown ablation row " + label);
  }

  /** Returns whether the row changes nothing over the row above it on a CPU. */
  public boolean sameAsPreviousOnCpu() {
    return this == GRAPH_OPT || this == AMP;
  }

  /** Returns the largest sequence length of the row. */
  public int maxSeqLen() {
    return atLeast(SEQ80) ? 80 : 128;
  }

  /** Sets this row's options, and those of every row above it, on {@code builder}. */
  public Reranker.Builder apply(Reranker.Builder builder) {
    // Set before the model loads; only TorchScript modules read it (see the class comment).
    System.setProperty(GRAPH_OPTIMIZER_PROPERTY, Boolean.toString(atLeast(GRAPH_OPT)));
    return builder
        .maxSeqLen(maxSeqLen())
        .fixedPadding(!atLeast(DYNAMIC_PADDING_GROUPING))
        .lengthGroupingWindow(atLeast(DYNAMIC_PADDING_GROUPING) ? 4 : 1)
        .mixedPrecision(atLeast(AMP))
        .fastTokenizer(atLeast(FAST_ENCODER))
        .batchSize(atLeast(BATCH32) ? 32 : 1)
        .maxBatchDelay(atLeast(BATCH32) ? Duration.ofMillis(5) : Duration.ZERO)
        .workersPerDevice(atLeast(TWO_WORKERS) ? 2 : 1)
        .quantization(atLeast(INT8) ? Quantization.INT8 : Quantization.NONE);
  }

  /** Whether this row comes at or after {@code row}: each row keeps the levers above it. */
  private boolean atLeast(Ablation row) {
    return compareTo(row) >= 0;
  }
}
