package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.reranker.Reranker;
import dev.reranker.model.BaselineConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The talk's QA-LSTM baseline trained with the same trainer as the BERT and served with the same
 * {@link Reranker}, which must reproduce the trainer's validation figures. Its forward pass and
 * checkpoint: reranker-core's {@code QaLstmModelTest}.
 */
class QaLstmBaselineTest {
  @TempDir Path tmp;

  @Test
  void trainsWithTheSameTrainerAndServesThroughReranker() {
    DatasetSplit split = ReactionLog.of(SyntheticReactions.generate(400, 0.05, 11)).split(0.25, 1);
    TrainingResult result =
        RerankerTrainer.builder()
            .baseline(new BaselineConfig(30522, 16, 16, 32, 0.1f))
            .epochs(4)
            .patience(0)
            .output(tmp.resolve("trained"))
            .quiet()
            .build()
            .fit(split.train(), split.validation());
    assertThat(result.model()).startsWith("QA-LSTM baseline");
    assertThat(result.best().validation().auc()).isGreaterThan(0.8);
    try (Reranker reranker = Reranker.builder().model(result.checkpoint()).build()) {
      EvaluationReport served = ReactionEvaluation.evaluate(reranker, split.validation());
      assertThat(served.auc()).isCloseTo(result.best().validation().auc(), within(1e-3));
      assertThat(served.logLoss()).isCloseTo(result.best().validation().logLoss(), within(1e-3));
    }
  }
}
