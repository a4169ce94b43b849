package dev.reranker.internal.tokenization;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.reranker.internal.DjlRuntime;
import dev.reranker.model.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Creates HuggingFace (Rust) tokenizers from {@code tokenizer.json} content. */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * Creates a tokenizer that adds no special tokens and neither truncates nor pads: the pair
   * encoder places {@code [CLS]}/{@code [SEP]} and truncates itself.
   *
   * @param source the file or resource the JSON came from, for error messages
   * @throws ModelLoadException if the JSON is not a tokenizer the library can parse
   */
  public static HuggingFaceTokenizer create(String tokenizerJson, String source) {
    DjlRuntime.ensureOffline();
    Map<String, String> options =
        Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
    try {
      return HuggingFaceTokenizer.newInstance(
          new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)), options);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(source, "unreadable tokenizer.json: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code tokenizerJson} parses.
   *
   * @throws ModelLoadException naming {@code source} if it does not
   */
  public static void check(String tokenizerJson, String source) {
    create(tokenizerJson, source).close();
  }
}
