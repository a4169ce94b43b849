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
 *   <li>Control, format and punctuation tests and the non-spacing-mark test use the old tables of
 *       the {@code unicode_categories} crate (Unicode 8 data: U+08E2 and U+13430 are not removed,
 *       U+166D and U+111C9 are punctuation, marks added later are not stripped, and unassigned code
 *       points are kept); NFD uses those of {@code unicode-normalization-alignments} (Unicode 10
 *       combining classes; U+11938 does not decompose). {@link UnicodeTables} holds that data,
 *       extracted from the native library by encoding every code point under each normalizer
 *       setting.
 *   <li>Lowercasing is Rust's per-char {@code char::to_lowercase} (Unicode 16): capital sigma is
 *       always U+03C3 (no final form), letters newer than Java 17's Unicode 13 are mapped, and
 *       U+0130 becomes "i" plus U+0307 (this shows only without accent stripping, whose NFD has
 *       already turned it into "I" and a dropped U+0307).
 *   <li>Whitespace is Rust's {@code char::is_whitespace} (White_Space), and clean text drops
 *       U+0000, U+FFFD and Cc/Cf/Co before mapping whitespace, so U+000B, U+000C and U+0085 vanish
 *       instead of separating words.
 *   <li>A string with a lone surrogate crosses JNI as modified UTF-8 that the native side decodes
 *       lossily: every UTF-16 surrogate unit (paired ones included) becomes three U+FFFD and every
 *       U+0000 two, which clean text then drops.
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

  private WordPieceTokenizer(
      boolean cleanText,
      boolean handleChineseChars,
      boolean stripAccents,
      boolean lowercase,
      int maxInputCharsPerWord,
      Map<String, Integer> vocab,
      String unkToken,
      String prefix,
      List<Map.Entry<String, Integer>> specialTokens) {
    this.cleanText = cleanText;
    this.handleChineseChars = handleChineseChars;
    this.stripAccents = stripAccents;
    this.lowercase = lowercase;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.unkId =
        java.util.Objects.requireNonNull(
            vocab.get(unkToken), () -> "the vocabulary has no unknown token " + unkToken);
    this.words = new VocabTable(vocab, "");
    this.continuations = new VocabTable(vocab, prefix);
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(specialTokens);
    sorted.sort(
        Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()).reversed());
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
    if (normalizer == null
        || preTokenizer == null
        || model == null
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
        if (content == null
            || content.isEmpty()
            || hasLoneSurrogate(content)
            || !isInt(t.get("id"))
            || t.get("id").getAsInt() < 0
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
    return new WordPieceTokenizer(
        clean, chinese, strip, lower, maxChars.getAsInt(), vocab, unk, prefix, specialTokens);
  }

  private static @Nullable JsonObject object(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
  }

  private static @Nullable String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? e.getAsString()
        : null;
  }

  private static @Nullable Boolean bool(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())
        ? Boolean.valueOf(e.getAsBoolean())
        : null;
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
        if (cp > Character.MAX_HIGH_SURROGATE
            || i >= to
            || !Character.isLowSurrogate(text.charAt(i))) {
          return false;
        }
        cp = Character.toCodePoint((char) cp, text.charAt(i++));
      }
      int f = UnicodeTables.flags(cp);
      if (cleanText) {
        if ((f & UnicodeTables.REMOVED) != 0) {
          continue;
        }
        if ((f & UnicodeTables.WHITESPACE) != 0) {
          cp = ' ';
        }
      }
      if (handleChineseChars && (f & UnicodeTables.CHINESE) != 0) {
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
          cp = UnicodeTables.toLowerCase(cp);
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
      int f = UnicodeTables.flags(cp);
      if ((f & UnicodeTables.NFD_RELEVANT) == 0) {
        // Decomposes to itself and has combining class 0: a boundary for canonical reordering.
        if ((f & UnicodeTables.NONSPACING_MARK) == 0) {
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
      while (j < n && (UnicodeTables.flags(a[j]) & UnicodeTables.NFD_RELEVANT) != 0) {
        survivors += UnicodeTables.survivingCombining(a[j]);
        j++;
      }
      if (survivors < 2) {
        // Canonical reordering can only move combining marks that are dropped anyway.
        for (int k = i; k < j; k++) {
          if (m + UnicodeTables.MAX_DECOMPOSITION > b.length) {
            b = s.nfd(m + UnicodeTables.MAX_DECOMPOSITION);
          }
          m = UnicodeTables.decompose(a[k], b, m);
        }
      } else {
        // Rare: two kept combining marks whose order may change. Java agrees with the Rust
        // tables on every char of this run, and the run is bounded by class-0 starters.
        String nfd = Normalizer.normalize(new String(a, i, j - i), Normalizer.Form.NFD);
        b = s.nfd(m + nfd.length());
        for (int k = 0; k < nfd.length(); ) {
          int d = nfd.codePointAt(k);
          k += Character.charCount(d);
          if ((UnicodeTables.flags(d) & UnicodeTables.NONSPACING_MARK) == 0) {
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
    int f = UnicodeTables.flags(cp);
    if ((f & UnicodeTables.WHITESPACE) != 0) {
      endWord(s);
    } else if ((f & UnicodeTables.PUNCT) != 0) {
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
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
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
        if (hashes[e] == hash
            && lengths[e] == len
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
}
