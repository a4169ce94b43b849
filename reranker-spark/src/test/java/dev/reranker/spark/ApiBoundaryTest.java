package dev.reranker.spark;

import dev.reranker.ApiBoundary;
import org.junit.jupiter.api.Test;

/** The Spark module's public package names no internal type of core. */
class ApiBoundaryTest {
  @Test
  void publicPackageExposesNoInternalTypes() {
    ApiBoundary.assertNoInternalTypes(RerankerSpark.class, "dev.reranker.spark");
  }
}
