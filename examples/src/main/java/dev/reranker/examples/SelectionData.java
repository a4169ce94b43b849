package dev.reranker.examples;

import dev.reranker.training.DialogCorpora;
import dev.reranker.training.DialogSplit;
import dev.reranker.training.RerankerTrainer;
import dev.reranker.training.SelectionExample;
import dev.reranker.training.SelectionJsonl;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The response-selection examples {@code train --dialogs FILE|DIR} reads: a JSONL file ({@link
 * SelectionJsonl}) or the public dialog corpora in a folder ({@link #corporaTrainingSide}), and
 * their split by dialog ({@code --seed}, {@code --val-fraction}, as for reaction logs). The seam
 * where other sources of {@link SelectionExample}s (dataset readers) plug in: anything that yields
 * a {@code List<SelectionExample>} can be split and trained on the same way.
 */
final class SelectionData {
  /** The Topical-Chat files training reads; {@link #TOPICAL_CHAT_CALIBRATION} is kept apart. */
  static final List<String> TOPICAL_CHAT_TRAINING =
      List.of("valid_freq.json", "valid_rare.json", "test_freq.json");

  /** The Topical-Chat file whose turn ratings calibrate P(upvote): never trained on. */
  static final String TOPICAL_CHAT_CALIBRATION = "test_rare.json";

  private final Path file;
  private final long seed;
  private final double fraction;
  private final int maxPerSource;
  private final int maxValidation;

  /** Train and validation examples, no dialog in both. */
  record Split(List<SelectionExample> train, List<SelectionExample> validation) {}

  private SelectionData(
      Path file, long seed, double fraction, int maxPerSource, int maxValidation) {
    this.file = file;
    this.seed = seed;
    this.fraction = fraction;
    this.maxPerSource = maxPerSource;
    this.maxValidation = maxValidation;
  }

  /** Checks the options; reads nothing yet. */
  static SelectionData of(ArgParser parser, ArgParser.Parsed options) throws UsageException {
    Path file = Path.of(ReactionData.require(parser, options, "--dialogs"));
    long seed =
        options
            .value("--seed", "an integer", Long::parseLong)
            .orElse(RerankerTrainer.Builder.DEFAULT_SEED);
    double fraction =
        options
            .value("--val-fraction", "a number", Double::parseDouble)
            .orElse(ReactionData.DEFAULT_VAL_FRACTION);
    if (!(fraction > 0 && fraction < 1)) {
      throw parser.fail("--val-fraction must be in (0, 1) with --dialogs, but was " + fraction);
    }
    int maxPerSource =
        options.single("--max-per-source").isPresent()
            ? options.integer("--max-per-source", 1, Integer.MAX_VALUE, 0)
            : Integer.MAX_VALUE;
    int maxValidation =
        options.single("--max-validation").isPresent()
            ? options.integer("--max-validation", 1, Integer.MAX_VALUE, 0)
            : Integer.MAX_VALUE;
    return new SelectionData(file, seed, fraction, maxPerSource, maxValidation);
  }

  long seed() {
    return seed;
  }

  /**
   * Reads the file and splits it, printing one line about it.
   *
   * @throws IllegalArgumentException naming the file and line of a bad line, or if a side is empty
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  Split split(PrintStream out) {
    List<SelectionExample> examples =
        Files.isDirectory(file) ? corporaTrainingSide(file, out) : SelectionJsonl.read(file);
    Split all = split(examples, fraction, seed);
    Split split =
        new Split(
            capPerSource(all.train(), maxPerSource, seed),
            cap(all.validation(), maxValidation, seed + 1));
    out.printf(
        Locale.ROOT,
        "data:        %s: %d examples from %d dialogs; split by dialog (seed %d, fraction "
            + "%.2f): %d train, %d validation%s%n",
        file,
        examples.size(),
        dialogs(examples),
        seed,
        fraction,
        split.train().size(),
        split.validation().size(),
        split.equals(all) ? "" : " (after --max-per-source, --max-validation)");
    split.train().stream()
        .collect(
            Collectors.groupingBy(SelectionExample::source, TreeMap::new, Collectors.counting()))
        .forEach((source, n) -> out.printf(Locale.ROOT, "             %s: %d train%n", source, n));
    return split;
  }

  /**
   * The public dialog corpora in {@code dir} (the layout of {@code ../shared/data/dialogs}), less
   * the Synthetic-Persona-Chat dialogs that {@code eval --dialogs} holds out by default ({@link
   * DialogEval#DEFAULT_TEST_FRACTION} of them, seed {@link DialogEval#DEFAULT_SEED}), so a model
   * trained here is evaluated on dialogs it never saw: Synthetic-Persona-Chat's training side,
   * DailyDialog++'s positives (its dev set is evaluation data) and the Topical-Chat turns of {@link
   * #TOPICAL_CHAT_TRAINING} ({@link #TOPICAL_CHAT_CALIBRATION}'s rated turns calibrate P(upvote)).
   *
   * @throws IllegalArgumentException if {@code dir} holds none of the corpora
   */
  static List<SelectionExample> corporaTrainingSide(Path dir, PrintStream out) {
    List<SelectionExample> examples = new ArrayList<>();
    List<SelectionExample> persona = DialogEval.syntheticPersonaChat(dir);
    int heldOut = 0;
    if (!persona.isEmpty()) {
      DialogSplit eval =
          DialogSplit.of(persona, 0, DialogEval.DEFAULT_TEST_FRACTION, DialogEval.DEFAULT_SEED);
      examples.addAll(eval.train());
      heldOut = eval.test().size();
    }
    Path positives = dir.resolve("dailydialog-plusplus").resolve("data_positives.json");
    if (Files.isRegularFile(positives)) {
      examples.addAll(DialogCorpora.dailyDialogPositives(positives));
    }
    Path topical = dir.resolve(DialogCorpora.TOPICAL_CHAT);
    for (String f : TOPICAL_CHAT_TRAINING) {
      if (Files.isRegularFile(topical.resolve(f))) {
        DialogCorpora.topicalChat(topical.resolve(f)).forEach(r -> examples.add(r.example()));
      }
    }
    if (examples.isEmpty()) {
      throw new IllegalArgumentException(
          dir
              + " holds none of synthetic-persona-chat/, dailydialog-plusplus/data_positives.json,"
              + " topical-chat/");
    }
    out.printf(
        Locale.ROOT,
        "corpora:     %s: %d examples; %d Synthetic-Persona-Chat examples held out for eval"
            + " --dialogs (seed %d)%n",
        dir,
        examples.size(),
        heldOut,
        DialogEval.DEFAULT_SEED);
    return examples;
  }

  /**
   * Splits by dialog: a seeded shuffle of the dialog ids (in order of first appearance), the first
   * {@code fraction} of them for validation (at least one).
   *
   * @throws IllegalArgumentException if there are fewer than two dialogs
   */
  static Split split(List<SelectionExample> examples, double fraction, long seed) {
    List<String> ids =
        new ArrayList<>(new LinkedHashSet<>(examples.stream().map(e -> e.dialogId()).toList()));
    if (ids.size() < 2) {
      throw new IllegalArgumentException(
          "need at least two dialogs to split, but found " + ids.size());
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = ids.size() - 1; i > 0; i--) {
      Collections.swap(ids, i, random.nextInt(i + 1));
    }
    int held = Math.max(1, Math.min(ids.size() - 1, (int) Math.round(fraction * ids.size())));
    Set<String> validationIds = new HashSet<>(ids.subList(0, held));
    List<SelectionExample> train = new ArrayList<>();
    List<SelectionExample> validation = new ArrayList<>();
    for (SelectionExample e : examples) {
      (validationIds.contains(e.dialogId()) ? validation : train).add(e);
    }
    return new Split(List.copyOf(train), List.copyOf(validation));
  }

  /**
   * The relevance anchors of {@code train --data ... --anchor-dialogs FILE|DIR}: the selection
   * examples of a JSONL file or of the corpora folder's training side ({@link
   * #corporaTrainingSide}), at most {@code perSource} of each source (a seeded sample); prints one
   * line.
   */
  static List<SelectionExample> anchors(Path file, int perSource, long seed, PrintStream out) {
    List<SelectionExample> all =
        Files.isDirectory(file) ? corporaTrainingSide(file, out) : SelectionJsonl.read(file);
    List<SelectionExample> anchors = capPerSource(all, perSource, seed);
    out.printf(
        Locale.ROOT,
        "anchors:     %s: %d relevance-anchor examples (at most %d per source, seed %d)%n",
        file,
        anchors.size(),
        perSource,
        seed);
    return anchors;
  }

  /**
   * At most {@code max} examples of each source, a seeded sample that keeps the given order (the
   * trainer shuffles per epoch); sources under the cap keep all their examples.
   */
  static List<SelectionExample> capPerSource(List<SelectionExample> examples, int max, long seed) {
    Map<String, List<SelectionExample>> bySource = new TreeMap<>();
    examples.forEach(e -> bySource.computeIfAbsent(e.source(), s -> new ArrayList<>()).add(e));
    Set<SelectionExample> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    bySource.values().forEach(list -> kept.addAll(cap(list, max, seed)));
    return examples.stream().filter(kept::contains).toList();
  }

  /** At most {@code max} of the examples: a seeded sample in the given order. */
  static List<SelectionExample> cap(List<SelectionExample> examples, int max, long seed) {
    if (examples.size() <= max) {
      return examples;
    }
    List<Integer> indices = new ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      indices.add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = indices.size() - 1; i > 0; i--) {
      Collections.swap(indices, i, random.nextInt(i + 1));
    }
    List<Integer> chosen = new ArrayList<>(indices.subList(0, max));
    Collections.sort(chosen);
    return chosen.stream().map(examples::get).toList();
  }

  private static int dialogs(List<SelectionExample> examples) {
    Set<String> ids = new HashSet<>();
    examples.forEach(e -> ids.add(e.dialogId()));
    return ids.size();
  }
}
