package dev.reranker.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAPI 3.0 document of {@link RerankServer}'s endpoints, {@code GET /openapi.json}: a
 * resource ({@code dev/reranker/examples/openapi.json}) that {@code RerankServerOpenApiTest} checks
 * the server's real answers against.
 */
final class OpenApi {
  static final String RESOURCE = "dev/reranker/examples/openapi.json";

  private static final String DOCUMENT = read();

  private OpenApi() {}

  /** Returns the document's JSON text. */
  static String document() {
    return DOCUMENT;
  }

  private static String read() {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the examples jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
