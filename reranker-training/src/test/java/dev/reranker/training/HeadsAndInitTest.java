package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Candidate;
import dev.reranker.Reranker;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.io.SafeTensors;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.BaselineConfig;
import dev.reranker.model.ModelKind;
import dev.reranker.model.RerankerModel;
import dev.reranker.model.TokenBatch;
import dev.reranker.training.internal.BertTrainable;
import dev.reranker.training.internal.Gradients;
import dev.reranker.training.internal.ReactionLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heads (two labels, multi-label), starting from the bundled MiniLM, gradient clipping. */
class HeadsAndInitTest {
  @TempDir Path tmp;

  private static List<ReactionRecord> withAllReactions(List<ReactionRecord> records) {
    SplittableRandom r = new SplittableRandom(1);
    List<ReactionRecord> out = new ArrayList<>();
    for (ReactionRecord rec : records) {
      Reaction reaction =
          r.nextInt(3) == 0
              ? Reaction.values()[r.nextInt(Reaction.values().length)]
              : rec.reaction();
      out.add(ReactionRecord.of(rec.dialogId(), rec.dialog(), rec.reply(), reaction));
    }
    return out;
  }

  private static JsonObject config(Path dir) throws IOException {
    return JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
  }

  @Test
  void twoLabelsAndMultiLabelHeadsServeTheUpvoteLogit() throws IOException {
    DatasetSplit split =
        ReactionLog.of(withAllReactions(SyntheticReactions.generate(60, 0, 4))).split(0.3, 2);
    RerankerTrainer trainer =
        RerankerTrainer.builder()
            .model(
                RerankerModel.random(
                    SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(tmp), 5))
            .head(HeadType.TWO_LABELS)
            .multiLabel(true)
            .epochs(1)
            .output(tmp.resolve("multi"))
            .quiet()
            .build();
    assertThat(trainer.labels())
        .containsExactly("downvote", "upvote", "love", "funny", "meaningless", "offensive");
    TrainingResult result = trainer.fit(split.train(), split.validation());
    JsonObject id2label = config(result.checkpoint()).getAsJsonObject("id2label");
    assertThat(id2label.get("1").getAsString()).isEqualTo("upvote");
    assertThat(id2label.get("5").getAsString()).isEqualTo("offensive");
    try (Reranker reranker = Reranker.builder().model(result.checkpoint()).build()) {
      EvaluationReport served = ReactionEvaluation.evaluate(reranker, split.validation());
      assertThat(served.auc()).isCloseTo(result.best().validation().auc(), within(1e-3));
    }
  }

  @Test
  void bundledMiniLmGetsAFreshPoolerAndClassifier() throws IOException {
    DatasetSplit split = ReactionLog.of(SyntheticReactions.generate(30, 0, 4)).split(0.3, 2);
    TrainingResult result =
        RerankerTrainer.builder()
            .model(RerankerModel.miniLmBiEncoder())
            .epochs(1)
            .batchSize(16)
            .maxSeqLen(32)
            .output(tmp.resolve("minilm"))
            .quiet()
            .build()
            .fit(split.train(), split.validation());
    assertThat(result.model()).contains("6 layers, hidden 384").contains("labels [upvote]");
    assertThat(config(result.checkpoint()).get("architectures").toString())
        .contains("BertForSequenceClassification");
    assertThat(SafeTensors.read(result.checkpoint().resolve("model.safetensors")))
        .containsKeys(
            "bert.pooler.dense.weight",
            "classifier.weight",
            "bert.encoder.layer.5.output.LayerNorm.bias");
    try (Reranker reranker = Reranker.builder().model(result.checkpoint()).maxSeqLen(32).build()) {
      float p = reranker.score(split.validation().get(0).dialog(), "pizza or cheese");
      assertThat(p).isBetween(0f, 1f);
    }
  }

  @Test
  void rejectsAModelThatIsNotTheNativeBert() {
    assertThatThrownBy(
            () ->
                RerankerTrainer.builder()
                    .model(RerankerModel.bundled())
                    .baseline(BaselineConfig.talk())
                    .output(tmp)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("set model(...) or baseline(...), not both");
    assertThatThrownBy(() -> RerankerTrainer.builder().build())
        .hasMessage("call output(...) before build()");
    assertThatThrownBy(() -> RerankerTrainer.builder().epochs(0))
        .hasMessage("epochs must be positive, but was 0");
  }

  @Test
  void clipsTheGlobalNorm() {
    List<String> labels = List.of("upvote");
    try (NativeBert bert =
            NativeBert.withRandomRest(
                SyntheticReactions.tinyBert().withLabels(labels),
                Map.of(),
                BundledModel.tokenizerJson(),
                1,
                Device.cpu());
        BertTrainable model = new BertTrainable(bert);
        PairEncoder encoder =
            new PairEncoder(bert.tokenizerJson(), ModelKind.CROSS_ENCODER, 80, 20);
        Trainer trainer =
            new Trainer(
                bert.djlModel(),
                new DefaultTrainingConfig(new ReactionLoss())
                    .optDevices(new Device[] {Device.cpu()}));
        NDManager manager = trainer.getManager().newSubManager()) {
      trainer.initialize(model.initShapes());
      List<Parameter> params = new ArrayList<>(bert.block().getParameters().values());
      TokenBatch tokens =
          encoder.crossBatch(
              encoder.encode(
                  dev.reranker.Dialog.of(dev.reranker.Turn.user("pizza and cheese")),
                  List.of(Candidate.of("rice or cake"), Candidate.of("guitar or jazz"))));
      NDList labelsList =
          new NDList(
              manager.create(new float[] {1, 0}, new Shape(2, 1)), manager.ones(new Shape(2, 1)));
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = model.logits(trainer.forward(model.inputs(manager, tokens)));
        collector.backward(new ReactionLoss().evaluate(labelsList, new NDList(logits)));
      }
      double norm = Gradients.clipByGlobalNorm(params, 1e-3, 1, manager);
      assertThat(norm).isGreaterThan(1e-3).isFinite();
      assertThat(Gradients.clipByGlobalNorm(params, 0, 1, manager)).isCloseTo(1e-3, within(1e-6));
      // a loss scale divides the norm and the gradients
      assertThat(Gradients.clipByGlobalNorm(params, 0, 4, manager)).isCloseTo(2.5e-4, within(1e-6));
      assertThat(Gradients.clipByGlobalNorm(params, 0, 1, manager)).isCloseTo(2.5e-4, within(1e-6));
      Gradients.zero(params, manager);
      assertThat(Gradients.clipByGlobalNorm(params, 0, 1, manager)).isZero();
    }
  }
}
