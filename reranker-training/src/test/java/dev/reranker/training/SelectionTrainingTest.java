package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import dev.reranker.model.RerankerModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Response-selection training of a tiny BERT on a toy task: contexts and true replies talk about
 * one of four topics, each example's own (dataset) negatives about topics no context uses, and the
 * random negatives are on-topic replies of other dialogs. A randomly initialised tiny BERT learns
 * the first distinction within a few dozen steps; the second needs a comparison of the two
 * segments, which it finds only after hundreds of steps (see {@link SyntheticReactions}), too slow
 * for a unit test. So hits@1 out of 5 (the true reply, 3 own negatives, 1 other dialog's reply)
 * goes from chance (0.2) to about 0.5, not 1.
 */
class SelectionTrainingTest {
  static TrainingResult result;
  static String log;
  @TempDir static Path shared;

  /** {@code dialogs} dialogs, one example each, with {@code own} off-topic negatives. */
  static List<SelectionExample> toy(String prefix, int dialogs, int own, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SelectionExample> out = new ArrayList<>();
    int topics = SyntheticReactions.CONTEXT_TOPICS;
    for (int d = 0; d < dialogs; d++) {
      int topic = r.nextInt(topics);
      String reply = word(topic, r) + " or " + word(topic, r) + " " + d;
      List<String> negatives = new ArrayList<>();
      for (int n = 0; n < own; n++) {
        int off = topics + r.nextInt(SyntheticReactions.TOPICS.size() - topics);
        negatives.add(word(off, r) + " or " + word(off, r) + " " + n);
      }
      out.add(
          new SelectionExample(
              prefix + d,
              Dialog.of(Turn.user(word(topic, r) + " and " + word(topic, r))),
              reply,
              negatives,
              "toy"));
    }
    return out;
  }

  private static String word(int topic, SplittableRandom r) {
    List<String> words = SyntheticReactions.TOPICS.get(topic);
    return words.get(r.nextInt(words.size()));
  }

  @BeforeAll
  static void trainOnce() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    result =
        RerankerTrainer.builder()
            .model(
                RerankerModel.random(
                    SyntheticReactions.tinyBert(), SyntheticReactions.tokenizerFile(shared), 3))
            .negatives(3) // 2 own + 1 from another dialog, mined after the first 4 steps
            .hardNegatives(1)
            .miningInterval(4)
            .validationCandidates(5)
            .epochs(5)
            .batchSize(16)
            .learningRate(2e-3f)
            .maxSeqLen(24)
            .maxReplyTokens(8)
            .patience(0)
            .output(shared.resolve("selection"))
            .progress(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .build()
            .fitSelection(toy("t", 200, 2, 1), toy("v", 80, 3, 2));
    log = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void learnsTheToyTaskWellAboveChance() {
    EvaluationReport before = result.initialValidation().orElseThrow();
    EvaluationReport best = result.best().validation();
    assertThat(best.candidatesPerGroup()).isEqualTo(5.0);
    assertThat(best.groups()).isEqualTo(80);
    assertThat(before.hitsAt1()).as(log).isLessThan(0.35); // chance: 0.2
    assertThat(best.hitsAt1()).as(log).isGreaterThanOrEqualTo(0.4);
    assertThat(best.mrr()).isGreaterThan(before.mrr());
    assertThat(Files.exists(result.checkpoint().resolve("model.safetensors"))).isTrue();
    assertThat(log).contains("200 train groups of 1+3 pairs (listwise loss, 100% of free slots");
  }
}
