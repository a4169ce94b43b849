package dev.reranker.internal.scoring;

import static java.util.Objects.requireNonNull;

import dev.reranker.Scorer;
import dev.reranker.Turn;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evidence an {@link dev.reranker.model.EvidenceBlend} weighs, from a bi-encoder: for each
 * pair, the reply's cosine similarity to the dialog's last turn and its highest cosine similarity
 * to one of the bot's persona facts. Each distinct text of a batch (replies, last turns, facts) is
 * embedded once, in length-sorted chunks so that short facts do not pad to a long turn.
 *
 * <p>Thread-safe: the tokenizer is immutable and the model's {@code embed} may run concurrently.
 * Closing releases the tokenizer, not the model.
 */
public final class EvidenceFeatures implements AutoCloseable {
  /** Tokens per embedded text, special tokens included (a turn or a fact is rarely longer). */
  public static final int MAX_TOKENS = 80;

  private static final int CHUNK_ROWS = 64;

  private final EncoderModel biEncoder;
  private final PairEncoder texts;

  /**
   * Creates the features of {@code biEncoder} (not owned: the caller closes it).
   *
   * @throws IllegalArgumentException if it is not a bi-encoder
   */
  public EvidenceFeatures(EncoderModel biEncoder) {
    this.biEncoder = requireNonNull(biEncoder, "biEncoder");
    if (biEncoder.kind() != ModelKind.BI_ENCODER) {
      throw new IllegalArgumentException(
          "evidence needs a bi-encoder, but got a " + biEncoder.kind());
    }
    this.texts = new PairEncoder(biEncoder.tokenizerJson(), ModelKind.BI_ENCODER, MAX_TOKENS, 1);
  }

  /**
   * Returns, per pair, {@code {cos(reply, last turn), max cos(reply, bot persona fact)}}; NaN where
   * the dialog has no non-blank last turn or no non-blank fact.
   */
  public float[][] similarities(List<Scorer.Pair> pairs) {
    Map<String, Integer> rowOf = new HashMap<>();
    List<String> unique = new ArrayList<>();
    int[] reply = new int[pairs.size()];
    int[] last = new int[pairs.size()];
    int[][] facts = new int[pairs.size()][];
    for (int i = 0; i < pairs.size(); i++) {
      Scorer.Pair p = pairs.get(i);
      reply[i] = row(p.candidate().text(), rowOf, unique);
      Optional<String> turn = p.dialog().lastTurn().map(Turn::text).filter(t -> !t.isBlank());
      last[i] = turn.isPresent() ? row(turn.get(), rowOf, unique) : -1;
      facts[i] =
          p.dialog().botPersona().stream()
              .filter(f -> !f.isBlank())
              .mapToInt(f -> row(f, rowOf, unique))
              .toArray();
    }
    float[][] vectors = embed(unique);
    float[][] out = new float[pairs.size()][2];
    for (int i = 0; i < pairs.size(); i++) {
      float[] r = vectors[reply[i]];
      out[i][0] = last[i] < 0 ? Float.NaN : dot(r, vectors[last[i]]);
      float best = Float.NaN;
      for (int f : facts[i]) {
        float c = dot(r, vectors[f]);
        best = Float.isNaN(best) ? c : Math.max(best, c);
      }
      out[i][1] = best;
    }
    return out;
  }

  private static int row(String text, Map<String, Integer> rowOf, List<String> unique) {
    String key = text.strip();
    Integer row = rowOf.get(key);
    if (row == null) {
      row = unique.size();
      rowOf.put(key, row);
      unique.add(key);
    }
    return row;
  }

  private float[][] embed(List<String> unique) {
    List<long[]> sequences = texts.sequences(unique);
    Integer[] order = new Integer[sequences.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(i -> sequences.get(i).length));
    float[][] vectors = new float[sequences.size()][];
    for (int from = 0; from < order.length; from += CHUNK_ROWS) {
      int to = Math.min(order.length, from + CHUNK_ROWS);
      long[][] ids = new long[to - from][];
      long[][] types = new long[to - from][];
      for (int k = from; k < to; k++) {
        ids[k - from] = sequences.get(order[k]);
        types[k - from] = new long[ids[k - from].length];
      }
      float[][] chunk = biEncoder.embed(TokenBatch.pad(ids, types, texts.padId()));
      for (int k = from; k < to; k++) {
        vectors[order[k]] = chunk[k - from];
      }
    }
    return vectors;
  }

  /** Returns the dot product: the cosine of two L2-normalised embeddings. */
  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  @Override
  public void close() {
    texts.close();
  }
}
