package dev.reranker.jmh;

import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.BertConfig;
import dev.reranker.model.RerankerModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The two models of the RPS tables. */
public final class Models {
  /** Seed of the random BERT-base weights: speed does not depend on it, parity runs do. */
  public static final long BERT_BASE_SEED = 42;

  private Models() {}

  /**
   * The all-MiniLM-L6-v2 bi-encoder (6 layers, hidden 384), {@link RerankerModel#miniLmBiEncoder}:
   * the model whose ONNX file ONNX Runtime runs in the same benchmarks, so the peers compare on one
   * model. The default dialog cross-encoder ({@link RerankerModel#bundled}) has the same body.
   */
  public static RerankerModel bundled() {
    return RerankerModel.miniLmBiEncoder();
  }

  /** BERT-base's sizes (12 layers, hidden 768) with random weights and an "upvote" head. */
  public static BertConfig bertBaseConfig() {
    return BertConfig.bertBase().withLabels(List.of("upvote"));
  }

  /**
   * A BERT-base-sized cross-encoder with random weights and the bundled uncased WordPiece
   * vocabulary (30,522 tokens, as BERT-base's own).
   */
  public static RerankerModel bertBase() {
    try {
      // RerankerModel.random takes a path; the vocabulary ships as a classpath resource.
      Path tokenizer = Files.createTempFile("reranker-jmh-tokenizer", ".json");
      tokenizer.toFile().deleteOnExit();
      Files.writeString(tokenizer, BundledModel.tokenizerJson(), StandardCharsets.UTF_8);
      return RerankerModel.random(bertBaseConfig(), tokenizer, BERT_BASE_SEED);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
