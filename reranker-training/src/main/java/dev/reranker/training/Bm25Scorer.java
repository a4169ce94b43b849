package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Dialog;
import dev.reranker.training.internal.TermCounts;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The BM25 baseline of response selection: each candidate is a document scored against the query
 * (the bot's persona facts and the dialog's last turn, as {@link TfIdfScorer}), with Lucene's BM25
 * formula and IDF. Immutable and thread-safe.
 *
 * <p>IDF {@code ln(1 + (n - df + 0.5) / (df + 0.5))} and the average document length come from the
 * documents the scorer was fitted on; each distinct query term counts once. Terms are lower-cased
 * runs of letters and digits, as in {@link TfIdfScorer}.
 */
public final class Bm25Scorer implements ReplyScorer {
  /** Term-frequency saturation; Lucene's default. */
  public static final double DEFAULT_K1 = 1.2;

  /** Length normalisation; Lucene's default. */
  public static final double DEFAULT_B = 0.75;

  private final Map<String, Integer> documentFrequencies;
  private final int documents;
  private final double averageLength;
  private final double k1;
  private final double b;

  private Bm25Scorer(
      Map<String, Integer> documentFrequencies,
      int documents,
      double averageLength,
      double k1,
      double b) {
    this.documentFrequencies = documentFrequencies;
    this.documents = documents;
    this.averageLength = averageLength;
    this.k1 = k1;
    this.b = b;
  }

  /**
   * Returns a scorer with the default {@code k1} and {@code b}, fitted on these documents.
   *
   * @throws IllegalArgumentException if there are no documents
   * @throws NullPointerException if the collection or a document is null
   */
  public static Bm25Scorer fit(Collection<String> documents) {
    return fit(documents, DEFAULT_K1, DEFAULT_B);
  }

  /**
   * Returns a scorer fitted on these documents (typically the training side's replies).
   *
   * @throws IllegalArgumentException if there are no documents, {@code k1} is negative or {@code b}
   *     is outside [0, 1]
   * @throws NullPointerException if the collection or a document is null
   */
  public static Bm25Scorer fit(Collection<String> documents, double k1, double b) {
    requireNonNull(documents, "documents");
    checkArgument(!documents.isEmpty(), "documents must not be empty");
    checkArgument(k1 >= 0, "k1 must not be negative, but was %s", k1);
    checkArgument(b >= 0 && b <= 1, "b must be in [0, 1], but was %s", b);
    long length = 0;
    for (String d : documents) {
      length += TermCounts.of(d).values().stream().mapToInt(Integer::intValue).sum();
    }
    return new Bm25Scorer(
        TermCounts.documentFrequencies(documents),
        documents.size(),
        Math.max(1.0, (double) length / documents.size()),
        k1,
        b);
  }

  @Override
  public double[] score(Dialog dialog, List<String> candidates) {
    requireNonNull(dialog, "dialog");
    Map<String, Integer> query = TermCounts.of(TfIdfScorer.query(dialog));
    double[] scores = new double[candidates.size()];
    for (int i = 0; i < scores.length; i++) {
      Map<String, Integer> doc = TermCounts.of(candidates.get(i));
      int length = doc.values().stream().mapToInt(Integer::intValue).sum();
      double norm = k1 * (1 - b + b * length / averageLength);
      double s = 0;
      for (String term : query.keySet()) {
        Integer tf = doc.get(term);
        if (tf != null) {
          s += idf(term) * tf * (k1 + 1) / (tf + norm);
        }
      }
      scores[i] = s;
    }
    return scores;
  }

  private double idf(String term) {
    int df = documentFrequencies.getOrDefault(term, 0);
    return Math.log(1 + (documents - df + 0.5) / (df + 0.5));
  }

  @Override
  public String toString() {
    return "Bm25Scorer{documents=" + documents + ", k1=" + k1 + ", b=" + b + "}";
  }
}
