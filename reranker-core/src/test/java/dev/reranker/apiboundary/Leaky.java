package dev.reranker.apiboundary;

import dev.reranker.Internal;
import dev.reranker.internal.apiboundary.Hidden;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fixture for {@code ApiBoundaryTest}: every public or protected signature here names an internal
 * type, and every other one (private, package-private, marked) names one harmlessly.
 */
public class Leaky extends ArrayList<Hidden> implements Supplier<Marked> {
  /** Leaks. */
  public Hidden field = new Hidden();

  /** Leaks: a subclass elsewhere sees it. */
  protected List<? super Hidden> protectedField = List.of();

  /** Not API. */
  @Internal public Hidden markedField = new Hidden();

  Hidden packageField = new Hidden();
  private final Hidden privateField = new Hidden();

  /** Leaks through an array parameter. */
  public Leaky(Hidden[] hidden) {}

  Leaky() {}

  /** Leaks in a type argument. */
  public Map<String, List<Hidden>> map() {
    return Map.of();
  }

  /** Leaks through a bound. */
  public <T extends Hidden> void bounded(T value) {}

  /** Leaks a marked type. */
  protected void take(Marked marked) {}

  /** Leaks a marked type through an interface method. */
  @Override
  public Marked get() {
    throw new UnsupportedOperationException();
  }

  /** Not API. */
  @Internal
  public Hidden markedMethod() {
    return privateField;
  }

  Hidden packageMethod() {
    return packageField;
  }

  /** Leaks through its component. */
  public record Pair(Hidden hidden) {}

  /** Leaks from a nested type. */
  public static class Nested {
    /** Leaks. */
    public Hidden nested() {
      return new Hidden();
    }
  }

  /** Not API: marked. */
  @Internal
  public static class MarkedNested {
    /** Would leak. */
    public Hidden marked() {
      return new Hidden();
    }
  }

  static class PackageNested {
    public Hidden hidden() {
      return new Hidden();
    }
  }
}
