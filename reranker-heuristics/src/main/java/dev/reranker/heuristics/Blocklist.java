package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Words, phrases and regular expressions a reply must not contain, for {@link
 * Heuristics#blocklist(Blocklist)}. Immutable and thread-safe. The library ships no list: bring
 * your own.
 *
 * <p>Matching: words and phrases match whole words only, after NFKC and Unicode case folding, so
 * the word "Darn" matches "darn!", "DARN" and "darn's", but not "darning" or "darns" (an apostrophe
 * ends a word here). Phrases match their words in order with any punctuation or whitespace between
 * them ("kill switch" matches "Kill-switch" and "kill switch"). Zero-width and other invisible
 * characters inside a word are ignored, so they cannot hide one. In scripts written without spaces
 * (Chinese, Japanese, Thai) each character is a word, so an entry there matches wherever its
 * characters appear in a row. Regular expressions are searched in the NFKC form of the reply,
 * case-insensitively (Unicode case) unless they turn that off with {@code (?-i)}.
 *
 * <pre>{@code
 * Blocklist spoilers = Blocklist.builder()
 *     .name("spoilers")
 *     .word("spoiler")
 *     .phrase("the ending is")
 *     .regex("season \\d+ finale")
 *     .build();
 * }</pre>
 */
public final class Blocklist {
  private final String name;
  private final Map<String, Entry> singles;
  private final Map<String, List<Sequence>> sequences;
  private final List<Entry> regexes;
  private final int size;

  private record Entry(String kind, String text, @Nullable Pattern pattern) {}

  private record Sequence(List<String> words, Entry entry) {}

  private Blocklist(Builder b) {
    this.name = b.name;
    Map<String, Entry> singles = new HashMap<>();
    Map<String, List<Sequence>> sequences = new HashMap<>();
    List<Entry> regexes = new ArrayList<>();
    for (Map.Entry<String, Entry> e : b.entries.entrySet()) {
      Entry entry = e.getValue();
      if (entry.pattern() != null) {
        regexes.add(entry);
        continue;
      }
      List<String> words = Texts.words(entry.text(), true, false);
      if (words.size() == 1) {
        singles.putIfAbsent(words.get(0), entry);
      } else {
        sequences
            .computeIfAbsent(words.get(0), k -> new ArrayList<>())
            .add(new Sequence(List.copyOf(words), entry));
      }
    }
    this.singles = Map.copyOf(singles);
    sequences.replaceAll((k, v) -> List.copyOf(v));
    this.sequences = Map.copyOf(sequences);
    this.regexes = List.copyOf(regexes);
    this.size = b.entries.size();
  }

  /** Returns a builder for a blocklist named {@value Heuristics#BLOCKLIST}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the heuristic name its verdicts carry. */
  public String name() {
    return name;
  }

  /**
   * Returns the first entry found in {@code text} (a word or phrase first, then a regex), as it was
   * added, or empty.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public Optional<String> firstMatch(String text) {
    Entry entry = find(requireNonNull(text, "text"));
    return entry == null ? Optional.empty() : Optional.of(entry.text());
  }

  /** Returns the reason to drop {@code text}, or null if it contains no entry. */
  @Nullable String reason(String text) {
    Entry entry = find(text);
    return entry == null ? null : "contains blocked " + entry.kind() + " '" + entry.text() + "'";
  }

  private @Nullable Entry find(String text) {
    if (!singles.isEmpty() || !sequences.isEmpty()) {
      List<String> words = Texts.words(text, true, false);
      for (int i = 0; i < words.size(); i++) {
        String word = words.get(i);
        Entry single = singles.get(word);
        if (single != null) {
          return single;
        }
        List<Sequence> starting = sequences.get(word);
        if (starting != null) {
          for (Sequence s : starting) {
            if (startsAt(words, i, s.words())) {
              return s.entry();
            }
          }
        }
      }
    }
    if (!regexes.isEmpty()) {
      String nfkc = Texts.nfkc(text);
      for (Entry e : regexes) {
        Matcher m = requireNonNull(e.pattern()).matcher(nfkc);
        if (m.find()) {
          return e;
        }
      }
    }
    return null;
  }

  private static boolean startsAt(List<String> words, int at, List<String> sequence) {
    if (at + sequence.size() > words.size()) {
      return false;
    }
    for (int j = 1; j < sequence.size(); j++) {
      if (!words.get(at + j).equals(sequence.get(j))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    // Entries stay out of logs: a blocklist is often a list of words nobody wants to read.
    return name + "{entries=" + size + "}";
  }

  /** Builds a {@link Blocklist}; reusable after {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private String name = Heuristics.BLOCKLIST;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the heuristic name in verdicts, to tell several blocklists apart. Default {@value
     * Heuristics#BLOCKLIST}.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    @CanIgnoreReturnValue
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /**
     * Adds a word, matched whole ("darn" matches "Darn!" but not "darning").
     *
     * @throws IllegalArgumentException if {@code word} is blank, contains whitespace, or has no
     *     letter, digit or symbol
     */
    @CanIgnoreReturnValue
    public Builder word(String word) {
      requireNonNull(word, "word");
      String stripped = word.strip();
      checkWords("word", word);
      for (int i = 0; i < stripped.length(); i++) {
        if (Character.isWhitespace(stripped.charAt(i))
            || Character.isSpaceChar(stripped.charAt(i))) {
          throw new IllegalArgumentException(
              "blocklist word must be a single word, but was '" + word + "'; add it as a phrase");
        }
      }
      entries.putIfAbsent("w:" + stripped, new Entry("word", stripped, null));
      return this;
    }

    /**
     * Adds each of {@code words}, as {@link #word}.
     *
     * @throws IllegalArgumentException as {@link #word} does, naming the bad entry
     */
    @CanIgnoreReturnValue
    public Builder words(Iterable<String> words) {
      requireNonNull(words, "words");
      int i = 0;
      for (String w : words) {
        word(requireNonNull(w, "words[" + i + "]"));
        i++;
      }
      return this;
    }

    /**
     * Adds a phrase: its words in order, whole, with any punctuation or whitespace between them.
     *
     * @throws IllegalArgumentException if {@code phrase} is blank or has no letter, digit or symbol
     */
    @CanIgnoreReturnValue
    public Builder phrase(String phrase) {
      requireNonNull(phrase, "phrase");
      checkWords("phrase", phrase);
      String stripped = phrase.strip();
      entries.putIfAbsent("p:" + stripped, new Entry("phrase", stripped, null));
      return this;
    }

    /**
     * Adds a regular expression, searched case-insensitively in the reply's NFKC form.
     *
     * @throws IllegalArgumentException if {@code regex} is empty or does not compile; the message
     *     names it
     */
    @CanIgnoreReturnValue
    public Builder regex(String regex) {
      requireNonNull(regex, "regex");
      if (regex.isEmpty()) {
        throw new IllegalArgumentException("blocklist regex must not be empty, but was ''");
      }
      Pattern p =
          Heuristics.compile("blocklist", regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      entries.putIfAbsent("r:" + regex, new Entry("pattern", regex, p));
      return this;
    }

    /**
     * Returns the blocklist.
     *
     * @throws IllegalStateException if no entry was added
     */
    public Blocklist build() {
      if (entries.isEmpty()) {
        throw new IllegalStateException("add a word, phrase or regex before build()");
      }
      return new Blocklist(this);
    }

    private static void checkWords(String kind, String entry) {
      if (entry.isBlank()) {
        throw new IllegalArgumentException(
            "blocklist " + kind + " must not be blank, but was '" + entry + "'");
      }
      if (Texts.wordCount(entry) == 0) {
        throw new IllegalArgumentException(
            "blocklist "
                + kind
                + " must contain a letter, digit or symbol, but was '"
                + entry
                + "'");
      }
    }

    /** Lists the name and how many entries there are, never the entries. */
    @Override
    public String toString() {
      return name + "{entries=" + entries.size() + "}";
    }
  }
}
