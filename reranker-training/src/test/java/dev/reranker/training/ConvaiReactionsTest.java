package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real ConvAI reactions file, where the checkout has it beside the repository ({@code
 * ../shared/data/convai-reactions/}); skipped elsewhere. It is never copied into the project.
 */
class ConvaiReactionsTest {
  static final String RELATIVE = "shared/data/convai-reactions/reactions.jsonl";

  /** Returns the data file, or null where it is absent (from the module or the repo root). */
  static Path find() {
    for (Path p : new Path[] {Path.of("..", "..", RELATIVE), Path.of("..", RELATIVE)}) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void readsAndSplitsByDialog() {
    Path file = find();
    assumeTrue(file != null, "no " + RELATIVE + " beside the repository");
    ReactionLog log = ReactionLog.read(file);
    assertThat(log.size()).isEqualTo(1386);
    assertThat(log.counts())
        .containsEntry(Reaction.UPVOTE, 851)
        .containsEntry(Reaction.DOWNVOTE, 535);
    Set<String> dialogs = new HashSet<>();
    log.records().forEach(r -> dialogs.add(r.dialogId()));
    assertThat(dialogs).hasSize(483);
    DatasetSplit split = log.split(0.2, 42);
    Set<String> train = new HashSet<>();
    split.train().forEach(r -> train.add(r.dialogId()));
    split.validation().forEach(r -> assertThat(train).doesNotContain(r.dialogId()));
    assertThat(split.validation().size()).isBetween(277, 300);
  }
}
