package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Dialog;
import dev.reranker.training.internal.TermCounts;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TF-IDF baseline of response selection: the cosine between TF-IDF vectors of the query (the
 * bot's persona facts and the dialog's last turn) and of each candidate. Immutable and thread-safe.
 *
 * <p>Terms are lower-cased runs of letters and digits; a term's weight is its count times its
 * smoothed IDF over the documents the scorer was fitted on, {@code ln((1 + n) / (1 + df)) + 1}, so
 * a term none of them holds still counts. A candidate or query without terms scores 0.
 */
public final class TfIdfScorer implements ReplyScorer {
  private final Map<String, Integer> documentFrequencies;
  private final int documents;

  private TfIdfScorer(Map<String, Integer> documentFrequencies, int documents) {
    this.documentFrequencies = documentFrequencies;
    this.documents = documents;
  }

  /**
   * Returns a scorer whose IDF comes from these documents (typically the training side's replies).
   *
   * @throws IllegalArgumentException if there are no documents
   * @throws NullPointerException if the collection or a document is null
   */
  public static TfIdfScorer fit(Collection<String> documents) {
    requireNonNull(documents, "documents");
    checkArgument(!documents.isEmpty(), "documents must not be empty");
    return new TfIdfScorer(TermCounts.documentFrequencies(documents), documents.size());
  }

  /** Returns the query the scorer matches candidates against: persona facts and the last turn. */
  static List<String> query(Dialog dialog) {
    List<String> query = new ArrayList<>(dialog.botPersona());
    dialog.lastTurn().ifPresent(t -> query.add(t.text()));
    return query;
  }

  @Override
  public double[] score(Dialog dialog, List<String> candidates) {
    requireNonNull(dialog, "dialog");
    Map<String, Double> q = vector(TermCounts.of(query(dialog)));
    double[] scores = new double[candidates.size()];
    for (int i = 0; i < scores.length; i++) {
      Map<String, Double> c = vector(TermCounts.of(candidates.get(i)));
      double dot = 0;
      for (Map.Entry<String, Double> e : c.entrySet()) {
        Double w = q.get(e.getKey());
        if (w != null) {
          dot += w * e.getValue();
        }
      }
      scores[i] = dot;
    }
    return scores;
  }

  /** A unit-length TF-IDF vector (empty for no terms). */
  private Map<String, Double> vector(Map<String, Integer> counts) {
    Map<String, Double> v = new HashMap<>();
    double norm = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      double w = e.getValue() * idf(e.getKey());
      v.put(e.getKey(), w);
      norm += w * w;
    }
    double length = Math.sqrt(norm);
    if (length > 0) {
      v.replaceAll((k, w) -> w / length);
    }
    return v;
  }

  private double idf(String term) {
    int df = documentFrequencies.getOrDefault(term, 0);
    return Math.log((1.0 + documents) / (1.0 + df)) + 1;
  }

  @Override
  public String toString() {
    return "TfIdfScorer{documents=" + documents + ", terms=" + documentFrequencies.size() + "}";
  }
}
