package dev.reranker.jmh;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.Vocabulary;
import ai.djl.modality.nlp.bert.BertFullTokenizer;
import ai.djl.util.PairList;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.internal.tokenization.WordPieceTokenizer;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The talk's tokenizer table (BertTokenizer 2.83 s, batching 2.47 s, BertTokenizerFast 1.33 s, fast
 * batching 242 ms), on the JVM: every benchmark turns the same {@value Workload#PAIRS} (context,
 * reply) pairs of {@link Workload#standard()} into BERT pair ids ({@code [CLS] context [SEP] reply
 * [SEP]}), and one op is the whole pass. The report divides by {@value Workload#PAIRS} for pairs/s.
 *
 * <p>"Batched" means, per row:
 *
 * <ul>
 *   <li>{@code djlBertFull*}: DJL's pure-Java {@link BertFullTokenizer} has no batch API, so
 *       "batched" tokenizes each request's context once and its 20 replies one by one (the work a
 *       batch saves);
 *   <li>{@code hfRust*}: {@link HuggingFaceTokenizer#batchEncode(PairList)}, one JNI call for the
 *       20 pairs of a request, or for all 10,000 pairs at once (the talk's setting: the Rust side
 *       runs them on all cores);
 *   <li>{@code pairEncoder}, {@code pairEncoderRust}: the project's {@link PairEncoder#encode}: the
 *       context once, the 20 replies, then the padded model batch; with the pure-Java WordPiece
 *       tokenizer ({@code fastTokenizer}, the default) or with the Rust one (one call for the
 *       context, one {@code batchEncode} for the replies);
 *   <li>{@code wordPiece*}: the pure-Java {@link WordPieceTokenizer} (same ids as the Rust one),
 *       per pair or with the context once per request.
 * </ul>
 *
 * <p>Single-threaded on purpose, like the talk's table: only {@code hfRustBatchEncodeAll} (and the
 * Rust batch inside {@code pairEncoder}) may use the second core, through Rust's own thread pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Doffline=true", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class TokenizerBenchmark {
  /** Requests of the workload; a non-final field, so the JIT cannot fold it (JMH sample 10). */
  List<Workload.Request> requests;

  /** The same pairs, flattened: {@code contexts[i]} goes with {@code replies[i]}. */
  String[] contexts;

  String[] replies;
  PairList<String, String> allPairs;

  BertFullTokenizer bertFull;
  Vocabulary vocabulary;
  long cls;
  long sep;
  HuggingFaceTokenizer hf;
  PairEncoder pairEncoder;
  PairEncoder pairEncoderRust;

  /** Null while the pure-Java tokenizer cannot read the bundled tokenizer.json. */
  @Nullable WordPieceTokenizer wordPiece;

  /** Builds the workload and every tokenizer from the bundled model's tokenizer.json. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    requests = Workload.standard();
    contexts = new String[Workload.PAIRS];
    replies = new String[Workload.PAIRS];
    allPairs = new PairList<>(Workload.PAIRS);
    int i = 0;
    for (Workload.Request r : requests) {
      String context = r.context();
      for (String reply : r.replies()) {
        contexts[i] = context;
        replies[i] = reply;
        allPairs.add(context, reply);
        i++;
      }
    }
    String json = BundledModel.tokenizerJson();
    vocabulary = vocabularyOf(json);
    bertFull = new BertFullTokenizer(vocabulary, true);
    cls = vocabulary.getIndex("[CLS]");
    sep = vocabulary.getIndex("[SEP]");
    // As a user of the DJL tokenizer would: special tokens on, no truncation, no padding.
    hf =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
            Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    // 512 tokens and a 20-token reply budget: nothing in the workload is truncated.
    pairEncoder = new PairEncoder(json, ModelKind.CROSS_ENCODER, 512, 20, false, true);
    pairEncoderRust = new PairEncoder(json, ModelKind.CROSS_ENCODER, 512, 20, false, false);
    wordPiece = WordPieceTokenizer.fromJson(json).orElse(null);
    checkSameIds();
  }

  /** Every row must produce the Rust tokenizer's ids, or its time means nothing. */
  private void checkSameIds() {
    for (int i = 0; i < Workload.PAIRS; i += 97) {
      long[] expected = hf.encode(contexts[i], replies[i]).getIds();
      long[] djl = pairIds(bertFullIds(contexts[i]), bertFullIds(replies[i]));
      if (!Arrays.equals(expected, djl)) {
        throw new IllegalStateException(
            "BertFullTokenizer disagrees with the Rust tokenizer on \""
                + contexts[i]
                + "\" / \""
                + replies[i]
                + "\": "
                + Arrays.toString(djl)
                + " vs "
                + Arrays.toString(expected));
      }
      if (wordPiece != null) {
        long[] java = pairIds(wordPiece.encode(contexts[i]), wordPiece.encode(replies[i]));
        if (!Arrays.equals(expected, java)) {
          throw new IllegalStateException(
              "WordPieceTokenizer disagrees with the Rust tokenizer on"
                  + " \""
                  + contexts[i]
                  + "\" / \""
                  + replies[i]
                  + "\"");
        }
      }
    }
  }

  static Vocabulary vocabularyOf(String tokenizerJson) {
    JsonObject vocab =
        JsonParser.parseString(tokenizerJson)
            .getAsJsonObject()
            .getAsJsonObject("model")
            .getAsJsonObject("vocab");
    String[] byId = new String[vocab.size()];
    vocab.entrySet().forEach(e -> byId[e.getValue().getAsInt()] = e.getKey());
    return DefaultVocabulary.builder().add(Arrays.asList(byId)).optUnknownToken("[UNK]").build();
  }

  /** Frees the Rust tokenizers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    hf.close();
    pairEncoder.close();
    pairEncoderRust.close();
  }

  private long[] bertFullIds(String text) {
    List<String> tokens = bertFull.tokenize(text);
    long[] ids = new long[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.getIndex(tokens.get(i));
    }
    return ids;
  }

  private long[] pairIds(long[] context, long[] reply) {
    long[] ids = new long[context.length + reply.length + 3];
    ids[0] = cls;
    System.arraycopy(context, 0, ids, 1, context.length);
    ids[context.length + 1] = sep;
    System.arraycopy(reply, 0, ids, context.length + 2, reply.length);
    ids[ids.length - 1] = sep;
    return ids;
  }

  /** DJL's pure-Java BERT tokenizer, context and reply of every pair. */
  @Benchmark
  public void djlBertFullOneByOne(Blackhole bh) {
    for (int i = 0; i < contexts.length; i++) {
      bh.consume(pairIds(bertFullIds(contexts[i]), bertFullIds(replies[i])));
    }
  }

  /** DJL's pure-Java BERT tokenizer, the context once per request of 20 candidates. */
  @Benchmark
  public void djlBertFullBatched(Blackhole bh) {
    for (Workload.Request r : requests) {
      long[] context = bertFullIds(r.context());
      for (String reply : r.replies()) {
        bh.consume(pairIds(context, bertFullIds(reply)));
      }
    }
  }

  /** The HuggingFace Rust tokenizer through DJL, one {@code encode(context, reply)} per pair. */
  @Benchmark
  public void hfRustOneByOne(Blackhole bh) {
    for (int i = 0; i < contexts.length; i++) {
      bh.consume(hf.encode(contexts[i], replies[i]).getIds());
    }
  }

  /** The Rust tokenizer, one {@code batchEncode} of the 20 pairs of each request. */
  @Benchmark
  public void hfRustBatchEncodePerRequest(Blackhole bh) {
    for (Workload.Request r : requests) {
      String context = r.context();
      PairList<String, String> pairs = new PairList<>(Workload.CANDIDATES);
      for (String reply : r.replies()) {
        pairs.add(context, reply);
      }
      for (Encoding e : hf.batchEncode(pairs)) {
        bh.consume(e.getIds());
      }
    }
  }

  /** The Rust tokenizer, one {@code batchEncode} of all 10,000 pairs (the talk's batching). */
  @Benchmark
  public void hfRustBatchEncodeAll(Blackhole bh) {
    for (Encoding e : hf.batchEncode(allPairs)) {
      bh.consume(e.getIds());
    }
  }

  /**
   * The project's pair encoder as {@code Reranker} builds it by default ({@code fastTokenizer}
   * true: pure-Java WordPiece): context once per request, padded model-ready batch.
   */
  @Benchmark
  public void pairEncoder(Blackhole bh) {
    encodeAll(pairEncoder, bh);
  }

  /** The pair encoder with {@code fastTokenizer(false)}: the Rust tokenizer through JNI. */
  @Benchmark
  public void pairEncoderRust(Blackhole bh) {
    encodeAll(pairEncoderRust, bh);
  }

  private void encodeAll(PairEncoder encoder, Blackhole bh) {
    for (Workload.Request r : requests) {
      List<EncodedPair> pairs = encoder.encode(r.dialog(), r.candidates());
      TokenBatch batch = encoder.crossBatch(pairs);
      bh.consume(batch);
    }
  }

  /** The pure-Java WordPiece tokenizer, context and reply of every pair. */
  @Benchmark
  public void wordPieceOneByOne(Blackhole bh) {
    WordPieceTokenizer t = requireWordPiece();
    for (int i = 0; i < contexts.length; i++) {
      bh.consume(pairIds(t.encode(contexts[i]), t.encode(replies[i])));
    }
  }

  /** The pure-Java WordPiece tokenizer, the context once per request. */
  @Benchmark
  public void wordPieceBatched(Blackhole bh) {
    WordPieceTokenizer t = requireWordPiece();
    for (Workload.Request r : requests) {
      long[] context = t.encode(r.context());
      List<long[]> encoded = t.encodeAll(r.replies());
      for (long[] reply : encoded) {
        bh.consume(pairIds(context, reply));
      }
    }
  }

  private WordPieceTokenizer requireWordPiece() {
    if (wordPiece == null) {
      throw new IllegalStateException("WordPieceTokenizer cannot read the bundled tokenizer.json");
    }
    return wordPiece;
  }
}
