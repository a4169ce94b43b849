package dev.reranker.internal.tokenization;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import dev.reranker.model.ModelKind;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.TokenBatch;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns a dialog and its candidates into model inputs.
 *
 * <p>Context: the persona facts (bot's, then the user's), then the turns oldest first, joined by
 * spaces into one text and tokenized once per request. No speaker markers are added: the bundled
 * bi-encoder was trained on plain text, and BERT's WordPiece never joins tokens across spaces, so
 * the result equals tokenizing each part alone.
 *
 * <p>Cross-encoder sequence: {@code [CLS] context [SEP] reply [SEP]}, token types 0 then 1, at most
 * {@code maxSeqLen} tokens. The reply keeps up to {@code maxReplyTokens} tokens, or more when the
 * context leaves room; the context keeps its newest tokens (left truncation), so persona facts go
 * first, then the oldest turns. A non-empty context keeps at least one token.
 *
 * <p>Bi-encoder sequences: {@code [CLS] context [SEP]} (newest {@code maxSeqLen - 2} tokens) and
 * {@code [CLS] reply [SEP]} (first {@code maxSeqLen - 2} tokens), embedded separately.
 *
 * <p>Thread-safe: both tokenizers are immutable once built.
 */
public final class PairEncoder implements AutoCloseable {
  private final @Nullable WordPieceTokenizer fast;
  private final @Nullable HuggingFaceTokenizer tokenizer;
  private final ModelKind kind;
  private final int maxSeqLen;
  private final int maxReplyTokens;
  private final long cls;
  private final long sep;
  private final long pad;
  private final boolean fixedPadding;

  /**
   * Creates an encoder.
   *
   * @throws IllegalArgumentException if {@code maxReplyTokens} leaves no room for the context
   * @throws ModelLoadException if the tokenizer JSON is unreadable or lacks [CLS]/[SEP]/[PAD]
   */
  public PairEncoder(String tokenizerJson, ModelKind kind, int maxSeqLen, int maxReplyTokens) {
    this(tokenizerJson, kind, maxSeqLen, maxReplyTokens, false, true);
  }

  /**
   * Creates an encoder; with {@code fixedPadding} every batch is padded to {@code maxSeqLen}
   * instead of its longest sequence (for fixed-shape graphs, and as a benchmark baseline). With
   * {@code fastTokenizer} it tokenizes with {@link WordPieceTokenizer} when the JSON describes a
   * BERT WordPiece pipeline it reproduces exactly (same ids, no JNI crossing), else with the
   * HuggingFace Rust tokenizer.
   *
   * @throws IllegalArgumentException if {@code maxReplyTokens} leaves no room for the context
   * @throws ModelLoadException if the tokenizer JSON is unreadable or lacks [CLS]/[SEP]/[PAD]
   */
  public PairEncoder(
      String tokenizerJson,
      ModelKind kind,
      int maxSeqLen,
      int maxReplyTokens,
      boolean fixedPadding,
      boolean fastTokenizer) {
    this.fixedPadding = fixedPadding;
    checkArgument(maxSeqLen >= 5, "maxSeqLen must be at least 5, but was %s", maxSeqLen);
    checkArgument(
        maxReplyTokens >= 1, "maxReplyTokens must be positive, but was %s", maxReplyTokens);
    replyBudgetError(maxSeqLen, maxReplyTokens)
        .ifPresent(
            message -> {
              throw new IllegalArgumentException(message);
            });
    Map<String, Long> special = specialTokens(tokenizerJson); // has all three, or it threw
    this.cls = java.util.Objects.requireNonNull(special.get("[CLS]"));
    this.sep = java.util.Objects.requireNonNull(special.get("[SEP]"));
    this.pad = java.util.Objects.requireNonNull(special.get("[PAD]"));
    this.kind = kind;
    this.maxSeqLen = maxSeqLen;
    this.maxReplyTokens = maxReplyTokens;
    this.fast = fastTokenizer ? WordPieceTokenizer.fromJson(tokenizerJson).orElse(null) : null;
    this.tokenizer = fast == null ? Tokenizers.create(tokenizerJson, "tokenizer.json") : null;
  }

  /**
   * The one home of the reply-budget rule: a pair is {@code [CLS] context [SEP] reply [SEP]}, so
   * the reply's budget must leave at least one token of context, {@code maxReplyTokens <= maxSeqLen
   * - 4}. Callers throw the exception their own contract names.
   *
   * @return the message naming both values when the rule is broken, else empty
   */
  public static Optional<String> replyBudgetError(int maxSeqLen, int maxReplyTokens) {
    if (maxReplyTokens <= maxSeqLen - 4) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "maxReplyTokens (%d) must leave room for the context: at most maxSeqLen (%d) - 4 = %d",
            maxReplyTokens,
            maxSeqLen,
            maxSeqLen - 4));
  }

  private static Map<String, Long> specialTokens(String json) {
    Map<String, Long> found = new java.util.HashMap<>();
    try {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      if (root.has("added_tokens")) {
        for (JsonElement e : root.getAsJsonArray("added_tokens")) {
          JsonObject t = e.getAsJsonObject();
          found.put(t.get("content").getAsString(), t.get("id").getAsLong());
        }
      }
      JsonObject model = root.getAsJsonObject("model");
      if (model != null && model.has("vocab") && model.get("vocab").isJsonObject()) {
        JsonObject vocab = model.getAsJsonObject("vocab");
        for (String token : List.of("[CLS]", "[SEP]", "[PAD]")) {
          if (!found.containsKey(token) && vocab.has(token)) {
            found.put(token, vocab.get(token).getAsLong());
          }
        }
      }
    } catch (RuntimeException e) {
      throw new ModelLoadException("tokenizer.json", "unreadable tokenizer.json: " + e, e);
    }
    for (String token : List.of("[CLS]", "[SEP]", "[PAD]")) {
      if (!found.containsKey(token)) {
        throw new ModelLoadException(
            "tokenizer.json",
            "no " + token + " token: the pair encoder needs a BERT tokenizer",
            null);
      }
    }
    return found;
  }

  /** Returns the longest sequence this encoder produces. */
  public int maxSeqLen() {
    return maxSeqLen;
  }

  /** Returns the text of a dialog's context segment, before tokenization. */
  public static String contextText(Dialog dialog) {
    StringBuilder text = new StringBuilder();
    for (String fact : dialog.botPersona()) {
      append(text, fact);
    }
    for (String fact : dialog.userFacts()) {
      append(text, fact);
    }
    for (Turn turn : dialog.turns()) {
      append(text, turn.text());
    }
    return text.toString();
  }

  private static void append(StringBuilder text, String part) {
    if (!part.isBlank()) {
      if (text.length() > 0) {
        text.append(' ');
      }
      text.append(part.strip());
    }
  }

  /** Tokenizes the context once and every candidate, and truncates each pair. */
  public List<EncodedPair> encode(Dialog dialog, List<Candidate> candidates) {
    long[] context = tokenize(contextText(dialog));
    List<String> texts = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      texts.add(c.text());
    }
    List<long[]> replies = tokenizeAll(texts);
    List<EncodedPair> pairs = new ArrayList<>(candidates.size());
    for (long[] reply : replies) {
      pairs.add(truncate(context, reply));
    }
    return pairs;
  }

  /**
   * Decides how much of a pair survives (see the class comment), for token ids this encoder made:
   * lets a trainer pair one tokenized context with many tokenized replies without tokenizing again.
   */
  public EncodedPair truncate(long[] context, long[] reply) {
    if (kind == ModelKind.BI_ENCODER) {
      int room = maxSeqLen - 2;
      return new EncodedPair(
          context, Math.min(context.length, room), reply, Math.min(reply.length, room));
    }
    int available = maxSeqLen - 3;
    int replyKeep = Math.min(reply.length, Math.max(maxReplyTokens, available - context.length));
    int contextKeep = Math.min(context.length, available - replyKeep);
    return new EncodedPair(context, contextKeep, reply, replyKeep);
  }

  /**
   * Tokenizes texts to embed alone: {@code [CLS] tokens [SEP]} each, the first {@code maxSeqLen -
   * 2} tokens of the stripped text ({@code [CLS] [SEP]} for a blank one). Pad them with {@link
   * #padId()}.
   */
  public List<long[]> sequences(List<String> texts) {
    List<String> stripped = new ArrayList<>(texts.size());
    for (String t : texts) {
      stripped.add(t.strip());
    }
    List<long[]> tokens = tokenizeAll(stripped);
    List<long[]> out = new ArrayList<>(tokens.size());
    for (long[] t : tokens) {
      int keep = Math.min(t.length, maxSeqLen - 2);
      long[] row = new long[keep + 2];
      row[0] = cls;
      System.arraycopy(t, 0, row, 1, keep);
      row[keep + 1] = sep;
      out.add(row);
    }
    return out;
  }

  /** Returns the id of the padding token. */
  public long padId() {
    return pad;
  }

  /** Returns whether the pure-Java tokenizer is in use (rather than the Rust one via JNI). */
  public boolean usesFastTokenizer() {
    return fast != null;
  }

  private long[] tokenize(String text) {
    if (text.isEmpty()) {
      return new long[0];
    }
    if (fast != null) {
      return fast.encode(text);
    }
    return requireNonNull(tokenizer).encode(text, false, false).getIds();
  }

  private List<long[]> tokenizeAll(List<String> texts) {
    if (fast != null) {
      return fast.encodeAll(texts);
    }
    Encoding[] encodings = requireNonNull(tokenizer).batchEncode(texts, false, false);
    List<long[]> out = new ArrayList<>(encodings.length);
    for (int i = 0; i < encodings.length; i++) {
      out.add(texts.get(i).isEmpty() ? new long[0] : encodings[i].getIds());
    }
    return out;
  }

  /** Builds the cross-encoder batch, padded to its longest pair. */
  public TokenBatch crossBatch(List<EncodedPair> pairs) {
    int length = fixedPadding ? maxSeqLen : 0;
    for (EncodedPair p : pairs) {
      length = Math.max(length, p.pairLength());
    }
    int size = pairs.size();
    long[] ids = new long[size * length];
    long[] types = new long[size * length];
    long[] mask = new long[size * length];
    java.util.Arrays.fill(ids, pad);
    for (int row = 0; row < size; row++) {
      EncodedPair p = pairs.get(row);
      int at = row * length;
      ids[at++] = cls;
      System.arraycopy(p.context(), p.context().length - p.contextKeep(), ids, at, p.contextKeep());
      at += p.contextKeep();
      ids[at++] = sep;
      int replyStart = at;
      System.arraycopy(p.reply(), 0, ids, at, p.replyKeep());
      at += p.replyKeep();
      ids[at++] = sep;
      java.util.Arrays.fill(types, replyStart, at, 1L);
      java.util.Arrays.fill(mask, row * length, at, 1L);
    }
    return new TokenBatch(size, length, ids, types, mask);
  }

  /**
   * Builds the bi-encoder batch: first every distinct context (by identity) of {@code pairs}, then
   * every reply, each {@code [CLS] tokens [SEP]}.
   *
   * @return the batch, and for each pair the row of its context
   */
  public BiBatch biBatch(List<EncodedPair> pairs) {
    // Keyed by identity: pairs of one request share their context's token array.
    IdentityHashMap<long[], Integer> contextRow = new IdentityHashMap<>();
    List<long[]> rows = new ArrayList<>();
    List<int[]> ranges = new ArrayList<>(); // {start, length} within the row's tokens
    int[] rowOfContext = new int[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      EncodedPair p = pairs.get(i);
      Integer row = contextRow.get(p.context());
      if (row == null) {
        row = rows.size();
        contextRow.put(p.context(), row);
        rows.add(p.context());
        ranges.add(new int[] {p.context().length - p.contextKeep(), p.contextKeep()});
      }
      rowOfContext[i] = row;
    }
    int contexts = rows.size();
    for (EncodedPair p : pairs) {
      rows.add(p.reply());
      ranges.add(new int[] {0, p.replyKeep()});
    }
    int length = fixedPadding ? maxSeqLen : 0;
    for (int[] r : ranges) {
      length = Math.max(length, r[1] + 2);
    }
    int size = rows.size();
    long[] ids = new long[size * length];
    long[] mask = new long[size * length];
    java.util.Arrays.fill(ids, pad);
    for (int row = 0; row < size; row++) {
      int[] r = ranges.get(row);
      int at = row * length;
      ids[at] = cls;
      System.arraycopy(rows.get(row), r[0], ids, at + 1, r[1]);
      ids[at + 1 + r[1]] = sep;
      java.util.Arrays.fill(mask, at, at + r[1] + 2, 1L);
    }
    return new BiBatch(
        new TokenBatch(size, length, ids, new long[size * length], mask), contexts, rowOfContext);
  }

  /**
   * A bi-encoder batch: rows {@code [0, contexts)} are contexts, row {@code contexts + i} is pair
   * {@code i}'s reply, whose context is row {@code rowOfContext[i]}.
   */
  public record BiBatch(TokenBatch batch, int contexts, int[] rowOfContext) {}

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }
}
