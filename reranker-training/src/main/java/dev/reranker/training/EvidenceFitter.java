package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Calibration;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.Scorer;
import dev.reranker.internal.scoring.EvidenceFeatures;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.EvidenceBlend;
import dev.reranker.model.RerankerModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Fits the {@link EvidenceBlend} of a cross-encoder: the weights of its upvote logit and of the
 * all-MiniLM-L6-v2 bi-encoder's similarities (reply to last turn, reply to the closest bot persona
 * fact) that rank each group's true reply first most often, by a listwise softmax cross-entropy
 * over the groups (convex in the weights; Adam on standardised features, 1,500 full-batch steps, L2
 * 1e-3, deterministic). Features come from the serving path: the cross-encoder through a {@link
 * Reranker} with the blend off, the similarities through the code the blend serves with.
 *
 * <p>Holds both models open: close it.
 */
public final class EvidenceFitter implements AutoCloseable {
  private static final int STEPS = 1500;
  private static final double LEARNING_RATE = 0.05;
  private static final double L2 = 1e-3;
  private static final int CHUNK_PAIRS = 512;
  private static final int CHUNK_QUEUED = 50_000; // half the reranker's maxQueuedPairs

  private final Reranker crossEncoder;
  private final EncoderModel biEncoder;
  private final EvidenceFeatures features;

  private EvidenceFitter(Reranker crossEncoder, EncoderModel biEncoder) {
    this.crossEncoder = crossEncoder;
    this.biEncoder = biEncoder;
    this.features = new EvidenceFeatures(biEncoder);
  }

  /**
   * Loads the cross-encoder {@code model} (its own blend, if any, off) and the bi-encoder.
   *
   * @throws dev.reranker.model.ModelLoadException if either cannot be loaded
   */
  public static EvidenceFitter open(RerankerModel model) {
    requireNonNull(model, "model");
    Reranker reranker =
        Reranker.builder()
            .model(model)
            .evidence(false)
            .calibration(Calibration.SIGMOID)
            .maxQueuedPairs(100_000)
            .build();
    try {
      EncoderModel bi = RerankerModel.miniLmBiEncoder().load();
      return new EvidenceFitter(reranker, bi);
    } catch (RuntimeException | Error e) {
      reranker.close();
      throw e;
    }
  }

  /**
   * Returns the evidence of each group's pairs: {@code [group][candidate] = {cross-encoder logit,
   * cos(reply, last turn), max cos(reply, persona fact)}}, NaN where a dialog has no turn or no
   * persona fact.
   *
   * @throws IllegalArgumentException if the lists differ in size or a candidate list is empty
   */
  public List<float[][]> features(List<Dialog> dialogs, List<List<String>> candidates) {
    checkArgument(
        dialogs.size() == candidates.size(),
        "%s dialogs but %s candidate lists",
        dialogs.size(),
        candidates.size());
    List<float[][]> out = new ArrayList<>(dialogs.size());
    int from = 0;
    while (from < dialogs.size()) { // at most about CHUNK_QUEUED pairs in the queue at once
      int to = from;
      int queued = 0;
      while (to < dialogs.size()
          && (to == from || queued + candidates.get(to).size() <= CHUNK_QUEUED)) {
        queued += candidates.get(to++).size();
      }
      out.addAll(chunk(dialogs.subList(from, to), candidates.subList(from, to)));
      from = to;
    }
    return out;
  }

  private List<float[][]> chunk(List<Dialog> dialogs, List<List<String>> candidates) {
    List<CompletableFuture<Ranking>> rankings = new ArrayList<>(dialogs.size());
    List<Scorer.Pair> pairs = new ArrayList<>();
    for (int g = 0; g < dialogs.size(); g++) {
      List<String> texts = candidates.get(g);
      checkArgument(!texts.isEmpty(), "group %s has no candidates", g);
      rankings.add(
          crossEncoder.rankAsync(dialogs.get(g), texts.stream().map(Candidate::of).toList()));
      for (String t : texts) {
        pairs.add(new Scorer.Pair(dialogs.get(g), Candidate.of(t)));
      }
    }
    float[][] similarities = new float[pairs.size()][];
    for (int from = 0; from < pairs.size(); from += CHUNK_PAIRS) {
      List<Scorer.Pair> chunk = pairs.subList(from, Math.min(pairs.size(), from + CHUNK_PAIRS));
      float[][] s = features.similarities(chunk);
      System.arraycopy(s, 0, similarities, from, s.length);
    }
    List<float[][]> out = new ArrayList<>(dialogs.size());
    int at = 0;
    for (int g = 0; g < dialogs.size(); g++) {
      Map<String, Float> logit = new HashMap<>();
      for (ScoredCandidate c : rankings.get(g).join().all()) {
        logit.put(c.text(), c.score());
      }
      List<String> texts = candidates.get(g);
      float[][] group = new float[texts.size()][];
      for (int j = 0; j < texts.size(); j++, at++) {
        Float l = logit.get(texts.get(j));
        group[j] =
            new float[] {
              requireNonNull(l, "unscored candidate"), similarities[at][0], similarities[at][1]
            };
      }
      out.add(group);
    }
    return out;
  }

  /**
   * Fits the blend on groups whose candidate 0 is the true reply. The calibration of the result is
   * {@link Calibration#SIGMOID}: refit it on the blended scores ({@link #scores}).
   *
   * @throws IllegalArgumentException if there are no groups of at least two candidates
   * @throws IllegalStateException if the fit gives the cross-encoder's logit no positive weight
   */
  public static EvidenceBlend fit(List<float[][]> groups) {
    checkArgument(
        groups.stream().anyMatch(g -> g.length >= 2), "no group has two candidates to rank");
    float lastCenter = mean(groups, 1);
    float personaCenter = mean(groups, 2);
    float[] centers = {0f, lastCenter, personaCenter};
    int d = 3;
    double[] mu = new double[d];
    double[] sd = new double[d];
    long n = 0;
    for (float[][] g : groups) {
      for (float[] x : g) {
        n++;
        for (int i = 0; i < d; i++) {
          double v = value(x, i, centers);
          mu[i] += v;
          sd[i] += v * v;
        }
      }
    }
    for (int i = 0; i < d; i++) {
      mu[i] /= n;
      sd[i] = Math.sqrt(Math.max(0, sd[i] / n - mu[i] * mu[i]));
    }
    double[] w = new double[d];
    double[] m = new double[d];
    double[] v = new double[d];
    for (int step = 1; step <= STEPS; step++) {
      double[] grad = new double[d];
      int counted = 0;
      for (float[][] g : groups) {
        if (g.length < 2) {
          continue;
        }
        counted++;
        double[] z = new double[g.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < g.length; j++) {
          for (int i = 0; i < d; i++) {
            z[j] += w[i] * standardised(g[j], i, centers, mu, sd);
          }
          max = Math.max(max, z[j]);
        }
        double sum = 0;
        for (int j = 0; j < g.length; j++) {
          z[j] = Math.exp(z[j] - max);
          sum += z[j];
        }
        for (int j = 0; j < g.length; j++) {
          double p = z[j] / sum - (j == 0 ? 1 : 0);
          for (int i = 0; i < d; i++) {
            grad[i] += p * standardised(g[j], i, centers, mu, sd);
          }
        }
      }
      for (int i = 0; i < d; i++) {
        double gi = grad[i] / counted + L2 * w[i];
        m[i] = 0.9 * m[i] + 0.1 * gi;
        v[i] = 0.999 * v[i] + 0.001 * gi * gi;
        double mHat = m[i] / (1 - Math.pow(0.9, step));
        double vHat = v[i] / (1 - Math.pow(0.999, step));
        w[i] -= LEARNING_RATE * mHat / (Math.sqrt(vHat) + 1e-8);
      }
    }
    double[] raw = new double[d];
    for (int i = 0; i < d; i++) {
      raw[i] = sd[i] > 1e-9 ? w[i] / sd[i] : 0;
    }
    if (!(raw[0] > 0)) {
      throw new IllegalStateException(
          "the fit gives the cross-encoder's logit weight " + raw[0] + "; a blend must refine it");
    }
    return new EvidenceBlend(
        (float) raw[0],
        (float) raw[1],
        lastCenter,
        (float) raw[2],
        personaCenter,
        Calibration.SIGMOID);
  }

  /** Returns the blended raw score of every pair of {@code groups}, group after group. */
  public static double[] scores(EvidenceBlend blend, List<float[][]> groups) {
    requireNonNull(blend, "blend");
    int n = groups.stream().mapToInt(g -> g.length).sum();
    double[] out = new double[n];
    int at = 0;
    for (float[][] g : groups) {
      for (float[] x : g) {
        out[at++] = blend.score(x[0], x[1], x[2]);
      }
    }
    return out;
  }

  /**
   * Returns the share of groups whose candidate 0 scores strictly above every other: hits@1 of the
   * blend, or of the cross-encoder alone when {@code blend} is null.
   */
  public static double hitsAt1(List<float[][]> groups, @Nullable EvidenceBlend blend) {
    int hits = 0;
    for (float[][] g : groups) {
      double top = blend == null ? g[0][0] : blend.score(g[0][0], g[0][1], g[0][2]);
      boolean first = true;
      for (int j = 1; j < g.length && first; j++) {
        double s = blend == null ? g[j][0] : blend.score(g[j][0], g[j][1], g[j][2]);
        first = s < top;
      }
      hits += first ? 1 : 0;
    }
    return groups.isEmpty() ? Double.NaN : (double) hits / groups.size();
  }

  private static float mean(List<float[][]> groups, int feature) {
    double sum = 0;
    long n = 0;
    for (float[][] g : groups) {
      for (float[] x : g) {
        if (!Float.isNaN(x[feature])) {
          sum += x[feature];
          n++;
        }
      }
    }
    return n == 0 ? 0f : (float) (sum / n);
  }

  private static double value(float[] x, int i, float[] centers) {
    return Float.isNaN(x[i]) ? 0 : x[i] - centers[i];
  }

  private static double standardised(float[] x, int i, float[] centers, double[] mu, double[] sd) {
    return sd[i] > 1e-9 ? (value(x, i, centers) - mu[i]) / sd[i] : 0;
  }

  @Override
  public void close() {
    features.close();
    biEncoder.close();
    crossEncoder.close();
  }
}
