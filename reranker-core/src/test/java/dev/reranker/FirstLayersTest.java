package dev.reranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.model.EncoderModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RerankerModel#firstLayers}: a model cut to its first N encoder layers. */
class FirstLayersTest {
  private static final TokenBatch BATCH =
      TokenBatch.pad(
          new long[][] {{101, 7592, 2088, 102, 2129, 2024, 2017, 102}, {101, 2748, 102}},
          new long[][] {{0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0}},
          0);

  @Test
  void keepsTheFirstLayersWeightsAndDropsTheRest() {
    RerankerModel spec = RerankerModel.miniLmBiEncoder();
    try (NativeBert whole = (NativeBert) spec.load();
        NativeBert cut = (NativeBert) spec.firstLayers(2).load()) {
      assertThat(cut.config().numLayers()).isEqualTo(2);
      assertThat(cut.config().withLayers(6)).isEqualTo(whole.config());
      Map<String, HostTensor> all = whole.weights();
      Map<String, HostTensor> kept = cut.weights();
      assertThat(kept.keySet())
          .allMatch(n -> all.containsKey(n))
          .noneMatch(n -> n.startsWith("encoder.layer.2."))
          .anyMatch(n -> n.startsWith("encoder.layer.1."));
      kept.forEach((name, t) -> assertThat(t.data()).as(name).isEqualTo(all.get(name).data()));
      assertThat(cut.calibration()).isEmpty();
      // Fewer layers, another function: the embeddings differ.
      assertThat(cut.embed(BATCH)[0]).isNotEqualTo(whole.embed(BATCH)[0]);
    }
  }

  @Test
  void allLayersComputeWhatTheWholeModelComputes() {
    RerankerModel spec = RerankerModel.miniLmBiEncoder();
    try (EncoderModel whole = spec.load();
        EncoderModel same = spec.firstLayers(6).load()) {
      float[][] a = ((NativeBert) whole).embed(BATCH);
      float[][] b = ((NativeBert) same).embed(BATCH);
      for (int i = 0; i < a.length; i++) {
        assertThat(Arrays.equals(a[i], b[i])).as("row %s", i).isTrue();
      }
    }
  }

  @Test
  void aCutBundledModelHasNoEvidenceBlend() {
    try (EncoderModel cut = RerankerModel.bundled().firstLayers(3).load()) {
      assertThat(cut.kind()).isEqualTo(ModelKind.CROSS_ENCODER);
      assertThat(cut.evidence()).isEmpty();
      assertThat(((NativeBert) cut).config().numLayers()).isEqualTo(3);
    }
  }

  @Test
  void valueSemanticsAndBadArguments() {
    RerankerModel four = RerankerModel.bundled().firstLayers(4);
    assertThat(four).isEqualTo(RerankerModel.bundled().firstLayers(4));
    assertThat(four).isNotEqualTo(RerankerModel.bundled());
    assertThat(four.hashCode()).isEqualTo(RerankerModel.bundled().firstLayers(4).hashCode());
    assertThat(four.toString()).isEqualTo("RerankerModel.bundled().firstLayers(4)");
    assertThatThrownBy(() -> RerankerModel.bundled().firstLayers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers must be positive, but was 0");
    assertThatThrownBy(
            () ->
                RerankerModel.torchScript(
                        Path.of("m.pt"), Path.of("t.json"), ModelKind.BI_ENCODER, List.of())
                    .firstLayers(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not to a TorchScript module");
    assertThatThrownBy(() -> RerankerModel.miniLmBiEncoder().firstLayers(7).load())
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("asks for 7 layers, but the model has 6");
  }
}
