package dev.reranker.heuristics;

import dev.reranker.ApiBoundary;
import org.junit.jupiter.api.Test;

/** The heuristics' public package names no internal type of core. */
class ApiBoundaryTest {
  @Test
  void publicPackageExposesNoInternalTypes() {
    ApiBoundary.assertNoInternalTypes(Heuristics.class, "dev.reranker.heuristics");
  }
}
