package dev.reranker.internal.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.io.SafeTensors;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native BERT loading a HuggingFace checkpoint (the tiny-bert fixture, made by plain PyTorch
 * with F16 and BF16 tensors) against the logits PyTorch computed for it, and saving it back.
 */
class TinyBertCheckpointTest {
  static final Path FIXTURE = Path.of("src/test/resources/fixtures/tiny-bert");

  @TempDir Path tmp;
  Path checkpoint;

  @BeforeEach
  void copyFixture() throws IOException {
    checkpoint = tmp.resolve("tiny-bert");
    Files.createDirectories(checkpoint);
    Files.copy(FIXTURE.resolve("config.json"), checkpoint.resolve("config.json"));
    Files.copy(FIXTURE.resolve("model.safetensors"), checkpoint.resolve("model.safetensors"));
    Files.writeString(checkpoint.resolve("tokenizer.json"), BundledModel.tokenizerJson());
  }

  static JsonObject expected() throws IOException {
    return JsonParser.parseString(Files.readString(FIXTURE.resolve("expected.json")))
        .getAsJsonObject();
  }

  static TokenBatch expectedInputs(JsonObject json) {
    JsonArray ids = json.getAsJsonArray("input_ids");
    int size = ids.size();
    int length = ids.get(0).getAsJsonArray().size();
    long[] input = new long[size * length];
    long[] types = new long[size * length];
    long[] mask = new long[size * length];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < length; j++) {
        input[i * length + j] = ids.get(i).getAsJsonArray().get(j).getAsLong();
        types[i * length + j] =
            json.getAsJsonArray("token_type_ids").get(i).getAsJsonArray().get(j).getAsLong();
        mask[i * length + j] =
            json.getAsJsonArray("attention_mask").get(i).getAsJsonArray().get(j).getAsLong();
      }
    }
    return new TokenBatch(size, length, input, types, mask);
  }

  static double maxLogitDiff(float[][] logits, JsonObject json) {
    double max = 0;
    JsonArray expected = json.getAsJsonArray("logits");
    for (int i = 0; i < logits.length; i++) {
      for (int j = 0; j < logits[i].length; j++) {
        double e = expected.get(i).getAsJsonArray().get(j).getAsDouble();
        max = Math.max(max, Math.abs(logits[i][j] - e));
      }
    }
    return max;
  }

  @Test
  void halfPrecisionCheckpointMatchesPyTorch() throws IOException {
    JsonObject json = expected();
    TokenBatch batch = expectedInputs(json);
    try (NativeBert bert = NativeBert.loadCheckpoint(checkpoint, Device.cpu())) {
      assertThat(bert.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
      assertThat(bert.labels()).containsExactly("downvote", "upvote");
      float[][] logits = bert.logits(batch);
      double diff = maxLogitDiff(logits, json);
      System.out.printf("tiny-bert checkpoint vs PyTorch (float64): max |logit diff| %.3g%n", diff);
      assertThat(diff).isLessThanOrEqualTo(1e-4);

      HostTensor hidden = bert.hiddenStates(batch);
      JsonArray row0 = json.getAsJsonArray("last_hidden_state_row0");
      double hiddenDiff = 0;
      for (int t = 0; t < row0.size(); t++) {
        JsonArray v = row0.get(t).getAsJsonArray();
        for (int k = 0; k < v.size(); k++) {
          hiddenDiff =
              Math.max(hiddenDiff, Math.abs(hidden.data()[t * 32 + k] - v.get(k).getAsDouble()));
        }
      }
      assertThat(hiddenDiff).isLessThanOrEqualTo(1e-4);
    }
  }

  @Test
  void callsLeaveNoNativeArraysBehind() throws IOException {
    TokenBatch batch = expectedInputs(expected());
    try (NativeBert bert = NativeBert.loadCheckpoint(checkpoint, Device.cpu())) {
      bert.logits(batch); // the first forward lays out the inference weights (BertInference)
      int before = bert.djlModel().getNDManager().getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        bert.logits(batch);
        bert.embed(batch);
        bert.hiddenStates(batch);
      }
      // A forward that fails inside libtorch (token id beyond the vocabulary) frees its arrays too.
      long[] ids = batch.inputIds().clone();
      ids[1] = 1_000_000;
      TokenBatch bad =
          new TokenBatch(batch.size(), batch.length(), ids, batch.typeIds(), batch.attentionMask());
      assertThatThrownBy(() -> bert.logits(bad)).isInstanceOf(RuntimeException.class);
      assertThat(bert.djlModel().getNDManager().getManagedArrays()).hasSize(before);
    }
  }

  @Test
  void publicApiLoadsTheCheckpoint() throws IOException {
    JsonObject json = expected();
    try (EncoderModel model = RerankerModel.checkpoint(checkpoint).load()) {
      assertThat(maxLogitDiff(model.logits(expectedInputs(json)), json)).isLessThan(1e-4);
    }
  }

  @Test
  void aRerankerSaysWhichForwardRunsAndThatItWasChecked() {
    try (dev.reranker.Reranker reranker =
        dev.reranker.Reranker.builder()
            .model(RerankerModel.checkpoint(checkpoint))
            .maxSeqLen(32)
            .maxReplyTokens(8)
            .build()) {
      assertThat(reranker.toString())
          .startsWith("Reranker{model=")
          .contains("running=native BERT cross-encoder (2 layers, hidden 32, float32), forward=")
          .contains("(checked: max |diff| ");
    }
    try (dev.reranker.Reranker reranker =
        dev.reranker.Reranker.builder()
            .model(RerankerModel.checkpoint(checkpoint))
            .maxSeqLen(32)
            .maxReplyTokens(8)
            .verifyForward(false)
            .build()) {
      assertThat(reranker.toString()).contains("verifyForward=false").doesNotContain("checked");
    }
  }

  @Test
  void saveThenLoadGivesIdenticalTensorsAndScores() throws IOException {
    TokenBatch batch = expectedInputs(expected());
    Path saved = tmp.resolve("saved");
    try (NativeBert original = NativeBert.loadCheckpoint(checkpoint, Device.cpu())) {
      original.save(saved);
      try (NativeBert reloaded = NativeBert.loadCheckpoint(saved, Device.cpu())) {
        assertThat(reloaded.weights()).isEqualTo(original.weights());
        assertThat(reloaded.logits(batch)).isDeepEqualTo(original.logits(batch));
        assertThat(reloaded.config()).isEqualTo(original.config());
      }
    }
    // The saved names are HuggingFace's BertForSequenceClassification names, as PyTorch wrote them.
    Map<String, HostTensor> written = SafeTensors.read(saved.resolve("model.safetensors"));
    Map<String, HostTensor> reference = SafeTensors.read(FIXTURE.resolve("model.safetensors"));
    assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
    String config = Files.readString(saved.resolve("config.json"));
    assertThat(config).contains("\"BertForSequenceClassification\"").contains("\"upvote\"");
  }

  @Test
  void bundledModelSavesAndReloadsExactly() throws Exception {
    TokenBatch batch = BundledParityTest.encodePairs(BundledParityTest.PAIRS.subList(0, 5));
    Path saved = tmp.resolve("minilm");
    try (NativeBert bundled = BundledModel.load(Device.cpu())) {
      bundled.save(saved);
      try (EncoderModel reloaded = RerankerModel.checkpoint(saved).load()) {
        assertThat(reloaded.kind()).isEqualTo(ModelKind.BI_ENCODER);
        assertThat(reloaded.embed(batch)).isDeepEqualTo(bundled.embed(batch));
        assertThat(((NativeBert) reloaded).weights()).isEqualTo(bundled.weights());
      }
    }
    assertThat(Files.readString(saved.resolve("config.json"))).contains("\"BertModel\"");
  }

  // --- bad input: every failure is a ModelLoadException naming the file and the problem ---

  @Test
  void missingFolder() {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> RerankerModel.checkpoint(missing).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such checkpoint folder");
  }

  @Test
  void missingConfig() throws IOException {
    Files.delete(checkpoint.resolve("config.json"));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("no such file");
  }

  @Test
  void missingWeights() throws IOException {
    Files.delete(checkpoint.resolve("model.safetensors"));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors");
  }

  @Test
  void missingTokenizer() throws IOException {
    Files.delete(checkpoint.resolve("tokenizer.json"));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("no such file");
  }

  @Test
  void unreadableTokenizer() throws IOException {
    Files.writeString(checkpoint.resolve("tokenizer.json"), "{\"model\": 42}");
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tokenizer.json")
        .hasMessageContaining("unreadable tokenizer.json");
  }

  @Test
  void unsupportedModelType() throws IOException {
    rewriteConfig(c -> c.addProperty("model_type", "roberta"));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("unsupported model_type 'roberta'");
  }

  @Test
  void configNotJson() throws IOException {
    Files.writeString(checkpoint.resolve("config.json"), "{ not json");
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json")
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void missingTensor() throws IOException {
    rewriteWeights(w -> w.remove("bert.encoder.layer.1.attention.self.key.bias"));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("missing tensor 'encoder.layer.1.attention.self.key.bias'");
  }

  @Test
  void wrongShape() throws IOException {
    rewriteWeights(
        w ->
            w.put(
                "bert.pooler.dense.weight",
                new HostTensor(new long[] {32, 31}, new float[32 * 31])));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("'pooler.dense.weight' has shape [32, 31], expected [32, 32]");
  }

  @Test
  void truncatedWeights() throws IOException {
    Path file = checkpoint.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors");
  }

  @Test
  void corruptHeader() throws IOException {
    Path file = checkpoint.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(file);
    bytes[8] = 'x'; // the header's opening brace
    Files.write(file, bytes);
    assertThatThrownBy(() -> RerankerModel.checkpoint(checkpoint).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors");
  }

  private void rewriteConfig(java.util.function.Consumer<JsonObject> edit) throws IOException {
    Path file = checkpoint.resolve("config.json");
    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    edit.accept(json);
    Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
  }

  private void rewriteWeights(java.util.function.Consumer<Map<String, HostTensor>> edit) {
    Path file = checkpoint.resolve("model.safetensors");
    Map<String, HostTensor> weights = new LinkedHashMap<>(SafeTensors.read(file));
    edit.accept(weights);
    SafeTensors.write(file, weights);
  }

  @Test
  void randomModelHasTheRequestedSize() throws IOException {
    Path tokenizer = checkpoint.resolve("tokenizer.json");
    var config = dev.reranker.model.BertConfig.miniLmL6().withLabels(List.of("upvote"));
    try (EncoderModel a = RerankerModel.random(config, tokenizer, 7).load();
        EncoderModel b = RerankerModel.random(config, tokenizer, 7).load()) {
      TokenBatch batch = expectedInputs(expected());
      assertThat(a.logits(batch)).isDeepEqualTo(b.logits(batch)); // same seed, same weights
      assertThat(a.logits(batch)[0]).hasSize(1);
    }
  }
}
