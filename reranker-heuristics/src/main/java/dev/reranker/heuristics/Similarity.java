package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * When two texts count as the same reply: equal after {@linkplain #normalize normalisation}, or
 * near-duplicates whose similarity reaches {@code threshold}. Immutable and thread-safe.
 *
 * <p>Normalisation: NFKC, Unicode case folding, apostrophes and invisible format characters
 * removed, punctuation and whitespace runs collapsed to one space. So "I'm FINE!!" and "im fine"
 * are equal. Two texts that normalise to nothing (say "..." and "!!!") are equal only if their
 * trimmed NFKC forms are.
 *
 * <p>Measures, both Jaccard indices in [0, 1] of two normalised texts:
 *
 * <ul>
 *   <li>{@link Measure#TOKEN_JACCARD}: of their sets of words; ignores word order and repeats, so
 *       "how are you" and "you are how" are equal;
 *   <li>{@link Measure#CHAR_TRIGRAM}: of their sets of three-code-point substrings; forgives typos
 *       and inflections ("studying" and "study") better;
 *   <li>{@link Measure#EXACT}: 1 if the normalised texts are equal, else 0.
 * </ul>
 *
 * @param measure how similarity is measured
 * @param threshold the similarity at and above which two texts are near-duplicates, in (0, 1]; 1
 *     for {@link Measure#EXACT}
 */
public record Similarity(Measure measure, double threshold) {

  /** How two normalised texts are compared. */
  public enum Measure {
    /** Equal after normalisation. */
    EXACT,
    /** Jaccard index of the sets of words. */
    TOKEN_JACCARD,
    /** Jaccard index of the sets of character trigrams. */
    CHAR_TRIGRAM
  }

  /**
   * Creates a similarity.
   *
   * @throws NullPointerException if {@code measure} is null
   * @throws IllegalArgumentException if {@code threshold} is not in (0, 1], or is not 1 for {@link
   *     Measure#EXACT}
   */
  public Similarity {
    requireNonNull(measure, "measure");
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], but was " + threshold);
    }
    if (measure == Measure.EXACT && threshold != 1) {
      throw new IllegalArgumentException(
          "threshold must be 1 for EXACT similarity, but was " + threshold);
    }
  }

  /** Returns the similarity that matches only texts equal after normalisation. */
  public static Similarity exact() {
    return new Similarity(Measure.EXACT, 1);
  }

  /**
   * Returns word-set Jaccard similarity with this threshold.
   *
   * @throws IllegalArgumentException if {@code threshold} is not in (0, 1]
   */
  public static Similarity tokenJaccard(double threshold) {
    return new Similarity(Measure.TOKEN_JACCARD, threshold);
  }

  /**
   * Returns character-trigram Jaccard similarity with this threshold.
   *
   * @throws IllegalArgumentException if {@code threshold} is not in (0, 1]
   */
  public static Similarity charTrigram(double threshold) {
    return new Similarity(Measure.CHAR_TRIGRAM, threshold);
  }

  /**
   * Returns the normalised form of {@code text} that this class compares: NFKC, case-folded, its
   * words joined by single spaces.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public static String normalize(String text) {
    return Texts.normalize(requireNonNull(text, "text"));
  }

  /**
   * Returns how similar two texts are under this measure, in [0, 1]; 1 if they are equal after
   * normalisation.
   *
   * @throws NullPointerException if a text is null
   */
  public double score(String a, String b) {
    return score(Fingerprint.of(requireNonNull(a, "a")), Fingerprint.of(requireNonNull(b, "b")));
  }

  /**
   * Returns whether two texts are the same reply: {@link #score} at least {@link #threshold}.
   *
   * @throws NullPointerException if a text is null
   */
  public boolean matches(String a, String b) {
    return score(a, b) >= threshold;
  }

  double score(Fingerprint a, Fingerprint b) {
    if (a.sameKey(b)) {
      return 1;
    }
    if (a.isEmpty() || b.isEmpty()) {
      return 0;
    }
    switch (measure) {
      case TOKEN_JACCARD:
        return jaccard(a.wordHashes(), b.wordHashes());
      case CHAR_TRIGRAM:
        return jaccard(a.trigrams(), b.trigrams());
      case EXACT:
      default:
        return 0;
    }
  }

  boolean matches(Fingerprint a, Fingerprint b) {
    return score(a, b) >= threshold;
  }

  /** Jaccard index of two sorted arrays of distinct values. */
  private static double jaccard(long[] a, long[] b) {
    if (a.length == 0 && b.length == 0) {
      return 1;
    }
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        common++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return (double) common / (a.length + b.length - common);
  }

  /** Returns a short description for verdict reasons, such as "token-jaccard 0.83". */
  String describe(double score) {
    return String.format(Locale.ROOT, "%s %.2f", measureName(), score);
  }

  private String measureName() {
    return switch (measure) {
      case EXACT -> "exact";
      case TOKEN_JACCARD -> "token-jaccard";
      case CHAR_TRIGRAM -> "char-trigram";
    };
  }

  @Override
  public String toString() {
    return measure == Measure.EXACT ? "exact" : measureName() + ">=" + threshold;
  }
}
