package dev.reranker.internal.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the tiny-bert TorchScript fixture and compares it with the float64 PyTorch reference. */
class TorchScriptEncoderTest {
  private static final String FIXTURE = "/fixtures/tiny-bert/";
  private static final List<String> LABELS = List.of("downvote", "upvote");
  private static final int MAX_POSITIONS = 128;

  private static Path modelPt;
  private static String tokenizerJson;
  private static Expected expected;
  private static TorchScriptEncoder encoder;

  /** The parts of expected.json these tests use. */
  private record Expected(long[][] ids, long[][] types, double[][] logits) {}

  @BeforeAll
  static void loadFixture() throws IOException, URISyntaxException {
    modelPt = resourcePath(FIXTURE + "model.pt");
    tokenizerJson = resource("/all-minilm-l6-v2-tokenizer.json");
    expected = readExpected(resource(FIXTURE + "expected.json"));
    encoder =
        TorchScriptEncoder.load(
            modelPt, tokenizerJson, ModelKind.CROSS_ENCODER, LABELS, MAX_POSITIONS);
  }

  @AfterAll
  static void closeEncoder() {
    if (encoder != null) {
      encoder.close();
    }
  }

  @Test
  void logitsMatchThePyTorchReference() {
    float[][] logits = encoder.logits(TokenBatch.pad(expected.ids(), expected.types(), 0));

    assertThat(logits).hasDimensions(expected.logits().length, LABELS.size());
    double maxDiff = 0;
    for (int i = 0; i < logits.length; i++) {
      for (int j = 0; j < LABELS.size(); j++) {
        maxDiff = Math.max(maxDiff, Math.abs(logits[i][j] - expected.logits()[i][j]));
      }
    }
    System.out.println(
        "TorchScript tiny-bert logits: max |diff| vs float64 reference = " + maxDiff);
    assertThat(maxDiff).isLessThan(1e-4);
  }

  @Test
  void rowsDoNotDependOnTheirBatch() {
    float[][] batched = encoder.logits(TokenBatch.pad(expected.ids(), expected.types(), 0));

    double maxDiff = 0;
    for (int i = 0; i < expected.ids().length; i++) {
      float[][] alone =
          encoder.logits(
              TokenBatch.pad(
                  new long[][] {expected.ids()[i]}, new long[][] {expected.types()[i]}, 0));
      for (int j = 0; j < LABELS.size(); j++) {
        maxDiff = Math.max(maxDiff, Math.abs(alone[0][j] - batched[i][j]));
      }
    }
    System.out.println("TorchScript tiny-bert logits: max |diff| alone vs batched = " + maxDiff);
    assertThat(maxDiff).isLessThan(1e-5);
  }

  @Test
  void describesItself() {
    assertThat(encoder.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
    assertThat(encoder.labels()).containsExactly("downvote", "upvote");
    assertThat(encoder.maxPositions()).isEqualTo(MAX_POSITIONS);
    assertThat(encoder.tokenizerJson()).isSameAs(tokenizerJson);
  }

  @Test
  void rejectsBatchesLongerThanMaxPositions() {
    int length = MAX_POSITIONS + 1;
    long[] ids = new long[length];
    TokenBatch batch = new TokenBatch(1, length, ids, new long[length], new long[length]);

    assertThatThrownBy(() -> encoder.logits(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("129")
        .hasMessageContaining("128");
  }

  @Test
  void embedReturnsUnitRowsFromRankTwoOutput() {
    // A cross-encoder module returns [batch, labels]: rank 2, taken as embeddings as they are.
    float[][] embeddings = encoder.embed(TokenBatch.pad(expected.ids(), expected.types(), 0));

    assertThat(embeddings).hasDimensions(expected.ids().length, LABELS.size());
    for (int i = 0; i < embeddings.length; i++) {
      double norm = Math.hypot(embeddings[i][0], embeddings[i][1]);
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
      double scale = Math.hypot(expected.logits()[i][0], expected.logits()[i][1]);
      assertThat((double) embeddings[i][1])
          .isCloseTo(expected.logits()[i][1] / scale, org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void biEncoderRefusesLogits() {
    try (TorchScriptEncoder bi =
        TorchScriptEncoder.load(modelPt, tokenizerJson, ModelKind.BI_ENCODER, List.of(), 128)) {
      TokenBatch batch = TokenBatch.pad(expected.ids(), expected.types(), 0);
      assertThatThrownBy(() -> bi.logits(batch)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void saveIsUnsupported(@TempDir Path dir) {
    assertThatThrownBy(() -> encoder.save(dir))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("HuggingFace checkpoint");
  }

  @Test
  void garbageFileIsAModelLoadException(@TempDir Path dir) throws IOException {
    Path garbage = dir.resolve("garbage.pt");
    Files.writeString(garbage, "this is not a TorchScript module\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> load(garbage))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(garbage.toString());
  }

  @Test
  void zipThatIsNotTorchScriptIsAModelLoadException(@TempDir Path dir) throws IOException {
    // Passes the zip magic check, so libtorch itself has to reject it.
    Path zip = dir.resolve("notscript.pt");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream zipOut = new ZipOutputStream(out)) {
      zipOut.putNextEntry(new ZipEntry("notscript/data.pkl"));
      zipOut.write("not a pickle".getBytes(StandardCharsets.UTF_8));
      zipOut.closeEntry();
    }

    assertThatThrownBy(() -> load(zip))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(zip.toString());
  }

  @Test
  void missingFileIsAModelLoadException(@TempDir Path dir) {
    Path missing = dir.resolve("missing.pt");

    assertThatThrownBy(() -> load(missing))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(missing.toString())
        .satisfies(
            e -> assertThat(((ModelLoadException) e).source()).isEqualTo(missing.toString()));
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() {
    TorchScriptEncoder own = load(modelPt);
    TokenBatch batch = TokenBatch.pad(expected.ids(), expected.types(), 0);
    assertThat(own.logits(batch)).hasNumberOfRows(expected.ids().length);

    own.close();
    own.close();

    assertThatThrownBy(() -> own.logits(batch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model is closed");
    assertThatThrownBy(() -> own.embed(batch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model is closed");
  }

  private static TorchScriptEncoder load(Path path) {
    return TorchScriptEncoder.load(
        path, tokenizerJson, ModelKind.CROSS_ENCODER, LABELS, MAX_POSITIONS);
  }

  private static Expected readExpected(String json) {
    JsonObject root = new Gson().fromJson(json, JsonObject.class);
    JsonArray ids = root.getAsJsonArray("input_ids");
    JsonArray types = root.getAsJsonArray("token_type_ids");
    JsonArray mask = root.getAsJsonArray("attention_mask");
    JsonArray logits = root.getAsJsonArray("logits");
    int rows = ids.size();
    long[][] rowIds = new long[rows][];
    long[][] rowTypes = new long[rows][];
    double[][] rowLogits = new double[rows][];
    for (int i = 0; i < rows; i++) {
      // Drop the right padding: TokenBatch.pad puts it back.
      int length = 0;
      for (var m : mask.get(i).getAsJsonArray()) {
        length += m.getAsInt();
      }
      rowIds[i] = longs(ids.get(i).getAsJsonArray(), length);
      rowTypes[i] = longs(types.get(i).getAsJsonArray(), length);
      JsonArray row = logits.get(i).getAsJsonArray();
      rowLogits[i] = new double[row.size()];
      for (int j = 0; j < row.size(); j++) {
        rowLogits[i][j] = row.get(j).getAsDouble();
      }
    }
    return new Expected(rowIds, rowTypes, rowLogits);
  }

  private static long[] longs(JsonArray array, int length) {
    long[] values = new long[length];
    for (int j = 0; j < length; j++) {
      values[j] = array.get(j).getAsLong();
    }
    return values;
  }

  private static Path resourcePath(String name) throws URISyntaxException {
    URL url = TorchScriptEncoderTest.class.getResource(name);
    assertThat(url).as("test resource %s", name).isNotNull();
    return Paths.get(url.toURI());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TorchScriptEncoderTest.class.getResourceAsStream(name)) {
      assertThat(in).as("test resource %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
