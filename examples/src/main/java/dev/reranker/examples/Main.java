package dev.reranker.examples;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The runnable examples: {@code java -jar reranker-examples.jar demo}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("offline", "true"); // never let DJL reach the network
    String command = args.length == 0 ? "demo" : args[0];
    if (!command.equals("demo")) {
      System.err.println("unknown command '" + command + "'; try: demo");
      System.exit(2);
    }
    demo();
  }

  /** Scores a few candidate replies for a dialog with the bundled model and prints them, best first. */
  static void demo() throws Exception {
    String context = "Just anxious and tired. Yes, I have an exam tomorrow.";
    List<String> candidates =
        List.of(
            "You will do great, you prepared well.",
            "Exams are stressful. Try to get some sleep tonight, you studied hard.",
            "I like pizza.",
            "What is your favourite colour?");
    try (EncoderModel model = RerankerModel.bundled().load();
        HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(model.tokenizerJson().getBytes(StandardCharsets.UTF_8)),
                Map.of("addSpecialTokens", "true", "truncation", "true", "maxLength", "80"))) {
      long[][] ids = new long[candidates.size() + 1][];
      long[][] types = new long[candidates.size() + 1][];
      for (int i = 0; i <= candidates.size(); i++) {
        Encoding e = tokenizer.encode(i == 0 ? context : candidates.get(i - 1));
        ids[i] = e.getIds();
        types[i] = e.getTypeIds();
      }
      float[][] vectors = model.embed(TokenBatch.pad(ids, types, 0));
      Integer[] order = new Integer[candidates.size()];
      float[] cosine = new float[candidates.size()];
      for (int i = 0; i < candidates.size(); i++) {
        order[i] = i;
        for (int k = 0; k < vectors[0].length; k++) {
          cosine[i] += vectors[0][k] * vectors[i + 1][k];
        }
      }
      Arrays.sort(order, Comparator.comparingDouble(i -> -cosine[i]));
      System.out.println("context: " + context);
      for (int rank = 0; rank < order.length; rank++) {
        System.out.printf("%d. %.3f  %s%n", rank + 1, cosine[order[rank]],
            candidates.get(order[rank]));
      }
    }
  }
}
