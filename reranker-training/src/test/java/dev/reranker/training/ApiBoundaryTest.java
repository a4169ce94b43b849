package dev.reranker.training;

import dev.reranker.ApiBoundary;
import org.junit.jupiter.api.Test;

/** The trainer's public package names no internal type (of core or of its own internals). */
class ApiBoundaryTest {
  @Test
  void publicPackageExposesNoInternalTypes() {
    ApiBoundary.assertNoInternalTypes(RerankerTrainer.class, "dev.reranker.training");
  }
}
