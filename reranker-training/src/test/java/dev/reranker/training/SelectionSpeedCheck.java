package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import dev.reranker.model.RerankerModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures selection-training throughput of the bundled MiniLM (6 layers, hidden 384): one epoch of
 * 64 groups of 1+7 pairs at maxSeqLen 64, without and with hard-negative mining. Not a unit test:
 * run it with {@code -Dtest=SelectionSpeedCheck -Dreranker.speed=true} and read the lines it
 * prints; the numbers depend on the machine.
 */
@EnabledIfSystemProperty(named = "reranker.speed", matches = "true")
class SelectionSpeedCheck {
  private static final String[] WORDS =
      ("i you we like love have dog cat pizza music work school movie game weekend friend family "
              + "travel beach book read play guitar run cook eat drink coffee tea city home job "
              + "garden rain sun winter summer car bike walk talk phone night morning")
          .split(" ");

  @TempDir Path tmp;

  private static String sentence(SplittableRandom r, int words) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < words; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  private static List<SelectionExample> examples(String prefix, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SelectionExample> out = new ArrayList<>();
    for (int d = 0; d < n; d++) {
      Dialog dialog =
          Dialog.of(
              Turn.user(sentence(r, 12)), Turn.bot(sentence(r, 12)), Turn.user(sentence(r, 12)));
      out.add(new SelectionExample(prefix + d, dialog, sentence(r, 10), List.of(), "speed"));
    }
    return out;
  }

  @Test
  void pairsPerSecond() {
    for (double hard : new double[] {0, 0.25}) {
      TrainingResult result =
          RerankerTrainer.builder()
              .model(RerankerModel.miniLmBiEncoder())
              .negatives(7)
              .hardNegatives(hard)
              .miningInterval(2)
              .batchSize(8)
              .epochs(1)
              .maxSeqLen(64)
              .validationCandidates(2)
              .output(tmp.resolve("hard" + hard))
              .quiet()
              .build()
              .fitSelection(examples("t", 64, 1), examples("v", 4, 2));
      double seconds = result.history().get(0).duration().toNanos() / 1e9;
      System.out.printf(
          Locale.ROOT,
          "speed: hardNegatives %.2f: 512 training pairs (64 groups of 1+7, maxSeqLen 64) in "
              + "%.1f s = %.1f pairs/s%n",
          hard,
          seconds,
          512 / seconds);
      assertThat(seconds).isPositive();
    }
  }
}
