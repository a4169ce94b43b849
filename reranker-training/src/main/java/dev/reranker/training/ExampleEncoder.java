package dev.reranker.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.internal.tokenization.EncodedPair;
import dev.reranker.internal.tokenization.PairEncoder;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns reaction records into training examples, each tokenized once with serving's {@link
 * PairEncoder} ({@code [CLS] context [SEP] reply [SEP]}) and given one target and one weight per
 * label; and batches of examples into token batches and target arrays. Owns (and closes) the pair
 * encoder.
 */
final class ExampleEncoder implements AutoCloseable {
  /**
   * One record, tokenized once, with its targets: a weight of 0 leaves a label out of the loss.
   * {@code label} is the polarity (null when the reaction has none); {@code group} the context.
   */
  record Example(
      EncodedPair pair, float[] targets, float[] weights, @Nullable Boolean label, String group) {}

  private final PairEncoder pairs;
  private final List<String> labels;

  ExampleEncoder(String tokenizerJson, List<String> labels, int maxSeqLen, int maxReplyTokens) {
    this.pairs = new PairEncoder(tokenizerJson, ModelKind.CROSS_ENCODER, maxSeqLen, maxReplyTokens);
    this.labels = List.copyOf(labels);
  }

  /** Returns the records that train at least one label: those with a polarity or a reaction. */
  List<Example> training(List<ReactionRecord> records) {
    return encode(records, true);
  }

  /** Returns the records with a polarity: validation measures upvote against downvote. */
  List<Example> validation(List<ReactionRecord> records) {
    return encode(records, false);
  }

  private List<Example> encode(List<ReactionRecord> records, boolean training) {
    List<Example> out = new ArrayList<>(records.size());
    for (ReactionRecord r : records) {
      Optional<Boolean> polarity = r.reaction().polarity();
      float[] targets = new float[labels.size()];
      float[] weights = new float[labels.size()];
      boolean any = false;
      for (int j = 0; j < labels.size(); j++) {
        String label = labels.get(j);
        if (label.equals("upvote") || label.equals("downvote")) {
          if (polarity.isPresent()) {
            targets[j] = polarity.get() == label.equals("upvote") ? 1 : 0;
            weights[j] = 1;
            any = true;
          }
        } else {
          targets[j] = r.reaction().label().equals(label) ? 1 : 0;
          weights[j] = 1;
          any = true;
        }
      }
      if (training ? !any : polarity.isEmpty()) {
        continue;
      }
      EncodedPair pair = pairs.encode(r.dialog(), List.of(Candidate.of(r.reply()))).get(0);
      out.add(new Example(pair, targets, weights, polarity.orElse(null), r.contextKey()));
    }
    return out;
  }

  /** Returns the examples' pairs as one right-padded cross-encoder batch. */
  TokenBatch tokens(List<Example> batch) {
    List<EncodedPair> encoded = new ArrayList<>(batch.size());
    batch.forEach(e -> encoded.add(e.pair()));
    return pairs.crossBatch(encoded);
  }

  /**
   * Tokenizes a dialog's context once and each text once: pair {@code i} holds the whole token ids
   * of both ({@link EncodedPair#context()}, {@link EncodedPair#reply()}), for {@link #pair} to
   * recombine.
   */
  List<EncodedPair> encode(Dialog dialog, List<String> texts) {
    List<Candidate> candidates = new ArrayList<>(texts.size());
    texts.forEach(t -> candidates.add(Candidate.of(t)));
    return pairs.encode(dialog, candidates);
  }

  /** Pairs token ids from {@link #encode}, truncated as serving truncates. */
  EncodedPair pair(long[] context, long[] reply) {
    return pairs.truncate(context, reply);
  }

  /** Returns pairs as one right-padded cross-encoder batch. */
  TokenBatch batch(List<EncodedPair> encoded) {
    return pairs.crossBatch(encoded);
  }

  /** Returns the loss's labels: targets and weights, {@code [batch, labels]} each. */
  NDList targets(NDManager manager, List<Example> batch) {
    int width = labels.size();
    float[] targets = new float[batch.size() * width];
    float[] weights = new float[batch.size() * width];
    for (int i = 0; i < batch.size(); i++) {
      Example e = batch.get(i);
      System.arraycopy(e.targets(), 0, targets, i * width, width);
      System.arraycopy(e.weights(), 0, weights, i * width, width);
    }
    Shape shape = new Shape(batch.size(), width);
    return new NDList(manager.create(targets, shape), manager.create(weights, shape));
  }

  @Override
  public void close() {
    pairs.close();
  }
}
