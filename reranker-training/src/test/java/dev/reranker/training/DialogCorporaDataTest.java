package dev.reranker.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reranker.Turn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The real dialog corpora, where the checkout has them beside the repository ({@code
 * ../shared/data/dialogs/}); skipped elsewhere. They are never copied into the project. The counts
 * are those of the data's README.
 */
class DialogCorporaDataTest {
  static final String RELATIVE = "shared/data/dialogs";

  /**
   * Returns the corpora's folder, or null where it is absent (from the module or the repo root).
   */
  static @Nullable Path find() {
    for (Path p : new Path[] {Path.of("..", "..", RELATIVE), Path.of("..", RELATIVE)}) {
      if (Files.isDirectory(p.resolve("synthetic-persona-chat"))) {
        return p;
      }
    }
    return null;
  }

  private static Path dataOrSkip() {
    Path dir = find();
    assumeTrue(dir != null, "no " + RELATIVE + " beside the repository");
    return dir;
  }

  private static int dialogs(List<SelectionExample> examples) {
    Set<String> ids = new HashSet<>();
    examples.forEach(e -> ids.add(e.dialogId()));
    return ids.size();
  }

  @Test
  void syntheticPersonaChat_1968Conversations_lastContextTurnIsTheUsers() {
    Path dir = dataOrSkip().resolve("synthetic-persona-chat");
    List<SelectionExample> valid = DialogCorpora.syntheticPersonaChat(dir.resolve("valid.csv"));
    List<SelectionExample> test = DialogCorpora.syntheticPersonaChat(dir.resolve("test.csv"));

    assertThat(dialogs(valid)).isEqualTo(1000);
    // 968 conversations; record 511 is empty and gives no example.
    assertThat(dialogs(test)).isEqualTo(967);
    // 54,516 turns in the README's count; 1,968 first turns are no examples.
    assertThat(valid.size() + test.size()).isBetween(50_000, 54_516 - 1968);
    assertThat(valid)
        .allSatisfy(e -> assertThat(e.dialog().botPersona()).isNotEmpty())
        .allSatisfy(e -> assertThat(e.dialog().turns()).isNotEmpty());
    long userLast =
        valid.stream()
            .filter(e -> e.dialog().lastTurn().orElseThrow().speaker() == Turn.Speaker.USER)
            .count();
    assertThat(userLast).isGreaterThan(valid.size() * 95L / 100);
  }

  @Test
  void dailyDialogPlusPlus_7641And1028Contexts() {
    Path dir = dataOrSkip().resolve("dailydialog-plusplus");
    List<SelectionExample> positives =
        DialogCorpora.dailyDialogPositives(dir.resolve("data_positives.json"));
    DailyDialogDev dev = DialogCorpora.dailyDialogDev(dir.resolve("dev.json"));

    assertThat(dialogs(positives)).isEqualTo(7641);
    assertThat(dialogs(dev.randomNegatives())).isEqualTo(1028);
    assertThat(dialogs(dev.adversarialNegatives())).isEqualTo(1028);
    assertThat(dev.randomNegatives()).hasSameSizeAs(dev.adversarialNegatives());
    assertThat(dev.adversarialNegatives()).allSatisfy(e -> assertThat(e.negatives()).isNotEmpty());
  }

  @Test
  void topicalChat_2156Conversations_ratingsKept() {
    Path dir = dataOrSkip().resolve("topical-chat");
    Set<String> ids = new HashSet<>();
    long rated = 0;
    for (String f : List.of("valid_freq", "valid_rare", "test_freq", "test_rare")) {
      for (RatedExample r : DialogCorpora.topicalChat(dir.resolve(f + ".json"))) {
        ids.add(r.example().dialogId());
        rated += r.rating().isPresent() ? 1 : 0;
      }
    }
    assertThat(ids).hasSize(2156);
    assertThat(rated).isGreaterThan(40_000);
  }
}
