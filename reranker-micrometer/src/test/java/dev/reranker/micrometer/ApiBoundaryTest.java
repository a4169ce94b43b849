package dev.reranker.micrometer;

import dev.reranker.ApiBoundary;
import org.junit.jupiter.api.Test;

/** The Micrometer binder's public package names no internal type of core. */
class ApiBoundaryTest {
  @Test
  void publicPackageExposesNoInternalTypes() {
    ApiBoundary.assertNoInternalTypes(RerankerMetrics.class, "dev.reranker.micrometer");
  }
}
