package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.model.BaselineConfig;
import dev.reranker.model.RerankerModel;
import dev.reranker.training.internal.LinearWarmupDecay;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming from {@code last/}: where it continues, what it checks; and early stopping. */
class ResumeTest {
  @TempDir Path tmp;

  private RerankerTrainer.Builder trainer(Path out, int epochs, PrintStream progress) {
    return RerankerTrainer.builder()
        .model(
            RerankerModel.random(
                SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(tmp), 5))
        .epochs(epochs)
        .batchSize(32)
        .learningRate(1e-3f)
        .patience(0)
        .output(out)
        .progress(progress)
        .progressBar(false);
  }

  @Test
  void continuesWhereItStopped() {
    DatasetSplit split = ReactionLog.of(SyntheticReactions.generate(100, 0.05, 3)).split(0.2, 9);
    Path out = tmp.resolve("run");
    PrintStream silent = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    TrainingResult first = trainer(out, 2, silent).build().fit(split.train(), split.validation());
    int steps = (split.train().size() + 31) / 32;
    assertThat(first.history()).hasSize(2);
    assertThat(Files.exists(out.resolve("last/trainer_state.json"))).isTrue();
    assertThat(Files.exists(out.resolve("last/model.safetensors"))).isTrue();

    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainingResult resumed =
        trainer(out, 3, new PrintStream(log, true, StandardCharsets.UTF_8))
            .resume(true)
            .build()
            .fit(split.train(), split.validation());
    assertThat(resumed.resumedFromEpoch()).isEqualTo(2);
    assertThat(resumed.initialValidation()).isEmpty();
    assertThat(resumed.history()).hasSize(3);
    // the state keeps durations in milliseconds: compare everything else
    assertThat(resumed.history().subList(0, 2))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("duration")
        .isEqualTo(first.history());
    assertThat(resumed.history().get(2).globalStep()).isEqualTo(3 * steps);
    // the schedule continues at global step 2 * steps + 1, over the 3 epochs' steps
    float lr =
        new LinearWarmupDecay(1e-3f, Math.round(0.1f * 3 * steps), 3 * steps, () -> 0)
            .valueAt(2 * steps + 1);
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("resuming after epoch 2 (step " + 2 * steps);
    assertThat(text).contains(String.format(Locale.ROOT, "epoch 3/3 step 1/%d loss", steps));
    assertThat(text).contains(String.format(Locale.ROOT, "lr %.1e", lr));
    assertThat(TrainingState.read(out.resolve("last")).epoch()).isEqualTo(3);

    // nothing left to do: a fourth run with 3 epochs returns the same result without training
    TrainingResult again =
        trainer(out, 3, silent).resume(true).build().fit(split.train(), split.validation());
    assertThat(again.history())
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("duration")
        .isEqualTo(resumed.history());
  }

  @Test
  void refusesOtherTrainingRecords() {
    DatasetSplit split = ReactionLog.of(SyntheticReactions.generate(60, 0.05, 3)).split(0.2, 9);
    Path out = tmp.resolve("run");
    PrintStream silent = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    trainer(out, 1, silent).build().fit(split.train(), split.validation());
    List<ReactionRecord> fewer = split.train().subList(1, split.train().size());
    assertThatThrownBy(
            () -> trainer(out, 2, silent).resume(true).build().fit(fewer, split.validation()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the training records differ");
    assertThatThrownBy(
            () ->
                RerankerTrainer.builder()
                    .baseline(BaselineConfig.talk())
                    .epochs(2)
                    .output(out)
                    .resume(true)
                    .quiet()
                    .build()
                    .fit(split.train(), split.validation()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "it trained a bert with labels [upvote], but this trainer has a "
                + "qa-lstm-dual-encoder");
  }

  @Test
  void stopsEarlyWhenValidationAucStopsImproving() {
    DatasetSplit split = ReactionLog.of(SyntheticReactions.generate(60, 0.05, 3)).split(0.2, 9);
    // A learning rate far below float32 resolution leaves the weights, so the AUC, unchanged.
    TrainingResult result =
        trainer(
                tmp.resolve("run"),
                5,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
            .learningRate(1e-15f)
            .patience(2)
            .build()
            .fit(split.train(), split.validation());
    assertThat(result.history()).hasSize(3);
    assertThat(result.stoppedEarly()).isTrue();
    assertThat(result.bestEpoch()).isEqualTo(1);
  }
}
