package dev.reranker.training.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bag of words the lexical baselines share: lower-cased runs of letters and digits, counted. No
 * stemming or stop words: the baselines' IDF weighs common words down.
 */
public final class TermCounts {
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  private TermCounts() {}

  /** Returns each term of the texts with its number of occurrences. */
  public static Map<String, Integer> of(List<String> texts) {
    Map<String, Integer> counts = new HashMap<>();
    for (String text : texts) {
      Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
      while (m.find()) {
        counts.merge(m.group(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Returns each term of the text with its number of occurrences. */
  public static Map<String, Integer> of(String text) {
    return of(List.of(text));
  }

  /** Returns how many of the documents contain each term. */
  public static Map<String, Integer> documentFrequencies(Iterable<String> documents) {
    Map<String, Integer> df = new HashMap<>();
    for (String d : documents) {
      for (String term : of(d).keySet()) {
        df.merge(term, 1, Integer::sum);
      }
    }
    return df;
  }
}
