package dev.reranker;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Heuristics nested in list order, first outermost, walked by index as OkHttp's {@code
 * RealInterceptorChain} walks its interceptors: link {@code i} hands heuristic {@code i} a {@link
 * Link} to {@code i + 1}, and the link past the end is the model. Behind {@link Heuristic#chain},
 * {@link Heuristic#andThen} and {@link Heuristic#identity()} (the empty chain).
 *
 * <p>Nested chains are flattened, so {@code a.andThen(b).andThen(c)} is {@code chain[a, b, c]}. A
 * heuristic that returns null, or a stage that completes with a null ranking, fails with a {@link
 * NullPointerException} that names it. Immutable and thread-safe if its heuristics are.
 */
final class HeuristicChain implements Heuristic {
  static final HeuristicChain EMPTY = new HeuristicChain(List.of());

  private final List<Heuristic> heuristics;

  private HeuristicChain(List<Heuristic> heuristics) {
    this.heuristics = heuristics;
  }

  /** Returns the chain of {@code heuristics}, nested chains spliced in; checks every element. */
  static HeuristicChain of(List<? extends Heuristic> heuristics) {
    requireNonNull(heuristics, "heuristics");
    List<Heuristic> flat = new ArrayList<>(heuristics.size());
    for (int i = 0; i < heuristics.size(); i++) {
      Heuristic h = heuristics.get(i);
      if (h == null) {
        throw new NullPointerException("heuristics[" + i + "] is null");
      }
      if (h instanceof HeuristicChain nested) {
        flat.addAll(nested.heuristics);
      } else {
        flat.add(h);
      }
    }
    return flat.isEmpty() ? EMPTY : new HeuristicChain(List.copyOf(flat));
  }

  @Override
  public CompletionStage<Ranking> apply(RerankRequest request, Chain chain) {
    requireNonNull(request, "request");
    requireNonNull(chain, "chain");
    return new Link(0, chain).proceed(request);
  }

  @Override
  public String toString() {
    return "chain" + heuristics;
  }

  /** The rest of the chain from {@code index} on, ending in {@code model}. */
  private final class Link implements Chain {
    private final int index;
    private final Chain model;

    Link(int index, Chain model) {
      this.index = index;
      this.model = model;
    }

    @Override
    public CompletionStage<Ranking> proceed(RerankRequest request) {
      if (index == heuristics.size()) {
        return model.proceed(request);
      }
      Heuristic heuristic = heuristics.get(index);
      CompletionStage<Ranking> result = heuristic.apply(request, new Link(index + 1, model));
      if (result == null) {
        throw new NullPointerException(
            "heuristic " + heuristic + " at chain index " + index + " returned null");
      }
      return result.thenApply(
          ranking -> {
            if (ranking == null) {
              throw new NullPointerException(
                  "heuristic "
                      + heuristic
                      + " at chain index "
                      + index
                      + " completed with a null ranking");
            }
            return ranking;
          });
    }
  }
}
