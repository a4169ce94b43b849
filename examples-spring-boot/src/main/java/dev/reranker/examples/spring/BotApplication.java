package dev.reranker.examples.spring;

import dev.reranker.Candidate;
import dev.reranker.spring.boot.RerankerBuilderCustomizer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A chatbot backend on the reranker starter: {@code POST /reply} ranks the candidates for the
 * user's message and answers with the best; the Reranker bean comes from {@code
 * application.properties}. Run it with {@code mvn -pl examples-spring-boot spring-boot:run}.
 */
@SpringBootApplication
public class BotApplication {
  /** What the bot says when the heuristics drop every candidate. */
  static final String FALLBACK = "Tell me more?";

  /** Starts the application. */
  public static void main(String[] args) {
    SpringApplication.run(BotApplication.class, args);
  }

  /** What the properties cannot say: a customizer sets the builder's fallback reply. */
  @Bean
  RerankerBuilderCustomizer fallbackReply() {
    return builder -> builder.fallback(Candidate.of(FALLBACK));
  }
}
