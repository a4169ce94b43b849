package dev.reranker.internal.tokenization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.ModelKind;
import dev.reranker.model.TokenBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PairEncoderTest {
  static final long CLS = 101;
  static final long SEP = 102;
  static PairEncoder cross;
  static PairEncoder bi;
  static HuggingFaceTokenizer reference;

  @BeforeAll
  static void create() throws Exception {
    String json = BundledModel.tokenizerJson();
    cross = new PairEncoder(json, ModelKind.CROSS_ENCODER, 80, 20);
    bi = new PairEncoder(json, ModelKind.BI_ENCODER, 80, 20);
    reference =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
            Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
  }

  @AfterAll
  static void close() {
    cross.close();
    bi.close();
    reference.close();
  }

  static final Dialog EXAM =
      Dialog.of(
          Turn.user("Just anxious and tired"),
          Turn.bot("Still worried about tomorrow?"),
          Turn.user("Yes, I have an exam"));

  static long[] row(TokenBatch batch, int row) {
    return Arrays.copyOfRange(
        batch.inputIds(), row * batch.length(), row * batch.length() + batch.rowLength(row));
  }

  static long[] types(TokenBatch batch, int row) {
    return Arrays.copyOfRange(
        batch.typeIds(), row * batch.length(), row * batch.length() + batch.rowLength(row));
  }

  @Test
  void shortPairEqualsTheHuggingFaceTokenizersPairEncoding() {
    String reply = "You will do great, you prepared well.";
    TokenBatch batch = cross.crossBatch(cross.encode(EXAM, List.of(Candidate.of(reply))));
    Encoding expected = reference.encode(PairEncoder.contextText(EXAM), reply);
    assertThat(row(batch, 0)).containsExactly(expected.getIds());
    assertThat(types(batch, 0)).containsExactly(expected.getTypeIds());
  }

  @Test
  void contextIsTokenizedOncePerRequest() {
    List<EncodedPair> pairs =
        cross.encode(EXAM, List.of(Candidate.of("a"), Candidate.of("b"), Candidate.of("c")));
    assertThat(pairs.get(1).context()).isSameAs(pairs.get(0).context());
    assertThat(pairs.get(2).context()).isSameAs(pairs.get(0).context());
  }

  @Test
  void tokenizerJsonTruncationIsOff() {
    // The bundled tokenizer.json truncates at 128 and pads to 128; the encoder must not.
    String longText = "word ".repeat(300);
    List<EncodedPair> pairs =
        cross.encode(Dialog.of(Turn.user(longText)), List.of(Candidate.of("ok")));
    assertThat(pairs.get(0).context()).hasSize(300);
  }

  @Test
  void leftTruncationKeepsTheNewestTurn() {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      turns.add(
          i % 2 == 0
              ? Turn.user("old message number " + i + " about nothing much")
              : Turn.bot("a reply to message " + i));
    }
    turns.add(Turn.user("Yes, I have an exam tomorrow"));
    Dialog dialog = Dialog.of(turns);
    TokenBatch batch =
        cross.crossBatch(
            cross.encode(dialog, List.of(Candidate.of("You will do great, you prepared well."))));
    long[] ids = row(batch, 0);
    assertThat(ids).hasSize(80);
    long[] newest = reference.encode("Yes, I have an exam tomorrow", false, false).getIds();
    int firstSep = indexOf(ids, SEP);
    long[] contextEnd = Arrays.copyOfRange(ids, firstSep - newest.length, firstSep);
    assertThat(contextEnd).containsExactly(newest);
    assertThat(ids[0]).isEqualTo(CLS);
    assertThat(ids[ids.length - 1]).isEqualTo(SEP);
  }

  @Test
  void personaIsTruncatedBeforeTheTurns() {
    Dialog dialog = EXAM.withBotPersona(List.of("i love hiking. ".repeat(40)));
    EncodedPair pair = cross.encode(dialog, List.of(Candidate.of("Good luck!"))).get(0);
    long[] turns = reference.encode(PairEncoder.contextText(EXAM), false, false).getIds();
    long[] kept =
        Arrays.copyOfRange(
            pair.context(), pair.context().length - pair.contextKeep(), pair.context().length);
    assertThat(kept.length).isGreaterThan(turns.length);
    assertThat(Arrays.copyOfRange(kept, kept.length - turns.length, kept.length))
        .containsExactly(turns);
  }

  @Test
  void replyKeepsItsBudgetAndUnusedBudgetGoesToTheContext() {
    Dialog longDialog = Dialog.of(Turn.user("tell me more ".repeat(60)));
    String longReply = "this reply goes on and on ".repeat(20);
    EncodedPair both = cross.encode(longDialog, List.of(Candidate.of(longReply))).get(0);
    assertThat(both.replyKeep()).isEqualTo(20);
    assertThat(both.pairLength()).isEqualTo(80);

    EncodedPair shortReply = cross.encode(longDialog, List.of(Candidate.of("ok"))).get(0);
    assertThat(shortReply.replyKeep()).isEqualTo(1);
    assertThat(shortReply.contextKeep()).isEqualTo(80 - 3 - 1);

    EncodedPair shortContext =
        cross.encode(Dialog.of(Turn.user("hi")), List.of(Candidate.of(longReply))).get(0);
    assertThat(shortContext.contextKeep()).isEqualTo(1);
    assertThat(shortContext.replyKeep()).isEqualTo(80 - 3 - 1);
  }

  @Test
  void everyPairFitsAndANonEmptyContextIsNeverEmptied() {
    SplittableRandom random = new SplittableRandom(42);
    String[] words = {"exam", "tired", "hello", "🎉", "naïve", "東京", "why?", "ok", "x"};
    for (int trial = 0; trial < 200; trial++) {
      List<Turn> turns = new ArrayList<>();
      for (int t = random.nextInt(1, 8); t > 0; t--) {
        turns.add(Turn.user(words(random, words, random.nextInt(1, 40))));
      }
      String reply = words(random, words, random.nextInt(0, 60));
      EncodedPair pair = cross.encode(Dialog.of(turns), List.of(Candidate.of(reply))).get(0);
      assertThat(pair.pairLength()).isLessThanOrEqualTo(80);
      assertThat(pair.contextKeep()).isPositive();
      assertThat(pair.replyKeep())
          .isEqualTo(Math.min(pair.reply().length, Math.max(20, 77 - pair.context().length)));
    }
  }

  static String words(SplittableRandom random, String[] words, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(words[random.nextInt(words.length)]).append(' ');
    }
    return s.toString().trim();
  }

  @Test
  void crossBatchPadsToTheLongestPairOnly() {
    TokenBatch batch =
        cross.crossBatch(
            cross.encode(
                EXAM,
                List.of(
                    Candidate.of("ok"), Candidate.of("You will do great, you prepared well."))));
    assertThat(batch.length()).isEqualTo(batch.rowLength(1));
    assertThat(batch.rowLength(0)).isLessThan(batch.length());
    assertThat(batch.length()).isLessThan(80);
    for (int j = batch.rowLength(0); j < batch.length(); j++) {
      assertThat(batch.inputIds()[j]).isZero();
      assertThat(batch.attentionMask()[j]).isZero();
    }
  }

  @Test
  void fixedPaddingPadsEveryBatchToMaxSeqLen() {
    try (PairEncoder fixed =
        new PairEncoder(
            BundledModel.tokenizerJson(), ModelKind.CROSS_ENCODER, 80, 20, true, true)) {
      List<EncodedPair> pairs = fixed.encode(EXAM, List.of(Candidate.of("ok")));
      TokenBatch padded = fixed.crossBatch(pairs);
      assertThat(padded.length()).isEqualTo(80);
      assertThat(row(padded, 0)).containsExactly(row(cross.crossBatch(pairs), 0));
    }
  }

  @Test
  void fastAndRustTokenizersGiveIdenticalBatches() {
    assertThat(cross.usesFastTokenizer()).isTrue();
    try (PairEncoder rust =
        new PairEncoder(
            BundledModel.tokenizerJson(), ModelKind.CROSS_ENCODER, 80, 20, false, false)) {
      assertThat(rust.usesFastTokenizer()).isFalse();
      SplittableRandom random = new SplittableRandom(7);
      String[] words = {
        "Exam",
        "naïve",
        "東京",
        "🎉🎉",
        "don't",
        "[SEP]",
        "ΣΊΣΥΦΟΣ",
        "\u200b",
        "İstanbul",
        "ﬁne",
        "١٢٣",
        "שלום",
        "e\u0301",
        "a\tb",
        "?!"
      };
      for (int trial = 0; trial < 100; trial++) {
        Dialog dialog = Dialog.of(Turn.user(words(random, words, random.nextInt(1, 30))));
        List<Candidate> candidates =
            List.of(Candidate.of(words(random, words, 5)), Candidate.of(words(random, words, 25)));
        TokenBatch a = cross.crossBatch(cross.encode(dialog, candidates));
        TokenBatch b = rust.crossBatch(rust.encode(dialog, candidates));
        assertThat(a.inputIds()).containsExactly(b.inputIds());
        assertThat(a.typeIds()).containsExactly(b.typeIds());
      }
    }
  }

  @Test
  void emptyDialogGivesAnEmptyContextSegment() {
    TokenBatch batch = cross.crossBatch(cross.encode(Dialog.of(), List.of(Candidate.of("Hi!"))));
    long[] ids = row(batch, 0);
    assertThat(ids[0]).isEqualTo(CLS);
    assertThat(ids[1]).isEqualTo(SEP);
  }

  @Test
  void biBatchEmbedsEachContextOnceAndEachReply() {
    List<EncodedPair> first = bi.encode(EXAM, List.of(Candidate.of("a"), Candidate.of("b")));
    List<EncodedPair> second = bi.encode(Dialog.of(Turn.user("hi")), List.of(Candidate.of("c")));
    List<EncodedPair> all = new ArrayList<>(first);
    all.addAll(second);
    PairEncoder.BiBatch b = bi.biBatch(all);
    assertThat(b.contexts()).isEqualTo(2);
    assertThat(b.batch().size()).isEqualTo(5);
    assertThat(b.rowOfContext()).containsExactly(0, 0, 1);
    assertThat(row(b.batch(), 0))
        .containsExactly(reference.encode(PairEncoder.contextText(EXAM)).getIds());
    assertThat(row(b.batch(), 2)).containsExactly(reference.encode("a").getIds());
  }

  @Test
  void replyBudgetMustLeaveRoomForTheContext() {
    assertThatThrownBy(
            () -> new PairEncoder(BundledModel.tokenizerJson(), ModelKind.CROSS_ENCODER, 80, 77))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxReplyTokens (77) must leave room for the context: at most maxSeqLen (80)"
                + " - 4 = 76");
  }

  @Test
  void replyBudgetRule_holdsUpToMaxSeqLenMinusFour_andNamesBothValuesWhenBroken() {
    assertThat(PairEncoder.replyBudgetError(80, 76)).isEmpty();
    assertThat(PairEncoder.replyBudgetError(8, 1)).isEmpty();
    assertThat(PairEncoder.replyBudgetError(80, 77))
        .hasValue(
            "maxReplyTokens (77) must leave room for the context: at most maxSeqLen (80) - 4 = 76");
    assertThat(PairEncoder.replyBudgetError(5, 2)).isPresent();
  }

  static int indexOf(long[] a, long v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
