package dev.reranker.examples;

import dev.reranker.Reranker;

/**
 * One reranker on the bundled model for every test class in the JVM: loading takes seconds, and the
 * commands under test only need a configured one. Tests read its stats as differences.
 */
final class SharedReranker {
  private static Reranker instance;

  private SharedReranker() {}

  static synchronized Reranker get() {
    if (instance == null) {
      System.setProperty("offline", "true");
      instance = CompanionSetup.builder(null).build();
      Reranker built = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(built::close));
    }
    return instance;
  }

  /** A factory that hands every command the shared reranker and never closes it. */
  static RerankerFactory factory() {
    return new RerankerFactory() {
      @Override
      public Reranker open(Reranker.Builder builder) {
        return get();
      }

      @Override
      public void release(Reranker reranker) {}
    };
  }
}
