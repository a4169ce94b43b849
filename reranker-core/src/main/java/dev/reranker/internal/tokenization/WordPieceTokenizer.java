package dev.reranker.internal.tokenization;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A pure-Java BERT WordPiece tokenizer that gives exactly the token ids of the HuggingFace Rust
 * tokenizer ({@code tokenizers} 0.21 as shipped in DJL 0.36, called without special tokens, as
 * {@link Tokenizers#create} does) for every input string, without crossing JNI.
 *
 * <p>Pipeline, as in the Rust crate: split off special added tokens (matched in the raw text,
 * leftmost-longest); per remaining piece the {@code BertNormalizer} (clean text, space around CJK
 * ideographs, NFD and drop non-spacing marks, lowercase), the {@code BertPreTokenizer} (split on
 * whitespace, isolate punctuation) and greedy longest-match-first WordPiece.
 *
 * <p>Rust behaviour reproduced on purpose, where Java's own Unicode data would differ:
 *
 * <ul>
 *   <li>Control, format and punctuation tests and the non-spacing-mark test use the old tables
 *       of the {@code unicode_categories} crate (Unicode 8 data: U+08E2 and U+13430 are not
 *       removed, U+166D and U+111C9 are punctuation, marks added later are not stripped, and
 *       unassigned code points are kept); NFD uses those of {@code
 *       unicode-normalization-alignments} (Unicode 10 combining classes; U+11938 does not
 *       decompose). The tables below were extracted from the native library by encoding every
 *       code point under each normalizer setting.
 *   <li>Lowercasing is Rust's per-char {@code char::to_lowercase} (Unicode 16): capital sigma is
 *       always U+03C3 (no final form), letters newer than Java 17's Unicode 13 are mapped, and
 *       U+0130 becomes "i" plus U+0307 (this shows only without accent stripping, whose NFD has
 *       already turned it into "I" and a dropped U+0307).
 *   <li>Whitespace is Rust's {@code char::is_whitespace} (White_Space), and clean text drops
 *       U+0000, U+FFFD and Cc/Cf/Co before mapping whitespace, so U+000B, U+000C and U+0085
 *       vanish instead of separating words.
 *   <li>A string with a lone surrogate crosses JNI as modified UTF-8 that the native side decodes
 *       lossily: every UTF-16 surrogate unit (paired ones included) becomes three U+FFFD and
 *       every U+0000 two, which clean text then drops.
 * </ul>
 *
 * <p>Immutable and thread-safe; per-thread scratch buffers keep {@link #encode} allocation-light.
 */
public final class WordPieceTokenizer {
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final boolean cleanText;
  private final boolean handleChineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;
  private final int maxInputCharsPerWord;
  private final long unkId;
  /** The whole vocabulary: the first piece of a word is looked up as is. */
  private final VocabTable words;
  /** Vocabulary entries that start with the continuing prefix, keyed without it. */
  private final VocabTable continuations;
  /** Special added tokens, longest first, so the first match at a position is the longest. */
  private final String[] specials;
  private final long[] specialIds;
  private final BitSet specialFirstChars;

  private WordPieceTokenizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents,
      boolean lowercase, int maxInputCharsPerWord, Map<String, Integer> vocab, String unkToken,
      String prefix, List<Map.Entry<String, Integer>> specialTokens) {
    this.cleanText = cleanText;
    this.handleChineseChars = handleChineseChars;
    this.stripAccents = stripAccents;
    this.lowercase = lowercase;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.unkId = vocab.get(unkToken);
    this.words = new VocabTable(vocab, "");
    this.continuations = new VocabTable(vocab, prefix);
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(specialTokens);
    sorted.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length())
        .reversed());
    this.specials = new String[sorted.size()];
    this.specialIds = new long[sorted.size()];
    this.specialFirstChars = new BitSet();
    for (int i = 0; i < sorted.size(); i++) {
      specials[i] = sorted.get(i).getKey();
      specialIds[i] = sorted.get(i).getValue();
      specialFirstChars.set(specials[i].charAt(0));
    }
  }

  /**
   * Returns a tokenizer if {@code tokenizerJson} describes a pipeline this class reproduces
   * exactly: normalizer {@code BertNormalizer}, pre-tokenizer {@code BertPreTokenizer}, model
   * {@code WordPiece}, and added tokens (if any) that are all special, matched in the raw text
   * ({@code normalized: false}) and neither single-word nor stripping. Truncation, padding,
   * post-processor and decoder are ignored. Otherwise, or for unparsable JSON, returns empty and
   * the caller keeps the Rust tokenizer. Never throws.
   */
  public static Optional<WordPieceTokenizer> fromJson(@Nullable String tokenizerJson) {
    if (tokenizerJson == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(parse(tokenizerJson));
    } catch (RuntimeException | StackOverflowError e) {
      return Optional.empty();
    }
  }

  private static @Nullable WordPieceTokenizer parse(String json) {
    JsonElement rootElement = JsonParser.parseString(json);
    if (!rootElement.isJsonObject()) {
      return null;
    }
    JsonObject root = rootElement.getAsJsonObject();
    JsonObject normalizer = object(root, "normalizer");
    JsonObject preTokenizer = object(root, "pre_tokenizer");
    JsonObject model = object(root, "model");
    if (normalizer == null || preTokenizer == null || model == null
        || !"BertNormalizer".equals(string(normalizer, "type"))
        || !"BertPreTokenizer".equals(string(preTokenizer, "type"))
        || preTokenizer.size() != 1
        || !"WordPiece".equals(string(model, "type"))) {
      return null;
    }
    Boolean clean = bool(normalizer, "clean_text");
    Boolean chinese = bool(normalizer, "handle_chinese_chars");
    Boolean lower = bool(normalizer, "lowercase");
    if (clean == null || chinese == null || lower == null) {
      return null;
    }
    Boolean strip = lower; // strip_accents: null means "follow lowercase"
    JsonElement stripElement = normalizer.get("strip_accents");
    if (stripElement != null && !stripElement.isJsonNull()) {
      strip = bool(normalizer, "strip_accents");
      if (strip == null) {
        return null;
      }
    }
    String unk = string(model, "unk_token");
    String prefix = string(model, "continuing_subword_prefix");
    JsonElement maxChars = model.get("max_input_chars_per_word");
    JsonObject vocabJson = object(model, "vocab");
    if (unk == null || prefix == null || vocabJson == null || !isInt(maxChars)) {
      return null;
    }
    Map<String, Integer> vocab = new java.util.HashMap<>(vocabJson.size() * 2);
    for (Map.Entry<String, JsonElement> e : vocabJson.entrySet()) {
      if (!isInt(e.getValue()) || e.getValue().getAsInt() < 0) {
        return null;
      }
      vocab.put(e.getKey(), e.getValue().getAsInt());
    }
    if (!vocab.containsKey(unk)) {
      return null;
    }
    List<Map.Entry<String, Integer>> specialTokens = new ArrayList<>();
    JsonElement added = root.get("added_tokens");
    if (added != null && !added.isJsonNull()) {
      if (!added.isJsonArray()) {
        return null;
      }
      for (JsonElement element : added.getAsJsonArray()) {
        if (!element.isJsonObject()) {
          return null;
        }
        JsonObject t = element.getAsJsonObject();
        String content = string(t, "content");
        // Non-special or normalized tokens would need matching after normalization, and
        // single_word/lstrip/rstrip change the split: leave those to the Rust tokenizer.
        if (content == null || content.isEmpty() || hasLoneSurrogate(content)
            || !isInt(t.get("id")) || t.get("id").getAsInt() < 0
            || !Boolean.TRUE.equals(bool(t, "special"))
            || !Boolean.FALSE.equals(bool(t, "normalized"))
            || Boolean.TRUE.equals(bool(t, "single_word"))
            || Boolean.TRUE.equals(bool(t, "lstrip"))
            || Boolean.TRUE.equals(bool(t, "rstrip"))) {
          return null;
        }
        specialTokens.add(Map.entry(content, t.get("id").getAsInt()));
      }
    }
    return new WordPieceTokenizer(clean, chinese, strip, lower, maxChars.getAsInt(), vocab, unk,
        prefix, specialTokens);
  }

  private static @Nullable JsonObject object(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
  }

  private static @Nullable String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? e.getAsString() : null;
  }

  private static @Nullable Boolean bool(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()
        ? e.getAsBoolean() : null;
  }

  private static boolean isInt(@Nullable JsonElement e) {
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      return false;
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    double d = p.getAsDouble();
    return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE;
  }

  /** Token ids of {@code text}, without special tokens around it. */
  public long[] encode(String text) {
    Scratch s = SCRATCH.get();
    if (!encodeInto(text, s)) {
      // The Rust side would have seen the lossy decoding; it has no lone surrogate left.
      encodeInto(lossyJniDecoding(text), s);
    }
    long[] ids = Arrays.copyOf(s.ids, s.idCount);
    s.trim();
    return ids;
  }

  /** Token ids of each text, in order (see {@link #encode}). */
  public List<long[]> encodeAll(List<String> texts) {
    List<long[]> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(encode(text));
    }
    return Collections.unmodifiableList(out);
  }

  /** Returns false, having stopped early, if {@code text} holds a lone surrogate. */
  private boolean encodeInto(String text, Scratch s) {
    s.idCount = 0;
    int length = text.length();
    int segmentStart = 0;
    if (specials.length > 0) {
      for (int i = 0; i < length; ) {
        int match = specialFirstChars.get(text.charAt(i)) ? matchSpecial(text, i) : -1;
        if (match < 0) {
          i++;
          continue;
        }
        // As the Rust AddedVocabulary: a special token splits the raw text and gets its id.
        if (!encodeSegment(text, segmentStart, i, s)) {
          return false;
        }
        s.addId(specialIds[match]);
        i += specials[match].length();
        segmentStart = i;
      }
    }
    return encodeSegment(text, segmentStart, length, s);
  }

  private int matchSpecial(String text, int at) {
    for (int k = 0; k < specials.length; k++) {
      if (text.startsWith(specials[k], at)) {
        return k;
      }
    }
    return -1;
  }

  private boolean encodeSegment(String text, int from, int to, Scratch s) {
    if (from >= to) {
      return true;
    }
    // Stage 1, clean text and CJK spacing: at most three code points per input char. Buffers
    // grow with what is written, not with the worst case, so long texts cost memory in proportion.
    int[] a = s.cps(to - from + 16);
    int n = 0;
    for (int i = from; i < to; ) {
      if (n + 3 > a.length) {
        a = s.cps(n + 3);
      }
      int cp = text.charAt(i++);
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        if (cp > Character.MAX_HIGH_SURROGATE || i >= to
            || !Character.isLowSurrogate(text.charAt(i))) {
          return false;
        }
        cp = Character.toCodePoint((char) cp, text.charAt(i++));
      }
      int f = Tables.flags(cp);
      if (cleanText) {
        if ((f & Tables.REMOVED) != 0) {
          continue;
        }
        if ((f & Tables.WHITESPACE) != 0) {
          cp = ' ';
        }
      }
      if (handleChineseChars && (f & Tables.CHINESE) != 0) {
        a[n++] = ' ';
        a[n++] = cp;
        a[n++] = ' ';
      } else {
        a[n++] = cp;
      }
    }
    // Stage 2, NFD and dropping non-spacing marks.
    int[] b = a;
    int m = n;
    if (stripAccents) {
      m = stripAccents(a, n, s);
      b = s.nfd;
    }
    // Stages 3 to 5: lowercase, pre-tokenize and WordPiece, one code point at a time.
    s.wordLength = 0;
    s.wordChars = 0;
    for (int i = 0; i < m; i++) {
      int cp = b[i];
      if (lowercase) {
        if (cp < 0x80) {
          if (cp >= 'A' && cp <= 'Z') {
            cp += 'a' - 'A';
          }
        } else if (cp == 0x130) {
          // Rust's full lowercase mapping, i + combining dot above (reached without stripping).
          feed('i', s);
          cp = 0x307;
        } else {
          cp = Tables.toLowerCase(cp);
        }
      }
      feed(cp, s);
    }
    endWord(s);
    return true;
  }

  /** NFD of {@code a[0, n)} into {@code s.nfd}, without non-spacing marks; returns the length. */
  private static int stripAccents(int[] a, int n, Scratch s) {
    int[] b = s.nfd(n + 16);
    int m = 0;
    for (int i = 0; i < n; ) {
      int cp = a[i];
      int f = Tables.flags(cp);
      if ((f & Tables.NFD_RELEVANT) == 0) {
        // Decomposes to itself and has combining class 0: a boundary for canonical reordering.
        if ((f & Tables.NONSPACING_MARK) == 0) {
          if (m == b.length) {
            b = s.nfd(m + 1);
          }
          b[m++] = cp;
        }
        i++;
        continue;
      }
      int j = i;
      int survivors = 0;
      while (j < n && (Tables.flags(a[j]) & Tables.NFD_RELEVANT) != 0) {
        survivors += Tables.survivingCombining(a[j]);
        j++;
      }
      if (survivors < 2) {
        // Canonical reordering can only move combining marks that are dropped anyway.
        for (int k = i; k < j; k++) {
          if (m + Tables.MAX_DECOMPOSITION > b.length) {
            b = s.nfd(m + Tables.MAX_DECOMPOSITION);
          }
          m = Tables.decompose(a[k], b, m);
        }
      } else {
        // Rare: two kept combining marks whose order may change. Java agrees with the Rust
        // tables on every char of this run, and the run is bounded by class-0 starters.
        String nfd = Normalizer.normalize(new String(a, i, j - i), Normalizer.Form.NFD);
        b = s.nfd(m + nfd.length());
        for (int k = 0; k < nfd.length(); ) {
          int d = nfd.codePointAt(k);
          k += Character.charCount(d);
          if ((Tables.flags(d) & Tables.NONSPACING_MARK) == 0) {
            b[m++] = d;
          }
        }
      }
      i = j;
    }
    return m;
  }

  /** BertPreTokenizer: whitespace ends a word, punctuation is a word of its own. */
  private void feed(int cp, Scratch s) {
    int f = Tables.flags(cp);
    if ((f & Tables.WHITESPACE) != 0) {
      endWord(s);
    } else if ((f & Tables.PUNCT) != 0) {
      endWord(s);
      s.append(cp);
      endWord(s);
    } else {
      s.append(cp);
    }
  }

  private void endWord(Scratch s) {
    if (s.wordLength > 0) {
      wordPiece(s);
      s.wordLength = 0;
      s.wordChars = 0;
    }
  }

  /** Greedy longest-match-first; one unmatched piece makes the whole word [UNK]. */
  private void wordPiece(Scratch s) {
    if (s.wordChars > maxInputCharsPerWord) {
      s.addId(unkId);
      return;
    }
    char[] w = s.word;
    int n = s.wordLength;
    int mark = s.idCount;
    int[] hashes = s.hashes(Math.max(words.maxKeyLength, continuations.maxKeyLength) + 1);
    for (int start = 0; start < n; ) {
      VocabTable table = start == 0 ? words : continuations;
      int limit = Math.min(n, start + table.maxKeyLength);
      int h = 0;
      for (int e = start; e < limit; e++) {
        h = 31 * h + w[e];
        hashes[e - start + 1] = h;
      }
      int id = -1;
      int end = limit;
      for (; end > start; end--) {
        if (end < n && Character.isLowSurrogate(w[end]) && Character.isHighSurrogate(w[end - 1])) {
          continue; // not a char boundary in Rust
        }
        id = table.get(w, start, end - start, hashes[end - start]);
        if (id >= 0) {
          break;
        }
      }
      if (id < 0) {
        s.idCount = mark;
        s.addId(unkId);
        return;
      }
      s.addId(id);
      start = end;
    }
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the native side reads for a string with a lone surrogate: the JNI modified UTF-8 fails
   * strict decoding and is decoded with {@code String::from_utf8_lossy}, which turns each 3-byte
   * surrogate encoding into three U+FFFD and the 2-byte U+0000 encoding into two.
   */
  private static String lossyJniDecoding(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        sb.append("\uFFFD\uFFFD\uFFFD");
      } else if (c == 0) {
        sb.append("\uFFFD\uFFFD");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Open-addressing hash table from char sequences to ids; no substring is ever built. */
  private static final class VocabTable {
    private final char[] pool;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] hashes;
    private final int[] ids;
    private final int[] slots;
    private final int mask;
    final int maxKeyLength;

    /** Entries of {@code vocab} that start with {@code prefix}, keyed without it. */
    VocabTable(Map<String, Integer> vocab, String prefix) {
      List<String> keys = new ArrayList<>();
      List<Integer> values = new ArrayList<>();
      int poolSize = 0;
      int maxLength = 0;
      for (Map.Entry<String, Integer> e : vocab.entrySet()) {
        String token = e.getKey();
        if (token.length() > prefix.length() && token.startsWith(prefix)) {
          String key = token.substring(prefix.length());
          keys.add(key);
          values.add(e.getValue());
          poolSize += key.length();
          maxLength = Math.max(maxLength, key.length());
        }
      }
      int size = keys.size();
      pool = new char[poolSize];
      offsets = new int[size];
      lengths = new int[size];
      hashes = new int[size];
      ids = new int[size];
      int capacity = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
      slots = new int[capacity];
      Arrays.fill(slots, -1);
      mask = capacity - 1;
      maxKeyLength = maxLength;
      int at = 0;
      for (int i = 0; i < size; i++) {
        String key = keys.get(i);
        key.getChars(0, key.length(), pool, at);
        offsets[i] = at;
        lengths[i] = key.length();
        hashes[i] = key.hashCode(); // the same polynomial as the incremental hash in wordPiece
        ids[i] = values.get(i);
        at += key.length();
        int slot = spread(hashes[i]) & mask;
        while (slots[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = i;
      }
    }

    private static int spread(int h) {
      h *= 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    /** The id of {@code buf[off, off + len)}, whose String hash is {@code hash}, or -1. */
    int get(char[] buf, int off, int len, int hash) {
      for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
        int e = slots[slot];
        if (e < 0) {
          return -1;
        }
        if (hashes[e] == hash && lengths[e] == len
            && Arrays.equals(pool, offsets[e], offsets[e] + len, buf, off, off + len)) {
          return ids[e];
        }
      }
    }
  }

  /** Per-thread buffers, grown on demand and dropped again after unusually long texts. */
  private static final class Scratch {
    private static final int KEEP = 1 << 16;
    int[] cps = new int[256];
    int[] nfd = new int[256];
    char[] word = new char[256];
    int[] hashes = new int[64];
    long[] ids = new long[256];
    int idCount;
    int wordLength;
    int wordChars;

    /** The code point buffer with room for {@code capacity}, keeping its content. */
    int[] cps(int capacity) {
      if (cps.length < capacity) {
        cps = Arrays.copyOf(cps, Math.max(capacity, 2 * cps.length));
      }
      return cps;
    }

    /** The NFD buffer with room for {@code capacity}, keeping its content. */
    int[] nfd(int capacity) {
      if (nfd.length < capacity) {
        nfd = Arrays.copyOf(nfd, Math.max(capacity, 2 * nfd.length));
      }
      return nfd;
    }

    int[] hashes(int capacity) {
      if (hashes.length < capacity) {
        hashes = new int[capacity];
      }
      return hashes;
    }

    void append(int cp) {
      if (wordLength + 2 > word.length) {
        word = Arrays.copyOf(word, 2 * word.length);
      }
      if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
        word[wordLength++] = (char) cp;
      } else {
        word[wordLength++] = Character.highSurrogate(cp);
        word[wordLength++] = Character.lowSurrogate(cp);
      }
      wordChars++;
    }

    void addId(long id) {
      if (idCount == ids.length) {
        ids = Arrays.copyOf(ids, 2 * ids.length);
      }
      ids[idCount++] = id;
    }

    void trim() {
      if (cps.length > KEEP) {
        cps = new int[256];
      }
      if (nfd.length > KEEP) {
        nfd = new int[256];
      }
      if (word.length > KEEP) {
        word = new char[256];
      }
      if (ids.length > KEEP) {
        ids = new long[256];
      }
    }
  }

  /**
   * Character data of the Rust crates the native tokenizer uses, extracted by encoding every
   * code point through it (see the class comment); independent of the JVM's Unicode version.
   */
  private static final class Tables {
    static final int REMOVED = 1;
    static final int PUNCT = 2;
    static final int WHITESPACE = 4;
    static final int NONSPACING_MARK = 8;
    /** Has a canonical decomposition or a non-zero combining class in the Rust NFD tables. */
    static final int NFD_RELEVANT = 16;
    static final int CHINESE = 32;
    /** Non-zero combining class but not stripped: the only marks whose reordering shows. */
    static final int SURVIVING = 64;
    static final int LOWER_EXTRA = 128;
    static final int MAX_DECOMPOSITION = 4;

    /** Rust's White_Space; clean text turns these into ' ' (unless removed as controls). */
    private static final int[] WHITESPACE_CHARS = {
      0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
      0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
    };

    /** {@code is_chinese_char} in the tokenizers crate's bert.rs. */
    private static final int[] CHINESE_RANGES = {
      0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B73F, 0x2B740, 0x2B81F,
      0x2B920, 0x2CEAF, 0xF900, 0xFAFF, 0x2F800, 0x2FA1F,
    };

    /**
     * Lowercase mappings of Rust's Unicode 16 that Java 17 (Unicode 13) lacks: first, last,
     * delta.
     */
    private static final int[] LOWER_EXTRA_RANGES = {
      0x1C89, 0x1C89, 1, 0x2C2F, 0x2C2F, 0x30, 0xA7C0, 0xA7C0, 1, 0xA7CB, 0xA7CB, 0x264 - 0xA7CB,
      0xA7CC, 0xA7CC, 1, 0xA7D0, 0xA7D0, 1, 0xA7D6, 0xA7D6, 1, 0xA7D8, 0xA7D8, 1,
      0xA7DA, 0xA7DA, 1, 0xA7DC, 0xA7DC, 0x19B - 0xA7DC, 0x10570, 0x1057A, 0x27,
      0x1057C, 0x1058A, 0x27, 0x1058C, 0x10592, 0x27, 0x10594, 0x10595, 0x27,
      0x10D50, 0x10D65, 0x20,
    };

    /** Code point ranges (first, last) of {@code is_bert_punc}: ASCII punctuation or P*. */
    private static final int[] PUNCT_RANGES = {
      0x21, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E, 0xA1, 0xA1, 0xA7, 0xA7, 0xAB, 0xAB,
      0xB6, 0xB7, 0xBB, 0xBB, 0xBF, 0xBF, 0x37E, 0x37E, 0x387, 0x387, 0x55A, 0x55F, 0x589, 0x58A,
      0x5BE, 0x5BE, 0x5C0, 0x5C0, 0x5C3, 0x5C3, 0x5C6, 0x5C6, 0x5F3, 0x5F4, 0x609, 0x60A,
      0x60C, 0x60D, 0x61B, 0x61B, 0x61E, 0x61F, 0x66A, 0x66D, 0x6D4, 0x6D4, 0x700, 0x70D,
      0x7F7, 0x7F9, 0x830, 0x83E, 0x85E, 0x85E, 0x964, 0x965, 0x970, 0x970, 0xAF0, 0xAF0,
      0xDF4, 0xDF4, 0xE4F, 0xE4F, 0xE5A, 0xE5B, 0xF04, 0xF12, 0xF14, 0xF14, 0xF3A, 0xF3D,
      0xF85, 0xF85, 0xFD0, 0xFD4, 0xFD9, 0xFDA, 0x104A, 0x104F, 0x10FB, 0x10FB, 0x1360, 0x1368,
      0x1400, 0x1400, 0x166D, 0x166E, 0x169B, 0x169C, 0x16EB, 0x16ED, 0x1735, 0x1736,
      0x17D4, 0x17D6, 0x17D8, 0x17DA, 0x1800, 0x180A, 0x1944, 0x1945, 0x1A1E, 0x1A1F,
      0x1AA0, 0x1AA6, 0x1AA8, 0x1AAD, 0x1B5A, 0x1B60, 0x1BFC, 0x1BFF, 0x1C3B, 0x1C3F,
      0x1C7E, 0x1C7F, 0x1CC0, 0x1CC7, 0x1CD3, 0x1CD3, 0x2010, 0x2027, 0x2030, 0x2043,
      0x2045, 0x2051, 0x2053, 0x205E, 0x207D, 0x207E, 0x208D, 0x208E, 0x2308, 0x230B,
      0x2329, 0x232A, 0x2768, 0x2775, 0x27C5, 0x27C6, 0x27E6, 0x27EF, 0x2983, 0x2998,
      0x29D8, 0x29DB, 0x29FC, 0x29FD, 0x2CF9, 0x2CFC, 0x2CFE, 0x2CFF, 0x2D70, 0x2D70,
      0x2E00, 0x2E2E, 0x2E30, 0x2E42, 0x3001, 0x3003, 0x3008, 0x3011, 0x3014, 0x301F,
      0x3030, 0x3030, 0x303D, 0x303D, 0x30A0, 0x30A0, 0x30FB, 0x30FB, 0xA4FE, 0xA4FF,
      0xA60D, 0xA60F, 0xA673, 0xA673, 0xA67E, 0xA67E, 0xA6F2, 0xA6F7, 0xA874, 0xA877,
      0xA8CE, 0xA8CF, 0xA8F8, 0xA8FA, 0xA8FC, 0xA8FC, 0xA92E, 0xA92F, 0xA95F, 0xA95F,
      0xA9C1, 0xA9CD, 0xA9DE, 0xA9DF, 0xAA5C, 0xAA5F, 0xAADE, 0xAADF, 0xAAF0, 0xAAF1,
      0xABEB, 0xABEB, 0xFD3E, 0xFD3F, 0xFE10, 0xFE19, 0xFE30, 0xFE52, 0xFE54, 0xFE61,
      0xFE63, 0xFE63, 0xFE68, 0xFE68, 0xFE6A, 0xFE6B, 0xFF01, 0xFF03, 0xFF05, 0xFF0A,
      0xFF0C, 0xFF0F, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF20, 0xFF3B, 0xFF3D, 0xFF3F, 0xFF3F,
      0xFF5B, 0xFF5B, 0xFF5D, 0xFF5D, 0xFF5F, 0xFF65, 0x10100, 0x10102, 0x1039F, 0x1039F,
      0x103D0, 0x103D0, 0x1056F, 0x1056F, 0x10857, 0x10857, 0x1091F, 0x1091F, 0x1093F, 0x1093F,
      0x10A50, 0x10A58, 0x10A7F, 0x10A7F, 0x10AF0, 0x10AF6, 0x10B39, 0x10B3F, 0x10B99, 0x10B9C,
      0x11047, 0x1104D, 0x110BB, 0x110BC, 0x110BE, 0x110C1, 0x11140, 0x11143, 0x11174, 0x11175,
      0x111C5, 0x111C9, 0x111CD, 0x111CD, 0x111DB, 0x111DB, 0x111DD, 0x111DF, 0x11238, 0x1123D,
      0x112A9, 0x112A9, 0x114C6, 0x114C6, 0x115C1, 0x115D7, 0x11641, 0x11643, 0x1173C, 0x1173E,
      0x12470, 0x12474, 0x16A6E, 0x16A6F, 0x16AF5, 0x16AF5, 0x16B37, 0x16B3B, 0x16B44, 0x16B44,
      0x1BC9F, 0x1BC9F, 0x1DA87, 0x1DA8B,
    };

    /** Removed by clean text: U+0000, U+FFFD, Cc/Cf/Co except \t \n \r (Unicode 8). */
    private static final int[] REMOVED_RANGES = {
      0x0, 0x8, 0xB, 0xC, 0xE, 0x1F, 0x7F, 0x9F, 0xAD, 0xAD, 0x600, 0x605, 0x61C, 0x61C,
      0x6DD, 0x6DD, 0x70F, 0x70F, 0x180E, 0x180E, 0x200B, 0x200F, 0x202A, 0x202E, 0x2060, 0x2064,
      0x2066, 0x206F, 0xE000, 0xF8FF, 0xFEFF, 0xFEFF, 0xFFF9, 0xFFFB, 0xFFFD, 0xFFFD,
      0x110BD, 0x110BD, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0001, 0xE0001, 0xE0020, 0xE007F,
      0xF0000, 0xFFFFD, 0x100000, 0x10FFFD,
    };

    /** Mn of the unicode_categories crate (Unicode 8), for code points NFD leaves alone. */
    private static final int[] NONSPACING_MARK_RANGES = {
      0x300, 0x33F, 0x342, 0x342, 0x345, 0x36F, 0x483, 0x487, 0x591, 0x5BD, 0x5BF, 0x5BF,
      0x5C1, 0x5C2, 0x5C4, 0x5C5, 0x5C7, 0x5C7, 0x610, 0x61A, 0x64B, 0x65F, 0x670, 0x670,
      0x6D6, 0x6DC, 0x6DF, 0x6E4, 0x6E7, 0x6E8, 0x6EA, 0x6ED, 0x711, 0x711, 0x730, 0x74A,
      0x7A6, 0x7B0, 0x7EB, 0x7F3, 0x816, 0x819, 0x81B, 0x823, 0x825, 0x827, 0x829, 0x82D,
      0x859, 0x85B, 0x8E3, 0x902, 0x93A, 0x93A, 0x93C, 0x93C, 0x941, 0x948, 0x94D, 0x94D,
      0x951, 0x957, 0x962, 0x963, 0x981, 0x981, 0x9BC, 0x9BC, 0x9C1, 0x9C4, 0x9CD, 0x9CD,
      0x9E2, 0x9E3, 0xA01, 0xA02, 0xA3C, 0xA3C, 0xA41, 0xA42, 0xA47, 0xA48, 0xA4B, 0xA4D,
      0xA51, 0xA51, 0xA70, 0xA71, 0xA75, 0xA75, 0xA81, 0xA82, 0xABC, 0xABC, 0xAC1, 0xAC5,
      0xAC7, 0xAC8, 0xACD, 0xACD, 0xAE2, 0xAE3, 0xB01, 0xB01, 0xB3C, 0xB3C, 0xB3F, 0xB3F,
      0xB41, 0xB44, 0xB4D, 0xB4D, 0xB56, 0xB56, 0xB62, 0xB63, 0xB82, 0xB82, 0xBC0, 0xBC0,
      0xBCD, 0xBCD, 0xC00, 0xC00, 0xC3E, 0xC40, 0xC46, 0xC47, 0xC4A, 0xC4D, 0xC55, 0xC56,
      0xC62, 0xC63, 0xC81, 0xC81, 0xCBC, 0xCBC, 0xCBF, 0xCBF, 0xCC6, 0xCC6, 0xCCC, 0xCCD,
      0xCE2, 0xCE3, 0xD01, 0xD01, 0xD41, 0xD44, 0xD4D, 0xD4D, 0xD62, 0xD63, 0xDCA, 0xDCA,
      0xDD2, 0xDD4, 0xDD6, 0xDD6, 0xE31, 0xE31, 0xE34, 0xE3A, 0xE47, 0xE4E, 0xEB1, 0xEB1,
      0xEB4, 0xEB9, 0xEBB, 0xEBC, 0xEC8, 0xECD, 0xF18, 0xF19, 0xF35, 0xF35, 0xF37, 0xF37,
      0xF39, 0xF39, 0xF71, 0xF72, 0xF74, 0xF74, 0xF77, 0xF77, 0xF79, 0xF7E, 0xF80, 0xF80,
      0xF82, 0xF84, 0xF86, 0xF87, 0xF8D, 0xF92, 0xF94, 0xF97, 0xF99, 0xF9C, 0xF9E, 0xFA1,
      0xFA3, 0xFA6, 0xFA8, 0xFAB, 0xFAD, 0xFB8, 0xFBA, 0xFBC, 0xFC6, 0xFC6, 0x102D, 0x1030,
      0x1032, 0x1037, 0x1039, 0x103A, 0x103D, 0x103E, 0x1058, 0x1059, 0x105E, 0x1060,
      0x1071, 0x1074, 0x1082, 0x1082, 0x1085, 0x1086, 0x108D, 0x108D, 0x109D, 0x109D,
      0x135D, 0x135F, 0x1712, 0x1714, 0x1732, 0x1734, 0x1752, 0x1753, 0x1772, 0x1773,
      0x17B4, 0x17B5, 0x17B7, 0x17BD, 0x17C6, 0x17C6, 0x17C9, 0x17D3, 0x17DD, 0x17DD,
      0x180B, 0x180D, 0x18A9, 0x18A9, 0x1920, 0x1922, 0x1927, 0x1928, 0x1932, 0x1932,
      0x1939, 0x193B, 0x1A17, 0x1A18, 0x1A1B, 0x1A1B, 0x1A56, 0x1A56, 0x1A58, 0x1A5E,
      0x1A60, 0x1A60, 0x1A62, 0x1A62, 0x1A65, 0x1A6C, 0x1A73, 0x1A7C, 0x1A7F, 0x1A7F,
      0x1AB0, 0x1ABD, 0x1B00, 0x1B03, 0x1B34, 0x1B34, 0x1B36, 0x1B3A, 0x1B3C, 0x1B3C,
      0x1B42, 0x1B42, 0x1B6B, 0x1B73, 0x1B80, 0x1B81, 0x1BA2, 0x1BA5, 0x1BA8, 0x1BA9,
      0x1BAB, 0x1BAD, 0x1BE6, 0x1BE6, 0x1BE8, 0x1BE9, 0x1BED, 0x1BED, 0x1BEF, 0x1BF1,
      0x1C2C, 0x1C33, 0x1C36, 0x1C37, 0x1CD0, 0x1CD2, 0x1CD4, 0x1CE0, 0x1CE2, 0x1CE8,
      0x1CED, 0x1CED, 0x1CF4, 0x1CF4, 0x1CF8, 0x1CF9, 0x1DC0, 0x1DF5, 0x1DFC, 0x1DFF,
      0x20D0, 0x20DC, 0x20E1, 0x20E1, 0x20E5, 0x20F0, 0x2CEF, 0x2CF1, 0x2D7F, 0x2D7F,
      0x2DE0, 0x2DFF, 0x302A, 0x302D, 0x3099, 0x309A, 0xA66F, 0xA66F, 0xA674, 0xA67D,
      0xA69E, 0xA69F, 0xA6F0, 0xA6F1, 0xA802, 0xA802, 0xA806, 0xA806, 0xA80B, 0xA80B,
      0xA825, 0xA826, 0xA8C4, 0xA8C4, 0xA8E0, 0xA8F1, 0xA926, 0xA92D, 0xA947, 0xA951,
      0xA980, 0xA982, 0xA9B3, 0xA9B3, 0xA9B6, 0xA9B9, 0xA9BC, 0xA9BC, 0xA9E5, 0xA9E5,
      0xAA29, 0xAA2E, 0xAA31, 0xAA32, 0xAA35, 0xAA36, 0xAA43, 0xAA43, 0xAA4C, 0xAA4C,
      0xAA7C, 0xAA7C, 0xAAB0, 0xAAB0, 0xAAB2, 0xAAB4, 0xAAB7, 0xAAB8, 0xAABE, 0xAABF,
      0xAAC1, 0xAAC1, 0xAAEC, 0xAAED, 0xAAF6, 0xAAF6, 0xABE5, 0xABE5, 0xABE8, 0xABE8,
      0xABED, 0xABED, 0xFB1E, 0xFB1E, 0xFE00, 0xFE0F, 0xFE20, 0xFE2F, 0x101FD, 0x101FD,
      0x102E0, 0x102E0, 0x10376, 0x1037A, 0x10A01, 0x10A03, 0x10A05, 0x10A06, 0x10A0C, 0x10A0F,
      0x10A38, 0x10A3A, 0x10A3F, 0x10A3F, 0x10AE5, 0x10AE6, 0x11001, 0x11001, 0x11038, 0x11046,
      0x1107F, 0x11081, 0x110B3, 0x110B6, 0x110B9, 0x110BA, 0x11100, 0x11102, 0x11127, 0x1112B,
      0x1112D, 0x1112D, 0x11130, 0x11134, 0x11173, 0x11173, 0x11180, 0x11181, 0x111B6, 0x111BE,
      0x111CA, 0x111CC, 0x1122F, 0x11231, 0x11234, 0x11234, 0x11236, 0x11237, 0x112DF, 0x112DF,
      0x112E3, 0x112EA, 0x11300, 0x11301, 0x1133C, 0x1133C, 0x11340, 0x11340, 0x11366, 0x1136C,
      0x11370, 0x11374, 0x114B3, 0x114B8, 0x114BA, 0x114BA, 0x114BF, 0x114C0, 0x114C2, 0x114C3,
      0x115B2, 0x115B5, 0x115BC, 0x115BD, 0x115BF, 0x115C0, 0x115DC, 0x115DD, 0x11633, 0x1163A,
      0x1163D, 0x1163D, 0x1163F, 0x11640, 0x116AB, 0x116AB, 0x116AD, 0x116AD, 0x116B0, 0x116B5,
      0x116B7, 0x116B7, 0x1171D, 0x1171F, 0x11722, 0x11725, 0x11727, 0x1172B, 0x16AF0, 0x16AF4,
      0x16B30, 0x16B36, 0x16F8F, 0x16F92, 0x1BC9D, 0x1BC9E, 0x1D167, 0x1D169, 0x1D17B, 0x1D182,
      0x1D185, 0x1D18B, 0x1D1AA, 0x1D1AD, 0x1D242, 0x1D244, 0x1DA00, 0x1DA36, 0x1DA3B, 0x1DA6C,
      0x1DA75, 0x1DA75, 0x1DA84, 0x1DA84, 0x1DA9B, 0x1DA9F, 0x1DAA1, 0x1DAAF, 0x1E8D0, 0x1E8D6,
      0xE0100, 0xE01EF,
    };

    /** Code points with a decomposition or a non-zero combining class in the Rust NFD. */
    private static final int[] NFD_RELEVANT_RANGES = {
      0xC0, 0xC5, 0xC7, 0xCF, 0xD1, 0xD6, 0xD9, 0xDD, 0xE0, 0xE5, 0xE7, 0xEF, 0xF1, 0xF6,
      0xF9, 0xFD, 0xFF, 0x10F, 0x112, 0x125, 0x128, 0x130, 0x134, 0x137, 0x139, 0x13E, 0x143, 0x148,
      0x14C, 0x151, 0x154, 0x165, 0x168, 0x17E, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x1CD, 0x1DC,
      0x1DE, 0x1E3, 0x1E6, 0x1F0, 0x1F4, 0x1F5, 0x1F8, 0x21B, 0x21E, 0x21F, 0x226, 0x233,
      0x300, 0x34E, 0x350, 0x36F, 0x374, 0x374, 0x37E, 0x37E, 0x385, 0x38A, 0x38C, 0x38C,
      0x38E, 0x390, 0x3AA, 0x3B0, 0x3CA, 0x3CE, 0x3D3, 0x3D4, 0x400, 0x401, 0x403, 0x403,
      0x407, 0x407, 0x40C, 0x40E, 0x419, 0x419, 0x439, 0x439, 0x450, 0x451, 0x453, 0x453,
      0x457, 0x457, 0x45C, 0x45E, 0x476, 0x477, 0x483, 0x487, 0x4C1, 0x4C2, 0x4D0, 0x4D3,
      0x4D6, 0x4D7, 0x4DA, 0x4DF, 0x4E2, 0x4E7, 0x4EA, 0x4F5, 0x4F8, 0x4F9, 0x591, 0x5BD,
      0x5BF, 0x5BF, 0x5C1, 0x5C2, 0x5C4, 0x5C5, 0x5C7, 0x5C7, 0x610, 0x61A, 0x622, 0x626,
      0x64B, 0x65F, 0x670, 0x670, 0x6C0, 0x6C0, 0x6C2, 0x6C2, 0x6D3, 0x6D3, 0x6D6, 0x6DC,
      0x6DF, 0x6E4, 0x6E7, 0x6E8, 0x6EA, 0x6ED, 0x711, 0x711, 0x730, 0x74A, 0x7EB, 0x7F3,
      0x816, 0x819, 0x81B, 0x823, 0x825, 0x827, 0x829, 0x82D, 0x859, 0x85B, 0x8D4, 0x8E1,
      0x8E3, 0x8FF, 0x929, 0x929, 0x931, 0x931, 0x934, 0x934, 0x93C, 0x93C, 0x94D, 0x94D,
      0x951, 0x954, 0x958, 0x95F, 0x9BC, 0x9BC, 0x9CB, 0x9CD, 0x9DC, 0x9DD, 0x9DF, 0x9DF,
      0xA33, 0xA33, 0xA36, 0xA36, 0xA3C, 0xA3C, 0xA4D, 0xA4D, 0xA59, 0xA5B, 0xA5E, 0xA5E,
      0xABC, 0xABC, 0xACD, 0xACD, 0xB3C, 0xB3C, 0xB48, 0xB48, 0xB4B, 0xB4D, 0xB5C, 0xB5D,
      0xB94, 0xB94, 0xBCA, 0xBCD, 0xC48, 0xC48, 0xC4D, 0xC4D, 0xC55, 0xC56, 0xCBC, 0xCBC,
      0xCC0, 0xCC0, 0xCC7, 0xCC8, 0xCCA, 0xCCB, 0xCCD, 0xCCD, 0xD4A, 0xD4D, 0xDCA, 0xDCA,
      0xDDA, 0xDDA, 0xDDC, 0xDDE, 0xE38, 0xE3A, 0xE48, 0xE4B, 0xEB8, 0xEB9, 0xEC8, 0xECB,
      0xF18, 0xF19, 0xF35, 0xF35, 0xF37, 0xF37, 0xF39, 0xF39, 0xF43, 0xF43, 0xF4D, 0xF4D,
      0xF52, 0xF52, 0xF57, 0xF57, 0xF5C, 0xF5C, 0xF69, 0xF69, 0xF71, 0xF76, 0xF78, 0xF78,
      0xF7A, 0xF7D, 0xF80, 0xF84, 0xF86, 0xF87, 0xF93, 0xF93, 0xF9D, 0xF9D, 0xFA2, 0xFA2,
      0xFA7, 0xFA7, 0xFAC, 0xFAC, 0xFB9, 0xFB9, 0xFC6, 0xFC6, 0x1026, 0x1026, 0x1037, 0x1037,
      0x1039, 0x103A, 0x108D, 0x108D, 0x135D, 0x135F, 0x1714, 0x1714, 0x1734, 0x1734,
      0x17D2, 0x17D2, 0x17DD, 0x17DD, 0x18A9, 0x18A9, 0x1939, 0x193B, 0x1A17, 0x1A18,
      0x1A60, 0x1A60, 0x1A75, 0x1A7C, 0x1A7F, 0x1A7F, 0x1AB0, 0x1ABD, 0x1B06, 0x1B06,
      0x1B08, 0x1B08, 0x1B0A, 0x1B0A, 0x1B0C, 0x1B0C, 0x1B0E, 0x1B0E, 0x1B12, 0x1B12,
      0x1B34, 0x1B34, 0x1B3B, 0x1B3B, 0x1B3D, 0x1B3D, 0x1B40, 0x1B41, 0x1B43, 0x1B44,
      0x1B6B, 0x1B73, 0x1BAA, 0x1BAB, 0x1BE6, 0x1BE6, 0x1BF2, 0x1BF3, 0x1C37, 0x1C37,
      0x1CD0, 0x1CD2, 0x1CD4, 0x1CE0, 0x1CE2, 0x1CE8, 0x1CED, 0x1CED, 0x1CF4, 0x1CF4,
      0x1CF8, 0x1CF9, 0x1DC0, 0x1DF5, 0x1DFB, 0x1E99, 0x1E9B, 0x1E9B, 0x1EA0, 0x1EF9,
      0x1F00, 0x1F15, 0x1F18, 0x1F1D, 0x1F20, 0x1F45, 0x1F48, 0x1F4D, 0x1F50, 0x1F57,
      0x1F59, 0x1F59, 0x1F5B, 0x1F5B, 0x1F5D, 0x1F5D, 0x1F5F, 0x1F7D, 0x1F80, 0x1FB4,
      0x1FB6, 0x1FBC, 0x1FBE, 0x1FBE, 0x1FC1, 0x1FC4, 0x1FC6, 0x1FD3, 0x1FD6, 0x1FDB,
      0x1FDD, 0x1FEF, 0x1FF2, 0x1FF4, 0x1FF6, 0x1FFD, 0x20D0, 0x20DC, 0x20E1, 0x20E1,
      0x20E5, 0x20F0, 0x2126, 0x2126, 0x212A, 0x212B, 0x219A, 0x219B, 0x21AE, 0x21AE,
      0x21CD, 0x21CF, 0x2204, 0x2204, 0x2209, 0x2209, 0x220C, 0x220C, 0x2224, 0x2224,
      0x2226, 0x2226, 0x2241, 0x2241, 0x2244, 0x2244, 0x2247, 0x2247, 0x2249, 0x2249,
      0x2260, 0x2260, 0x2262, 0x2262, 0x226D, 0x2271, 0x2274, 0x2275, 0x2278, 0x2279,
      0x2280, 0x2281, 0x2284, 0x2285, 0x2288, 0x2289, 0x22AC, 0x22AF, 0x22E0, 0x22E3,
      0x22EA, 0x22ED, 0x2329, 0x232A, 0x2ADC, 0x2ADC, 0x2CEF, 0x2CF1, 0x2D7F, 0x2D7F,
      0x2DE0, 0x2DFF, 0x302A, 0x302F, 0x304C, 0x304C, 0x304E, 0x304E, 0x3050, 0x3050,
      0x3052, 0x3052, 0x3054, 0x3054, 0x3056, 0x3056, 0x3058, 0x3058, 0x305A, 0x305A,
      0x305C, 0x305C, 0x305E, 0x305E, 0x3060, 0x3060, 0x3062, 0x3062, 0x3065, 0x3065,
      0x3067, 0x3067, 0x3069, 0x3069, 0x3070, 0x3071, 0x3073, 0x3074, 0x3076, 0x3077,
      0x3079, 0x307A, 0x307C, 0x307D, 0x3094, 0x3094, 0x3099, 0x309A, 0x309E, 0x309E,
      0x30AC, 0x30AC, 0x30AE, 0x30AE, 0x30B0, 0x30B0, 0x30B2, 0x30B2, 0x30B4, 0x30B4,
      0x30B6, 0x30B6, 0x30B8, 0x30B8, 0x30BA, 0x30BA, 0x30BC, 0x30BC, 0x30BE, 0x30BE,
      0x30C0, 0x30C0, 0x30C2, 0x30C2, 0x30C5, 0x30C5, 0x30C7, 0x30C7, 0x30C9, 0x30C9,
      0x30D0, 0x30D1, 0x30D3, 0x30D4, 0x30D6, 0x30D7, 0x30D9, 0x30DA, 0x30DC, 0x30DD,
      0x30F4, 0x30F4, 0x30F7, 0x30FA, 0x30FE, 0x30FE, 0xA66F, 0xA66F, 0xA674, 0xA67D,
      0xA69E, 0xA69F, 0xA6F0, 0xA6F1, 0xA806, 0xA806, 0xA8C4, 0xA8C4, 0xA8E0, 0xA8F1,
      0xA92B, 0xA92D, 0xA953, 0xA953, 0xA9B3, 0xA9B3, 0xA9C0, 0xA9C0, 0xAAB0, 0xAAB0,
      0xAAB2, 0xAAB4, 0xAAB7, 0xAAB8, 0xAABE, 0xAABF, 0xAAC1, 0xAAC1, 0xAAF6, 0xAAF6,
      0xABED, 0xABED, 0xAC00, 0xD7A3, 0xF900, 0xFA0D, 0xFA10, 0xFA10, 0xFA12, 0xFA12,
      0xFA15, 0xFA1E, 0xFA20, 0xFA20, 0xFA22, 0xFA22, 0xFA25, 0xFA26, 0xFA2A, 0xFA6D,
      0xFA70, 0xFAD9, 0xFB1D, 0xFB1F, 0xFB2A, 0xFB36, 0xFB38, 0xFB3C, 0xFB3E, 0xFB3E,
      0xFB40, 0xFB41, 0xFB43, 0xFB44, 0xFB46, 0xFB4E, 0xFE20, 0xFE2F, 0x101FD, 0x101FD,
      0x102E0, 0x102E0, 0x10376, 0x1037A, 0x10A0D, 0x10A0D, 0x10A0F, 0x10A0F, 0x10A38, 0x10A3A,
      0x10A3F, 0x10A3F, 0x10AE5, 0x10AE6, 0x11046, 0x11046, 0x1107F, 0x1107F, 0x1109A, 0x1109A,
      0x1109C, 0x1109C, 0x110AB, 0x110AB, 0x110B9, 0x110BA, 0x11100, 0x11102, 0x1112E, 0x1112F,
      0x11133, 0x11134, 0x11173, 0x11173, 0x111C0, 0x111C0, 0x111CA, 0x111CA, 0x11235, 0x11236,
      0x112E9, 0x112EA, 0x1133C, 0x1133C, 0x1134B, 0x1134D, 0x11366, 0x1136C, 0x11370, 0x11374,
      0x11442, 0x11442, 0x11446, 0x11446, 0x114BB, 0x114BC, 0x114BE, 0x114BE, 0x114C2, 0x114C3,
      0x115BA, 0x115BB, 0x115BF, 0x115C0, 0x1163F, 0x1163F, 0x116B6, 0x116B7, 0x1172B, 0x1172B,
      0x11C3F, 0x11C3F, 0x16AF0, 0x16AF4, 0x16B30, 0x16B36, 0x1BC9E, 0x1BC9E, 0x1D15E, 0x1D169,
      0x1D16D, 0x1D172, 0x1D17B, 0x1D182, 0x1D185, 0x1D18B, 0x1D1AA, 0x1D1AD, 0x1D1BB, 0x1D1C0,
      0x1D242, 0x1D244, 0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024,
      0x1E026, 0x1E02A, 0x1E8D0, 0x1E8D6, 0x1E944, 0x1E94A, 0x2F800, 0x2FA1D,
    };

    /** Non-zero combining class in the Rust NFD but not Mn in unicode_categories. */
    private static final int[] SURVIVING_COMBINING_RANGES = {
      0x8D4, 0x8E1, 0x1B44, 0x1B44, 0x1BAA, 0x1BAA, 0x1BF2, 0x1BF3, 0x1DFB, 0x1DFB, 0x302E, 0x302F,
      0xA953, 0xA953, 0xA9C0, 0xA9C0, 0x111C0, 0x111C0, 0x11235, 0x11235, 0x1134D, 0x1134D,
      0x11442, 0x11442, 0x11446, 0x11446, 0x116B6, 0x116B6, 0x11C3F, 0x11C3F, 0x1D165, 0x1D166,
      0x1D16D, 0x1D172, 0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024,
      0x1E026, 0x1E02A, 0x1E944, 0x1E94A,
    };

    private static final char[] INDEX;
    private static final byte[] BLOCKS;
    private static final int[] DECOMPOSITION_KEYS;
    private static final int[][] DECOMPOSITIONS;

    static {
      byte[] all = new byte[Character.MAX_CODE_POINT + 1];
      mark(all, REMOVED_RANGES, REMOVED);
      mark(all, PUNCT_RANGES, PUNCT);
      mark(all, NONSPACING_MARK_RANGES, NONSPACING_MARK);
      mark(all, NFD_RELEVANT_RANGES, NFD_RELEVANT);
      mark(all, SURVIVING_COMBINING_RANGES, SURVIVING);
      mark(all, CHINESE_RANGES, CHINESE);
      for (int i = 0; i < LOWER_EXTRA_RANGES.length; i += 3) {
        for (int cp = LOWER_EXTRA_RANGES[i]; cp <= LOWER_EXTRA_RANGES[i + 1]; cp++) {
          all[cp] |= (byte) LOWER_EXTRA;
        }
      }
      for (int cp : WHITESPACE_CHARS) {
        all[cp] |= WHITESPACE;
      }
      // Two-level table: most 256-code-point blocks are identical (unassigned, private use).
      int blockCount = all.length >>> 8;
      INDEX = new char[blockCount];
      Map<String, Integer> distinct = new java.util.HashMap<>();
      List<byte[]> blocks = new ArrayList<>();
      for (int i = 0; i < blockCount; i++) {
        byte[] block = Arrays.copyOfRange(all, i << 8, (i + 1) << 8);
        String key = new String(block, java.nio.charset.StandardCharsets.ISO_8859_1);
        Integer at = distinct.get(key);
        if (at == null) {
          at = blocks.size();
          distinct.put(key, at);
          blocks.add(block);
        }
        INDEX[i] = (char) at.intValue();
      }
      BLOCKS = new byte[blocks.size() << 8];
      for (int i = 0; i < blocks.size(); i++) {
        System.arraycopy(blocks.get(i), 0, BLOCKS, i << 8, 256);
      }
      // Canonical decompositions from Java, which agrees with the Rust tables on every
      // NFD-relevant code point (verified for all code points); Hangul is done algorithmically.
      List<int[]> found = new ArrayList<>();
      for (int r = 0; r < NFD_RELEVANT_RANGES.length; r += 2) {
        for (int cp = NFD_RELEVANT_RANGES[r]; cp <= NFD_RELEVANT_RANGES[r + 1]; cp++) {
          if (isHangulSyllable(cp)) {
            continue;
          }
          String self = new String(Character.toChars(cp));
          String nfd = Normalizer.normalize(self, Normalizer.Form.NFD);
          if (!nfd.equals(self)) {
            int[] d = nfd.codePoints().toArray();
            int[] entry = new int[d.length + 1];
            entry[0] = cp;
            System.arraycopy(d, 0, entry, 1, d.length);
            found.add(entry);
          }
        }
      }
      int capacity = Integer.highestOneBit(found.size() * 2) << 1;
      DECOMPOSITION_KEYS = new int[capacity];
      Arrays.fill(DECOMPOSITION_KEYS, -1);
      DECOMPOSITIONS = new int[capacity][];
      for (int[] entry : found) {
        int slot = slot(entry[0]);
        while (DECOMPOSITION_KEYS[slot] >= 0) {
          slot = (slot + 1) & (capacity - 1);
        }
        DECOMPOSITION_KEYS[slot] = entry[0];
        DECOMPOSITIONS[slot] = Arrays.copyOfRange(entry, 1, entry.length);
      }
    }

    private Tables() {}

    private static void mark(byte[] all, int[] ranges, int flag) {
      for (int i = 0; i < ranges.length; i += 2) {
        for (int cp = ranges[i]; cp <= ranges[i + 1]; cp++) {
          all[cp] |= (byte) flag;
        }
      }
    }

    static int flags(int cp) {
      return BLOCKS[(INDEX[cp >>> 8] << 8) | (cp & 0xFF)] & 0xFF;
    }

    /** Rust's {@code char::to_lowercase} for every code point but U+0130 (two chars). */
    static int toLowerCase(int cp) {
      if ((flags(cp) & LOWER_EXTRA) != 0) {
        for (int i = 0; i < LOWER_EXTRA_RANGES.length; i += 3) {
          if (cp >= LOWER_EXTRA_RANGES[i] && cp <= LOWER_EXTRA_RANGES[i + 1]) {
            return cp + LOWER_EXTRA_RANGES[i + 2];
          }
        }
      }
      return Character.toLowerCase(cp);
    }

    private static boolean isHangulSyllable(int cp) {
      return cp >= 0xAC00 && cp <= 0xD7A3;
    }

    private static int slot(int cp) {
      return ((cp * 0x9E3779B9) >>> 16) & (DECOMPOSITION_KEYS.length - 1);
    }

    private static int @Nullable [] decomposition(int cp) {
      for (int slot = slot(cp); ; slot = (slot + 1) & (DECOMPOSITION_KEYS.length - 1)) {
        int key = DECOMPOSITION_KEYS[slot];
        if (key == cp) {
          return DECOMPOSITIONS[slot];
        }
        if (key < 0) {
          return null;
        }
      }
    }

    /** How many kept marks with a non-zero combining class the NFD of {@code cp} holds. */
    static int survivingCombining(int cp) {
      if (isHangulSyllable(cp)) {
        return 0;
      }
      int[] d = decomposition(cp);
      if (d == null) {
        return (flags(cp) & SURVIVING) != 0 ? 1 : 0;
      }
      int count = 0;
      for (int x : d) {
        if ((flags(x) & SURVIVING) != 0) {
          count++;
        }
      }
      return count;
    }

    /** Appends the NFD of {@code cp} minus non-spacing marks to {@code out} at {@code at}. */
    static int decompose(int cp, int[] out, int at) {
      if (isHangulSyllable(cp)) {
        int index = cp - 0xAC00;
        out[at++] = 0x1100 + index / 588;
        out[at++] = 0x1161 + (index % 588) / 28;
        if (index % 28 != 0) {
          out[at++] = 0x11A7 + index % 28;
        }
        return at;
      }
      int[] d = decomposition(cp);
      if (d == null) {
        if ((flags(cp) & NONSPACING_MARK) == 0) {
          out[at++] = cp;
        }
        return at;
      }
      for (int x : d) {
        if ((flags(x) & NONSPACING_MARK) == 0) {
          out[at++] = x;
        }
      }
      return at;
    }
  }
}
