package dev.reranker.jmh;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.tokenization.Tokenizers;
import dev.reranker.internal.tokenization.WordPieceTokenizer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why the Rust tokenizer through DJL loses to pure Java on short chat texts: the cost of one call.
 *
 * <p>{@link HuggingFaceTokenizer#encode(String, boolean, boolean)} crosses JNI 11 times per text:
 * {@code encode}, then one getter per field of the {@code Encoding} (ids, type ids, tokens as a
 * fresh {@code String[]}, word ids, sequence ids, attention mask, special-token mask, char spans as
 * fresh {@code CharSpan} objects, overflow count) and {@code deleteEncoding}; each getter copies a
 * Rust vector into a new Java array. {@code hfIdsOnly} calls the same native library with the 3
 * crossings a caller that wants ids needs ({@code encode}, {@code getTokenIds}, {@code
 * deleteEncoding}); the difference is what the 8 other crossings and their copies cost. {@code
 * wordPiece} is the pure-Java tokenizer on the same text: no crossing at all.
 *
 * <p>Texts: {@code short} is a 3-token reply ("ok", "lol yes"-like, where the fixed cost
 * dominates), {@code reply} the workload's median reply, {@code context} its median context.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx1g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@State(Scope.Benchmark)
public class TokenizerJniBenchmark {
  /** Which text to tokenize. */
  @Param({"short", "reply", "context"})
  public String text;

  /** The text itself; non-final so the JIT cannot fold it (JMH sample 10). */
  String input;

  HuggingFaceTokenizer hf;
  long handle;
  @Nullable WordPieceTokenizer wordPiece;

  /** Picks the text from the workload and builds both tokenizers. */
  @Setup(Level.Trial)
  public void setUp() {
    List<Workload.Request> requests = Workload.standard();
    input =
        switch (text) {
          case "short" -> "lol yes !";
          case "reply" -> median(requests.stream().flatMap(r -> r.replies().stream()).toList());
          case "context" -> median(requests.stream().map(Workload.Request::context).toList());
          default -> throw new IllegalArgumentException("unknown text " + text);
        };
    String json = BundledModel.tokenizerJson();
    hf = Tokenizers.create(json, BundledModel.TOKENIZER_RESOURCE);
    handle = hf.getHandle();
    // Null while the pure-Java tokenizer cannot read this tokenizer.json: its row then fails.
    wordPiece = WordPieceTokenizer.fromJson(json).orElse(null);
  }

  private static String median(List<String> texts) {
    return texts.stream()
        .sorted(java.util.Comparator.comparingInt(String::length))
        .toList()
        .get(texts.size() / 2);
  }

  /** Frees the Rust tokenizer. */
  @TearDown(Level.Trial)
  public void tearDown() {
    hf.close();
  }

  /** DJL's public API: 11 JNI crossings and 9 array copies per text. */
  @Benchmark
  public long[] hfEncode() {
    return hf.encode(input, false, false).getIds();
  }

  /** The same native tokenizer, only the 3 crossings that fetching ids needs. */
  @Benchmark
  public long[] hfIdsOnly() {
    TokenizersLibrary lib = TokenizersLibrary.LIB;
    long encoding = lib.encode(handle, input, false);
    try {
      return lib.getTokenIds(encoding);
    } finally {
      lib.deleteEncoding(encoding);
    }
  }

  /** Pure Java, no crossing: the same ids. */
  @Benchmark
  public long[] wordPiece() {
    if (wordPiece == null) {
      throw new IllegalStateException("WordPieceTokenizer cannot read the bundled tokenizer.json");
    }
    return wordPiece.encode(input);
  }
}
