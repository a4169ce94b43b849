package dev.reranker.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Chooses the negatives of each response-selection example: its own (dataset) negatives first, up
 * to {@code k}; then replies drawn from other dialogs of the same source (corpus), so that style
 * never gives a negative away (the whole pool only when the source has too few); and, in the share
 * of the remaining slots that {@code hardShare} asks for, hard negatives mined by the model being
 * trained. The pool is the true replies of all examples, deduplicated after normalisation.
 *
 * <p>Guards against false negatives, as sentence-transformers' {@code mine_hard_negatives}: a pool
 * reply is never drawn for an example of a dialog it occurs in, nor when it is a near-duplicate of
 * the true reply (identical after lower-casing and dropping punctuation, or a token-set Jaccard
 * similarity of at least {@value #NEAR_DUPLICATE_JACCARD}); a mined candidate scored more than
 * {@code margin} above the true reply is taken for an unlabelled true reply and skipped.
 *
 * <p>Deterministic: the draws of an example in a round (an epoch) depend only on the seed, the
 * round and the example's index. Immutable after construction; thread-safe.
 */
final class NegativeSampler {
  static final double NEAR_DUPLICATE_JACCARD = 0.8;

  /**
   * One distinct pool reply: the text first seen, its token set, the dialogs and the sources
   * (corpora) it occurs in.
   */
  private record PoolReply(
      String text,
      String normalized,
      Set<String> tokens,
      Set<String> dialogs,
      Set<String> sources) {}

  private final List<SelectionExample> examples;
  private final List<PoolReply> pool;
  private final Map<String, List<PoolReply>> bySource = new HashMap<>();
  private final int negatives;
  private final double hardShare;
  private final int miningCandidates;
  private final double margin;
  private final long seed;
  private final String option;

  NegativeSampler(
      List<SelectionExample> examples,
      int negatives,
      double hardShare,
      int miningCandidates,
      double margin,
      long seed,
      String option) {
    this.examples = List.copyOf(examples);
    this.negatives = negatives;
    this.hardShare = hardShare;
    this.miningCandidates = miningCandidates;
    this.margin = margin;
    this.seed = seed;
    this.option = option;
    Map<String, PoolReply> byText = new LinkedHashMap<>();
    for (SelectionExample e : this.examples) {
      String normalized = normalize(e.reply());
      PoolReply p =
          byText.computeIfAbsent(
              normalized,
              n -> new PoolReply(e.reply(), n, tokenSet(n), new HashSet<>(), new HashSet<>()));
      p.dialogs().add(e.dialogId());
      p.sources().add(e.source());
    }
    this.pool = List.copyOf(byText.values());
    for (PoolReply p : pool) {
      for (String source : p.sources()) {
        bySource.computeIfAbsent(source, x -> new ArrayList<>()).add(p);
      }
    }
  }

  /** Returns the number of negatives per example, {@code k}. */
  int negatives() {
    return negatives;
  }

  /** Returns how many of example {@code index}'s negatives are mined: a share of the free slots. */
  int hardSlots(int index) {
    int own = Math.min(negatives, examples.get(index).negatives().size());
    return (int) Math.round(hardShare * (negatives - own));
  }

  /**
   * Returns the pool replies the model scores to mine example {@code index}'s hard negatives in
   * {@code round}: up to {@code miningCandidates} draws that pass the dialog and near-duplicate
   * guards and are none of its own negatives. Empty when it has no hard slot.
   */
  List<String> miningCandidates(int index, int round) {
    if (hardSlots(index) == 0) {
      return List.of();
    }
    SelectionExample e = examples.get(index);
    Set<String> taken = ownNormalized(e);
    return draw(e, random(index, round, 1), miningCandidates, taken, false);
  }

  /**
   * Picks the hard negatives among mined candidates: those scored at most {@code margin} above the
   * true reply, highest first, up to the example's hard slots.
   *
   * @param scores the candidates' scores, in order
   * @param trueScore the true reply's score
   */
  List<String> pickHard(int index, List<String> candidates, float[] scores, float trueScore) {
    Integer[] order = new Integer[candidates.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    List<String> hard = new ArrayList<>();
    int slots = hardSlots(index);
    for (int i : order) {
      if (hard.size() == slots) {
        break;
      }
      if (scores[i] <= trueScore + margin) {
        hard.add(candidates.get(i));
      }
    }
    return List.copyOf(hard);
  }

  /**
   * Returns example {@code index}'s {@code k} negatives for {@code round}: its own first, then
   * replies drawn from other dialogs, then {@code hard} (mined ones, possibly fewer than the hard
   * slots: random draws fill the rest).
   *
   * @throws IllegalArgumentException if the pool has too few replies from other dialogs
   */
  List<String> negatives(int index, int round, List<String> hard) {
    SelectionExample e = examples.get(index);
    List<String> own = e.negatives().subList(0, Math.min(negatives, e.negatives().size()));
    Set<String> taken = ownNormalized(e);
    List<String> mined = new ArrayList<>();
    for (String h : hard) {
      if (mined.size() < negatives - own.size() && taken.add(normalize(h))) {
        mined.add(h);
      }
    }
    int randomCount = negatives - own.size() - mined.size();
    List<String> out = new ArrayList<>(own);
    out.addAll(draw(e, random(index, round, 0), randomCount, taken, true));
    out.addAll(mined);
    return out;
  }

  /**
   * Draws up to {@code count} distinct pool replies that pass the guards, adding to {@code taken}.
   */
  private List<String> draw(
      SelectionExample e, SplittableRandom random, int count, Set<String> taken, boolean exactly) {
    List<String> out = new ArrayList<>(count);
    if (count == 0) {
      return out;
    }
    String reply = normalize(e.reply());
    Set<String> replyTokens = tokenSet(reply);
    taken.add(reply);
    // Replies of the example's own corpus first: another corpus's style alone would give a
    // negative away, and the model would learn the style instead of what fits.
    List<PoolReply> same = bySource.getOrDefault(e.source(), pool);
    int attempts = 0;
    int limit = 20 * count + 100;
    while (out.size() < count && attempts++ < limit) {
      PoolReply p = same.get(random.nextInt(same.size()));
      if (acceptable(p, e, replyTokens) && taken.add(p.normalized())) {
        out.add(p.text());
      }
    }
    // A small corpus or many rejections: scan it, then the whole pool, in a seeded order.
    for (List<PoolReply> scan : List.of(same, pool)) {
      int start = random.nextInt(scan.size());
      for (int i = 0; i < scan.size() && out.size() < count; i++) {
        PoolReply p = scan.get((start + i) % scan.size());
        if (acceptable(p, e, replyTokens) && taken.add(p.normalized())) {
          out.add(p.text());
        }
      }
    }
    if (exactly && out.size() < count) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "too few replies from other dialogs: dialog %s needs %d negatives but only %d "
                  + "distinct replies pass the guards (lower %s or add examples)",
              e.dialogId(),
              negatives,
              negatives - count + out.size(),
              option));
    }
    return out;
  }

  private static boolean acceptable(PoolReply p, SelectionExample e, Set<String> replyTokens) {
    return !p.dialogs().contains(e.dialogId()) && !nearDuplicate(p.tokens(), replyTokens);
  }

  private static Set<String> ownNormalized(SelectionExample e) {
    Set<String> taken = new HashSet<>();
    for (String n : e.negatives()) {
      taken.add(normalize(n));
    }
    return taken;
  }

  private SplittableRandom random(int index, int round, int stream) {
    long s = seed;
    s = s * 1_000_003L + round;
    s = s * 1_000_003L + index;
    s = s * 31 + stream;
    return new SplittableRandom(s);
  }

  /** Whether two replies are near-duplicates: same normalised text, or Jaccard at least 0.8. */
  static boolean nearDuplicate(String a, String b) {
    return nearDuplicate(tokenSet(normalize(a)), tokenSet(normalize(b)));
  }

  private static boolean nearDuplicate(Set<String> a, Set<String> b) {
    if (a.equals(b)) {
      return true; // identical after normalisation (two empty sets included)
    }
    int common = 0;
    for (String t : a) {
      if (b.contains(t)) {
        common++;
      }
    }
    int union = a.size() + b.size() - common;
    return union > 0 && (double) common / union >= NEAR_DUPLICATE_JACCARD;
  }

  /** Lower-cases, turns every run of non-letters and non-digits into one space, strips. */
  static String normalize(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  private static Set<String> tokenSet(String normalized) {
    return normalized.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(normalized.split(" ")));
  }
}
