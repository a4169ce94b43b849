package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.apiboundary.Leaky;
import org.junit.jupiter.api.Test;

/** Core's public packages name no internal type; and the check finds every kind of leak. */
class ApiBoundaryTest {
  private static final String HIDDEN = "dev.reranker.internal.apiboundary.Hidden";
  private static final String MARKED = "dev.reranker.apiboundary.Marked";
  private static final String LEAKY = "dev.reranker.apiboundary.Leaky";

  @Test
  void publicPackagesExposeNoInternalTypes() {
    ApiBoundary.assertNoInternalTypes(Reranker.class, "dev.reranker", "dev.reranker.model");
  }

  @Test
  void findsEveryPublicAndProtectedLeakAndNothingElse() {
    assertThat(ApiBoundary.violations(Leaky.class, "dev.reranker.apiboundary"))
        .containsExactlyInAnyOrder(
            LEAKY + ".<init>(Hidden[]): parameter exposes " + HIDDEN,
            LEAKY + ".bounded(Hidden): parameter exposes " + HIDDEN,
            LEAKY + ".bounded(Hidden): type parameter T exposes " + HIDDEN,
            LEAKY + ".field: field type exposes " + HIDDEN,
            LEAKY + ".get(): return type exposes " + MARKED,
            LEAKY + ".map(): return type exposes " + HIDDEN,
            LEAKY + ".protectedField: field type exposes " + HIDDEN,
            LEAKY + ".take(Marked): parameter exposes " + MARKED,
            LEAKY + "$Nested.nested(): return type exposes " + HIDDEN,
            LEAKY + "$Pair.<init>(Hidden): parameter exposes " + HIDDEN,
            LEAKY + "$Pair.hidden(): return type exposes " + HIDDEN,
            LEAKY + "$Pair: record component hidden exposes " + HIDDEN,
            LEAKY + ": interface exposes " + MARKED,
            LEAKY + ": superclass exposes " + HIDDEN);
  }

  @Test
  void assertionListsTheViolations() {
    assertThatThrownBy(
            () -> ApiBoundary.assertNoInternalTypes(Leaky.class, "dev.reranker.apiboundary"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("14 public signatures expose internal types:\n  " + LEAKY)
        .hasMessageContaining(LEAKY + "$Pair.hidden(): return type exposes " + HIDDEN);
  }

  @Test
  void scansOnlyTheAnchorsClassesFolder() {
    // The fixture package is in test-classes, not next to Reranker: nothing to check is an error.
    assertThatThrownBy(() -> ApiBoundary.violations(Reranker.class, "dev.reranker.apiboundary"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no classes of package dev.reranker.apiboundary next to");
  }

  @Test
  void internalMeansTheInternalPackagesOrTheMark() {
    assertThat(ApiBoundary.isInternal(dev.reranker.internal.apiboundary.Hidden.class)).isTrue();
    assertThat(ApiBoundary.isInternal(dev.reranker.apiboundary.Marked.class)).isTrue();
    assertThat(ApiBoundary.isInternal(Leaky.MarkedNested.class)).isTrue();
    assertThat(ApiBoundary.isInternal(Leaky.class)).isFalse();
    assertThat(ApiBoundary.isInternal(Reranker.class)).isFalse();
  }
}
