package dev.reranker.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One local-mode Spark session ({@code local[2]}) for every test class of this JVM: starting one
 * takes seconds. Stopped when the JVM exits.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("reranker-spark-test")
              .config("spark.ui.enabled", false)
              .config("spark.sql.shuffle.partitions", 4)
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}
