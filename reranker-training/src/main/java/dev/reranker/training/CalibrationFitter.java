package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Calibration;

/**
 * Fits a {@link Calibration} to raw upvote logits by minimising the log loss on held-out labels.
 * Both fits are convex (the log loss of a logistic model is convex in its scale and bias) and are
 * solved by Newton's method with a backtracking line search, to a gradient below 1e-9 per example
 * or 100 iterations. The scale is kept in [1e-3, 1e3]: perfectly separable logits would send it to
 * infinity, and a scale that is not positive would reverse the ranking, which calibration must not
 * do.
 */
public final class CalibrationFitter {
  static final double MIN_SCALE = 1e-3;
  static final double MAX_SCALE = 1e3;
  private static final int MAX_ITERATIONS = 100;

  private CalibrationFitter() {}

  /**
   * Fits with {@code method}: {@link CalibrationMethod#NONE} returns {@link Calibration#SIGMOID}.
   *
   * @throws IllegalArgumentException as {@link #platt}
   */
  public static Calibration fit(CalibrationMethod method, double[] logits, boolean[] labels) {
    requireNonNull(method, "method");
    return switch (method) {
      case NONE -> Calibration.SIGMOID;
      case TEMPERATURE -> temperature(logits, labels);
      case PLATT -> platt(logits, labels);
    };
  }

  /**
   * Fits temperature scaling, {@code sigmoid(logit / T)}: one parameter, no bias.
   *
   * @throws IllegalArgumentException if the arrays are empty, differ in length, or a logit is not
   *     finite
   */
  public static Calibration temperature(double[] logits, boolean[] labels) {
    check(logits, labels);
    double scale = newtonScale(logits, labels, 1.0, 0.0);
    return new Calibration((float) scale, 0f);
  }

  /**
   * Fits Platt scaling, {@code sigmoid(a * logit + b)} with {@code a > 0}.
   *
   * @throws IllegalArgumentException if the arrays are empty, differ in length, or a logit is not
   *     finite
   */
  public static Calibration platt(double[] logits, boolean[] labels) {
    check(logits, labels);
    int n = logits.length;
    double a = 1;
    double b = 0;
    double loss = nll(logits, labels, a, b);
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      double ga = 0;
      double gb = 0;
      double haa = 1e-12 * n;
      double hab = 0;
      double hbb = 1e-12 * n;
      for (int i = 0; i < n; i++) {
        double p = sigmoid(a * logits[i] + b);
        double r = p - (labels[i] ? 1 : 0);
        double w = p * (1 - p);
        ga += r * logits[i];
        gb += r;
        haa += w * logits[i] * logits[i];
        hab += w * logits[i];
        hbb += w;
      }
      if (Math.abs(ga) + Math.abs(gb) < 1e-9 * n) {
        break;
      }
      double det = haa * hbb - hab * hab;
      double da;
      double db;
      if (det > 1e-300) {
        da = -(hbb * ga - hab * gb) / det;
        db = -(-hab * ga + haa * gb) / det;
      } else {
        da = -ga / haa; // a degenerate Hessian (all logits equal): a diagonal step
        db = -gb / hbb;
      }
      double t = 1;
      double next = Double.POSITIVE_INFINITY;
      double na = a;
      double nb = b;
      while (t > 1e-10) {
        na = clampScale(a + t * da);
        nb = b + t * db;
        next = nll(logits, labels, na, nb);
        if (next <= loss) {
          break;
        }
        t /= 2;
      }
      if (!(next <= loss)) {
        break;
      }
      boolean converged = Math.abs(na - a) + Math.abs(nb - b) < 1e-12;
      a = na;
      b = nb;
      loss = next;
      if (converged) {
        break;
      }
    }
    if (a <= MIN_SCALE) {
      a = MIN_SCALE; // the logits carry no (or reversed) signal: keep the order, fit the base rate
      b = newtonBias(logits, labels, a, b);
    }
    return new Calibration((float) a, (float) b);
  }

  private static double newtonScale(double[] logits, boolean[] labels, double scale, double bias) {
    int n = logits.length;
    double loss = nll(logits, labels, scale, bias);
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      double g = 0;
      double h = 1e-12 * n;
      for (int i = 0; i < n; i++) {
        double p = sigmoid(scale * logits[i] + bias);
        g += (p - (labels[i] ? 1 : 0)) * logits[i];
        h += p * (1 - p) * logits[i] * logits[i];
      }
      if (Math.abs(g) < 1e-9 * n) {
        break;
      }
      double step = -g / h;
      double t = 1;
      double next = Double.POSITIVE_INFINITY;
      double candidate = scale;
      while (t > 1e-10) {
        candidate = clampScale(scale + t * step);
        next = nll(logits, labels, candidate, bias);
        if (next <= loss) {
          break;
        }
        t /= 2;
      }
      if (!(next <= loss) || Math.abs(candidate - scale) < 1e-12) {
        scale = next <= loss ? candidate : scale;
        break;
      }
      scale = candidate;
      loss = next;
    }
    return scale;
  }

  private static double newtonBias(double[] logits, boolean[] labels, double scale, double bias) {
    int n = logits.length;
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      double g = 0;
      double h = 1e-12 * n;
      for (int i = 0; i < n; i++) {
        double p = sigmoid(scale * logits[i] + bias);
        g += p - (labels[i] ? 1 : 0);
        h += p * (1 - p);
      }
      if (Math.abs(g) < 1e-9 * n) {
        break;
      }
      // Clamp the step: with a single class the optimum is at infinity.
      bias = Math.max(-30, Math.min(30, bias - Math.max(-5, Math.min(5, g / h))));
    }
    return bias;
  }

  private static double clampScale(double scale) {
    return Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale));
  }

  /** Returns the summed log loss of {@code sigmoid(scale * logit + bias)}, computed stably. */
  static double nll(double[] logits, boolean[] labels, double scale, double bias) {
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      double z = scale * logits[i] + bias;
      sum += softplus(labels[i] ? -z : z);
    }
    return sum;
  }

  private static double softplus(double z) {
    return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  private static void check(double[] logits, boolean[] labels) {
    requireNonNull(logits, "logits");
    requireNonNull(labels, "labels");
    checkArgument(
        logits.length == labels.length,
        "arrays differ in length: %s logits, %s labels",
        logits.length,
        labels.length);
    checkArgument(logits.length > 0, "calibration needs at least one example");
    for (int i = 0; i < logits.length; i++) {
      checkArgument(Double.isFinite(logits[i]), "logits[%s] is %s", (Object) i, logits[i]);
    }
  }
}
