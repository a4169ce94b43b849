package dev.reranker.spring.boot;

import dev.reranker.ApiBoundary;
import org.junit.jupiter.api.Test;

/** The starter's public package names no internal type of core. */
class ApiBoundaryTest {
  @Test
  void publicPackageExposesNoInternalTypes() {
    ApiBoundary.assertNoInternalTypes(RerankerAutoConfiguration.class, "dev.reranker.spring.boot");
  }
}
