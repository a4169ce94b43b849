package dev.reranker.training;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.BertConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A reaction log a model can learn: each dialog talks about one of four topics ("pizza and
 * cheese"); each context gets an on-topic reply (upvote, "rice or pizza") and an off-topic one
 * (downvote, "guitar or jazz") from one of four other topics that no context uses, so candidates
 * group by context; a share of the reactions is flipped (label noise).
 *
 * <p>Why off-topic replies come from topics no context uses: then a model can tell them apart
 * within a few hundred steps from random weights, which is what the tests check (the training
 * machinery). When off-topic replies share the contexts' topics, only a comparison of the two
 * segments helps, and a randomly initialised tiny BERT sits on the loss plateau for a
 * data-dependent 300 to 1000+ steps before it finds one: too long and too erratic for CI.
 */
public final class SyntheticReactions {
  static final List<List<String>> TOPICS =
      List.of(
          List.of("pizza", "cheese", "rice"),
          List.of("guitar", "piano", "jazz"),
          List.of("football", "tennis", "golf"),
          List.of("beach", "hotel", "flight"),
          List.of("dog", "cat", "rabbit"),
          List.of("rain", "snow", "storm"),
          List.of("office", "boss", "salary"),
          List.of("film", "actor", "cinema"));

  /** Contexts use the first four topics; off-topic replies the other four. */
  static final int CONTEXT_TOPICS = 4;

  private SyntheticReactions() {}

  /** Returns {@code dialogs * 2} records, dialog ids {@code d0, d1, ...}. */
  public static List<ReactionRecord> generate(int dialogs, double noise, long seed) {
    return generate("d", dialogs, noise, seed);
  }

  /** Returns {@code dialogs * 2} records; {@code noise} of the reactions are flipped. */
  static List<ReactionRecord> generate(String prefix, int dialogs, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ReactionRecord> out = new ArrayList<>();
    for (int d = 0; d < dialogs; d++) {
      int topic = r.nextInt(CONTEXT_TOPICS);
      int other = CONTEXT_TOPICS + r.nextInt(TOPICS.size() - CONTEXT_TOPICS);
      Dialog dialog = Dialog.of(Turn.user(word(topic, r) + " and " + word(topic, r)));
      String id = prefix + d;
      out.add(record(id, dialog, reply(topic, r), true, noise, r));
      out.add(record(id, dialog, reply(other, r), false, noise, r));
    }
    return out;
  }

  private static ReactionRecord record(
      String id, Dialog dialog, String reply, boolean good, double noise, SplittableRandom r) {
    boolean up = r.nextDouble() < noise ? !good : good;
    return ReactionRecord.of(id, dialog, reply, up ? Reaction.UPVOTE : Reaction.DOWNVOTE);
  }

  private static String reply(int topic, SplittableRandom r) {
    return word(topic, r) + " or " + word(topic, r);
  }

  private static String word(int topic, SplittableRandom r) {
    List<String> words = TOPICS.get(topic);
    return words.get(r.nextInt(words.size()));
  }

  /** A tiny BERT over the bundled tokenizer's vocabulary: hidden 32, 2 layers, 2 heads. */
  public static BertConfig tinyBert() {
    return new BertConfig(30522, 32, 2, 2, 64, 128, 2, 1e-12f, List.of());
  }

  /** Writes the bundled tokenizer to {@code dir} and returns its path. */
  public static Path tokenizerFile(Path dir) {
    try {
      Path file = dir.resolve("tokenizer.json");
      if (!Files.exists(file)) {
        Files.createDirectories(dir);
        Files.writeString(file, BundledModel.tokenizerJson());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
