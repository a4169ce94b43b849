package dev.reranker.heuristics;

import com.google.errorprone.annotations.CanIgnoreReturnValue;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Text normalisation shared by the heuristics: NFKC, Unicode case folding, punctuation and
 * whitespace runs collapsed into single token boundaries. Never throws on odd input: lone
 * surrogates become U+FFFD, invisible format characters (zero-width spaces, bidi marks, soft
 * hyphens) vanish, combining marks stay with their base letter.
 */
final class Texts {
  private static final int REPLACEMENT = 0xFFFD;

  /** How many code points of a text a verdict reason quotes. */
  static final int QUOTE_LENGTH = 60;

  private Texts() {}

  /** Returns {@code text} with lone surrogates replaced by U+FFFD, in NFKC. */
  static String nfkc(String text) {
    boolean ascii = true;
    boolean loneSurrogate = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        ascii = false;
        if (Character.isHighSurrogate(c)) {
          if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            i++;
          } else {
            loneSurrogate = true;
          }
        } else if (Character.isLowSurrogate(c)) {
          loneSurrogate = true;
        }
      }
    }
    if (ascii) {
      return text; // NFKC leaves ASCII alone; the common case pays nothing
    }
    String clean = loneSurrogate ? replaceLoneSurrogates(text) : text;
    return Normalizer.normalize(clean, Normalizer.Form.NFKC);
  }

  private static String replaceLoneSurrogates(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      out.appendCodePoint(Character.isSurrogate((char) cp) && cp <= 0xFFFF ? REPLACEMENT : cp);
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** Folds case the Unicode way for whole strings ("Straße" and "STRASSE" fold alike). */
  static String fold(String token) {
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) >= 0x80) {
        return token.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
      }
    }
    return token.toLowerCase(Locale.ROOT);
  }

  /**
   * Splits {@code text} into words: runs of letters, digits and combining marks; each symbol
   * (emoji) and each character of a script written without spaces (Han, kana, Thai, ...) is a word
   * of its own. Punctuation and whitespace separate words; invisible format characters are dropped.
   * Apostrophes inside words are dropped too ("don't" is one word, "dont"), or with {@code
   * joinApostrophes} false separate words ("spoiler's" is "spoiler", "s").
   *
   * @param fold whether to case-fold each word
   */
  static List<String> words(String text, boolean fold, boolean joinApostrophes) {
    List<String> words = new ArrayList<>();
    scan(
        nfkc(text),
        joinApostrophes,
        fold,
        (word, unicodeFold) -> {
          String w = word.toString();
          words.add(unicodeFold ? fold(w) : w);
        });
    return words;
  }

  /** Returns the number of {@link #words} in {@code text}. */
  static int wordCount(String text) {
    return scan(nfkc(text), true, false, (word, unicodeFold) -> {});
  }

  /** Returns the normalised form of {@code text}: its folded words joined by single spaces. */
  static String normalize(String text) {
    StringBuilder key = new StringBuilder(text.length());
    scan(
        nfkc(text),
        true,
        true,
        (word, unicodeFold) -> {
          if (key.length() > 0) {
            key.append(' ');
          }
          key.append(unicodeFold ? fold(word.toString()) : word);
        });
    return key.toString();
  }

  /** Receives each word a scan finds; {@code word} is reused after the call returns. */
  @FunctionalInterface
  interface WordSink {
    /**
     * Takes a word, lower-cased if ASCII; {@code unicodeFold} says it has other characters and
     * needs {@link Texts#fold} when folding was asked for.
     */
    void word(StringBuilder word, boolean unicodeFold);
  }

  private enum Kind {
    WORD,
    SINGLE,
    MARK,
    SKIP,
    SEPARATOR
  }

  private static boolean isApostrophe(int cp) {
    // U+2019 is the usual typographic apostrophe; U+02BC the modifier letter apostrophe
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
  }

  private static final Kind[] ASCII = new Kind[0x80];

  static {
    for (int c = 0; c < 0x80; c++) {
      ASCII[c] = slowKind(c);
    }
  }

  private static Kind kind(int cp) {
    return cp < 0x80 ? ASCII[cp] : slowKind(cp);
  }

  private static Kind slowKind(int cp) {
    if (cp == '\''
        || cp == 0x2019
        || cp == 0x02BC
        || cp == 0xFE0E
        || cp == 0xFE0F) { // apostrophes; text and emoji presentation selectors
      return Kind.SKIP;
    }
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER ->
          isUnspaced(cp) ? Kind.SINGLE : Kind.WORD;
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER ->
          Kind.WORD;
      case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK ->
          Kind.MARK;
      case Character.FORMAT -> Kind.SKIP;
      case Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL,
          Character.PRIVATE_USE,
          Character.UNASSIGNED,
          Character.SURROGATE ->
          Kind.SINGLE;
      default -> Kind.SEPARATOR; // punctuation, spaces, controls
    };
  }

  private static boolean isUnspaced(int cp) {
    if (cp < 0x0E00) {
      return false; // fast path: Latin, Greek, Cyrillic, Hebrew, Arabic, Indic all use spaces
    }
    return switch (Character.UnicodeScript.of(cp)) {
      case HAN, HIRAGANA, KATAKANA, THAI, LAO, KHMER, MYANMAR, TIBETAN -> true;
      default -> false;
    };
  }

  /**
   * Scans the words of an NFKC {@code text} into {@code out}, folded if asked; returns how many.
   */
  @CanIgnoreReturnValue // callers that only want the words ignore the count
  static int scan(String text, boolean joinApostrophes, boolean fold, WordSink out) {
    int count = 0;
    StringBuilder word = new StringBuilder();
    boolean inWord = false; // the open word may grow with more letters
    boolean open = false; // a word (or single-character word) is open and takes marks
    boolean nonAscii = false; // the open word needs the full Unicode fold
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      Kind kind = !joinApostrophes && isApostrophe(cp) ? Kind.SEPARATOR : kind(cp);
      if (kind == Kind.SKIP || (kind == Kind.MARK && !open)) {
        continue; // a mark with no base carries nothing to compare
      }
      if (kind == Kind.SEPARATOR || kind == Kind.SINGLE || (kind == Kind.WORD && !inWord)) {
        if (open) {
          count += flush(word, out, fold && nonAscii);
          nonAscii = false;
        }
        open = kind != Kind.SEPARATOR;
        inWord = kind == Kind.WORD;
        if (!open) {
          continue;
        }
      }
      if (cp < 0x80) {
        word.append((char) (fold && cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
      } else {
        word.appendCodePoint(cp);
        nonAscii = true;
      }
    }
    if (open) {
      count += flush(word, out, fold && nonAscii);
    }
    return count;
  }

  private static int flush(StringBuilder word, WordSink out, boolean unicodeFold) {
    out.word(word, unicodeFold);
    word.setLength(0);
    return 1;
  }

  /**
   * Returns the question sentences of {@code text}, in NFKC: sentences end at a run of {@code . ! ?
   * …} (and their full-width forms, and the Arabic question mark) or at a line break, and a
   * sentence is a question when its run holds a question mark.
   */
  static List<String> questions(String text) {
    String s = nfkc(text);
    List<String> questions = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
        start = i + 1;
        i++;
        continue;
      }
      if (!isTerminator(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      boolean question = false;
      int end = i;
      while (end < s.length() && isTerminator(s.codePointAt(end))) {
        question |= isQuestionMark(s.codePointAt(end));
        end += Character.charCount(s.codePointAt(end));
      }
      if (question) {
        String sentence = s.substring(start, end).strip();
        if (!sentence.isEmpty()) {
          questions.add(sentence);
        }
      }
      start = end;
      i = end;
    }
    return questions;
  }

  private static boolean isTerminator(int cp) {
    return cp == '.' || cp == '!' || cp == 0x2026 || cp == 0x3002 || isQuestionMark(cp);
  }

  private static boolean isQuestionMark(int cp) {
    // NFKC has already folded the full-width and small forms into '?'
    return cp == '?' || cp == 0x061F || cp == 0x2E2E;
  }

  /**
   * Returns whether {@code text} holds nothing visible: only whitespace, control and invisible
   * format characters (zero-width space, bidi marks, BOM).
   */
  static boolean isBlank(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      boolean invisible =
          Character.isWhitespace(cp)
              || Character.isSpaceChar(cp)
              || type == Character.CONTROL
              || type == Character.FORMAT
              || cp == 0xFE0E
              || cp == 0xFE0F;
      if (!invisible) {
        return false;
      }
    }
    return true;
  }

  /** Returns {@code text} quoted, cut to {@link #QUOTE_LENGTH} code points, for verdict reasons. */
  static String quote(String text) {
    return quote(text, QUOTE_LENGTH);
  }

  /** Returns {@code text} quoted, cut to {@code max} code points, for verdict reasons. */
  static String quote(String text, int max) {
    StringBuilder collapsed = new StringBuilder();
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        space = collapsed.length() > 0;
      } else {
        if (space) {
          collapsed.append(' ');
          space = false;
        }
        collapsed.append(c);
      }
    }
    String oneLine = collapsed.toString();
    int length = oneLine.codePointCount(0, oneLine.length());
    if (length <= max) {
      return '"' + oneLine + '"';
    }
    int end = oneLine.offsetByCodePoints(0, max);
    return '"' + oneLine.substring(0, end) + "...\"";
  }
}
