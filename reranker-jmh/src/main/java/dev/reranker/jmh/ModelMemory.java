package dev.reranker.jmh;

import ai.djl.Device;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.model.Quantization;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.util.List;
import java.util.Locale;

/**
 * The resident memory of the bundled model's inference forward, float32 against int8: loads {@code
 * RerankerModel.bundled()} (the dialog cross-encoder, its float32 parameters resident), then builds
 * the fast forward in the given quantization (its copies of the Linear weights: oneDNN's prepacked
 * float32 ones or fbgemm's int8 ones, the compiled TorchScript module, the load-time check on two
 * small probe batches), then runs five {@code 32x80} batches; prints how much VmRSS grew at each
 * step. Run each mode in a fresh JVM ({@code run.sh memory} does, three times each).
 *
 * <pre>
 * java -Doffline=true -cp reranker-jmh/target/benchmarks.jar dev.reranker.jmh.ModelMemory int8
 * </pre>
 */
public final class ModelMemory {
  private ModelMemory() {}

  /** Measures and prints one line; the argument is {@code none} or {@code int8}. */
  public static void main(String[] args) {
    if (args.length != 1 || !List.of("none", "int8").contains(args[0])) {
      System.err.println("usage: ModelMemory none|int8");
      System.exit(2);
    }
    Quantization quantization = Quantization.valueOf(args[0].toUpperCase(Locale.ROOT));
    TokenBatch batch = ForwardBenchmark.batches("32x80").get(0);
    long start = SparkOverhead.residentMegabytes();
    try (NativeBert bert = (NativeBert) RerankerModel.bundled().load(Device.cpu())) {
      long loaded = SparkOverhead.residentMegabytes();
      bert.quantization(quantization);
      String path = bert.prepare().path().toString();
      long built = SparkOverhead.residentMegabytes();
      for (int i = 0; i < 5; i++) {
        bert.logits(batch);
      }
      long ran = SparkOverhead.residentMegabytes();
      System.out.printf(
          Locale.ROOT,
          "%s: model loaded +%d MB; %s forward built +%d MB; five 32x80 batches +%d MB%n",
          quantization,
          loaded - start,
          path,
          built - loaded,
          ran - built);
    }
  }
}
