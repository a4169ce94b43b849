package dev.reranker.heuristics;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A text prepared for comparison: its normalised key, and its word hashes and (lazily) character
 * trigrams as sorted arrays of distinct longs, so that a Jaccard index is one merge. Not
 * thread-safe; each heuristic call makes its own.
 */
final class Fingerprint {
  private final String text;
  private final String key;
  private long[] wordHashes; // sorted and deduplicated on first use
  private boolean wordHashesReady;
  private long @Nullable [] trigrams;

  private Fingerprint(String text) {
    this.text = text;
    Builder b = new Builder(text.length());
    // One pass builds the key and hashes the words, without a String per word.
    Texts.scan(Texts.nfkc(text), true, true, b);
    this.key = b.key.toString();
    this.wordHashes = Arrays.copyOf(b.hashes, b.count);
  }

  private static final class Builder implements Texts.WordSink {
    final StringBuilder key;
    long[] hashes = new long[8];
    int count;

    Builder(int capacity) {
      key = new StringBuilder(capacity);
    }

    @Override
    public void word(StringBuilder word, boolean unicodeFold) {
      if (count > 0) {
        key.append(' ');
      }
      int start = key.length();
      key.append(unicodeFold ? Texts.fold(word.toString()) : word);
      if (count == hashes.length) {
        hashes = Arrays.copyOf(hashes, count * 2);
      }
      hashes[count++] = hash(key, start, key.length());
    }
  }

  static Fingerprint of(String text) {
    return new Fingerprint(text);
  }

  /** The normalised text: folded words joined by single spaces. */
  String key() {
    return key;
  }

  /** Returns a key that tells apart texts that normalise to nothing ("..." vs "?"). */
  String exactKey() {
    return key.isEmpty() ? "\u0000" + Texts.nfkc(text).strip() : key;
  }

  boolean isEmpty() {
    return key.isEmpty();
  }

  boolean sameKey(Fingerprint other) {
    return exactKey().equals(other.exactKey());
  }

  long[] wordHashes() {
    if (!wordHashesReady) {
      wordHashes = distinctSorted(wordHashes, wordHashes.length);
      wordHashesReady = true;
    }
    return wordHashes;
  }

  /**
   * Character trigrams of the key, each packed exactly into a long (three 21-bit code points); a
   * key shorter than three code points is one gram of its own, marked by the sign bit.
   */
  long[] trigrams() {
    long[] grams = trigrams;
    if (grams == null) {
      int[] cps = key.codePoints().toArray();
      if (cps.length < 3) {
        long gram = Long.MIN_VALUE | ((long) cps.length << 50);
        for (int i = 0; i < cps.length; i++) {
          gram |= (long) cps[i] << (21 * (1 - i));
        }
        grams = cps.length == 0 ? new long[0] : new long[] {gram};
      } else {
        grams = new long[cps.length - 2];
        for (int i = 0; i < grams.length; i++) {
          grams[i] = ((long) cps[i] << 42) | ((long) cps[i + 1] << 21) | cps[i + 2];
        }
        grams = distinctSorted(grams, grams.length);
      }
      trigrams = grams;
    }
    return grams;
  }

  private static long[] distinctSorted(long[] values, int n) {
    Arrays.sort(values, 0, n);
    int out = 0;
    for (int i = 0; i < n; i++) {
      if (out == 0 || values[i] != values[out - 1]) {
        values[out++] = values[i];
      }
    }
    return out == values.length ? values : Arrays.copyOf(values, out);
  }

  /** 64-bit FNV-1a with a murmur finaliser: collisions between two words are negligible. */
  private static long hash(CharSequence s, int start, int end) {
    long h = 0xcbf29ce484222325L;
    for (int i = start; i < end; i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
