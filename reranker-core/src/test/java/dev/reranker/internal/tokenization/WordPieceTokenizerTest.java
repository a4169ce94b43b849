package dev.reranker.internal.tokenization;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.bert.BertFullTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.internal.onnx.BundledModel;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exactness against the HuggingFace Rust tokenizer (through DJL), robustness, speed. */
class WordPieceTokenizerTest {
  static String json;
  static WordPieceTokenizer tokenizer;
  static HuggingFaceTokenizer reference;
  static List<String> corpus;

  @BeforeAll
  static void create() {
    json = BundledModel.tokenizerJson();
    tokenizer = WordPieceTokenizer.fromJson(json).orElseThrow();
    reference = Tokenizers.create(json, "test");
    corpus = Corpus.generate(20240607L);
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  /** Texts whose ids differ from the reference, rendered for the failure message. */
  static List<String> mismatches(
      WordPieceTokenizer mine, HuggingFaceTokenizer hf, List<String> texts) {
    List<String> bad = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += 512) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + 512));
      Encoding[] expected = hf.batchEncode(chunk.toArray(new String[0]));
      for (int i = 0; i < chunk.size(); i++) {
        long[] ids = mine.encode(chunk.get(i));
        if (!Arrays.equals(ids, expected[i].getIds()) && bad.size() < 25) {
          bad.add(
              escape(chunk.get(i))
                  + "\n    hf:   "
                  + Arrays.toString(expected[i].getIds())
                  + "\n    mine: "
                  + Arrays.toString(ids));
        }
      }
    }
    return bad;
  }

  @Test
  void identicalIdsOnUnicodeHeavyCorpus() {
    assertThat(corpus.size()).isGreaterThan(10_000);
    List<String> bad = mismatches(tokenizer, reference, corpus);
    System.out.printf(
        Locale.ROOT,
        "identity: %d corpus strings compared with HF, %d differ%n",
        corpus.size(),
        bad.size());
    assertThat(bad).isEmpty();
  }

  @Test
  void identicalIdsForLongTexts() {
    // Grows the per-thread buffers well past what they keep, then checks a short text after.
    String joined = String.join(" ", corpus.subList(0, 4000));
    String noSpaces = joined.replace(" ", "");
    for (String text :
        List.of(
            joined,
            noSpaces,
            "İ".repeat(20_000),
            "가".repeat(20_000),
            "中".repeat(30_000),
            "e\u0301".repeat(30_000),
            "hello world")) {
      assertThat(tokenizer.encode(text))
          .as("%d chars", text.length())
          .containsExactly(reference.encode(text).getIds());
    }
  }

  @Test
  void identicalIdsForEveryCodePointBetweenLetters() {
    // Planes 0 and 1 and the tags and selectors of plane 14 in full, the rest sampled: each code
    // point between two letters, alone, or after a capital, so that removal, whitespace,
    // punctuation and case mapping all show.
    List<String> texts = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      boolean full = cp < 0x20000 || (cp >= 0xE0000 && cp < 0xE0200);
      if ((cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)
          || (!full && cp % 97 != 0)) {
        continue;
      }
      String c = new String(Character.toChars(cp));
      texts.add("a" + c + "b");
      texts.add(cp % 3 == 0 ? c : "Z" + c);
    }
    List<String> bad = mismatches(tokenizer, reference, texts);
    System.out.printf(
        Locale.ROOT,
        "identity: %d single-code-point strings compared, %d differ%n",
        texts.size(),
        bad.size());
    assertThat(bad).isEmpty();
  }

  @Test
  void identicalIdsForOtherNormalizerSettings() {
    // Cased BERT; accents stripped without lowercasing; lowercasing without stripping (where
    // U+0130 lowercases to two chars); everything off.
    List<String> sample = corpus.subList(0, 4000);
    int compared = 0;
    for (String settings :
        List.of(
            "{\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":null,"
                + "\"lowercase\":false}",
            "{\"clean_text\":true,\"handle_chinese_chars\":false,\"strip_accents\":true,"
                + "\"lowercase\":false}",
            "{\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":false,"
                + "\"lowercase\":true}",
            "{\"clean_text\":false,\"handle_chinese_chars\":false,\"strip_accents\":false,"
                + "\"lowercase\":false}")) {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      JsonObject normalizer = JsonParser.parseString(settings).getAsJsonObject();
      normalizer.addProperty("type", "BertNormalizer");
      root.add("normalizer", normalizer);
      String variant = root.toString();
      WordPieceTokenizer mine = WordPieceTokenizer.fromJson(variant).orElseThrow();
      try (HuggingFaceTokenizer hf = Tokenizers.create(variant, "variant")) {
        assertThat(mismatches(mine, hf, sample)).as(settings).isEmpty();
      }
      compared += sample.size();
    }
    System.out.printf(
        Locale.ROOT, "identity: %d strings compared under 4 other settings%n", compared);
  }

  @Test
  void handlesSpecialTokensTurkishSigmaAndSurrogatesLikeHf() {
    for (String text :
        List.of(
            "[SEP]",
            "hello [SEP] world",
            "a[CLS][SEP]b",
            "[sep] [ SEP ]",
            "[SEP",
            "x[MASK]y[UNK]",
            "İstanbul",
            "ΣΊΣΥΦΟΣ",
            "straße",
            "\uD800",
            "a\uDC00b",
            "😀\uD800",
            "a\u0000b\uDBFF",
            "")) {
      assertThat(tokenizer.encode(text))
          .as(escape(text))
          .containsExactly(reference.encode(text).getIds());
    }
    assertThat(tokenizer.encode("hello [SEP] world")).containsExactly(7592, 102, 2088);
    assertThat(tokenizer.encode("")).isEmpty();
    assertThat(tokenizer.encodeAll(List.of("hello", "[CLS]")))
        .containsExactly(new long[] {7592}, new long[] {101});
  }

  @Test
  void rejectsOtherPipelinesAndGarbageWithoutThrowing() {
    String bpe =
        "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":null,"
            + "\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,"
            + "\"trim_offsets\":true,\"use_regex\":true},\"post_processor\":null,\"decoder\":null,"
            + "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
            + "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,"
            + "\"fuse_unk\":false,\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}}";
    assertThat(WordPieceTokenizer.fromJson(bpe)).isEmpty();
    for (String garbage :
        List.of(
            "",
            "{",
            "}",
            "null",
            "[]",
            "42",
            "\"text\"",
            "{\"model\":5}",
            "{\"normalizer\":{\"type\":\"BertNormalizer\"}}",
            "\u0000\uFFFF\uD800",
            "[".repeat(100_000),
            "{\"a\":".repeat(50_000))) {
      assertThat(WordPieceTokenizer.fromJson(garbage))
          .as(escape(garbage.substring(0, Math.min(20, garbage.length()))))
          .isEmpty();
    }
    assertThat(WordPieceTokenizer.fromJson(null)).isEmpty();
    // Changes this class does not reproduce: a non-special added token, another pre-tokenizer.
    JsonObject root = JsonParser.parseString(json).getAsJsonObject();
    JsonObject extra = root.getAsJsonArray("added_tokens").get(0).getAsJsonObject().deepCopy();
    extra.addProperty("content", "<bot>");
    extra.addProperty("id", 30522);
    extra.addProperty("special", false);
    root.getAsJsonArray("added_tokens").add(extra);
    assertThat(WordPieceTokenizer.fromJson(root.toString())).isEmpty();
    JsonObject other = JsonParser.parseString(json).getAsJsonObject();
    other.add("pre_tokenizer", JsonParser.parseString("{\"type\":\"Whitespace\"}"));
    assertThat(WordPieceTokenizer.fromJson(other.toString())).isEmpty();
    JsonObject lowercaseOnly = JsonParser.parseString(json).getAsJsonObject();
    lowercaseOnly.add("normalizer", JsonParser.parseString("{\"type\":\"Lowercase\"}"));
    assertThat(WordPieceTokenizer.fromJson(lowercaseOnly.toString())).isEmpty();
    // Random mutations of the real JSON: empty or a tokenizer, never an exception.
    Random random = new Random(7);
    for (int i = 0; i < 50; i++) {
      char[] chars = json.substring(0, 4000).toCharArray();
      chars[random.nextInt(chars.length)] = (char) random.nextInt(128);
      WordPieceTokenizer.fromJson(new String(chars) + json.substring(4000));
    }
  }

  @Test
  void concurrentEncodingGivesTheSameIds() throws Exception {
    List<String> texts = corpus.subList(0, 6000);
    List<long[]> expected = tokenizer.encodeAll(texts);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        long seed = t;
        results.add(
            pool.submit(
                () -> {
                  List<Integer> order = new ArrayList<>();
                  for (int i = 0; i < texts.size(); i++) {
                    order.add(i);
                  }
                  Collections.shuffle(order, new Random(seed));
                  int wrong = 0;
                  for (int round = 0; round < 3; round++) {
                    for (int i : order) {
                      if (!Arrays.equals(tokenizer.encode(texts.get(i)), expected.get(i))) {
                        wrong++;
                      }
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void printsSpeedAgainstRustAndDjlJava() {
    List<String> texts = Corpus.realisticPairs(5000, new SplittableRandom(99));
    String[] array = texts.toArray(new String[0]);
    JsonObject vocabJson =
        JsonParser.parseString(json)
            .getAsJsonObject()
            .getAsJsonObject("model")
            .getAsJsonObject("vocab");
    String[] byId = new String[vocabJson.size()];
    for (Map.Entry<String, JsonElement> e : vocabJson.entrySet()) {
      byId[e.getValue().getAsInt()] = e.getKey();
    }
    DefaultVocabulary vocabulary = new DefaultVocabulary(Arrays.asList(byId));
    BertFullTokenizer djlJava = new BertFullTokenizer(vocabulary, true);

    Runnable mine =
        () -> {
          for (String text : array) {
            tokenizer.encode(text);
          }
        };
    Runnable hfOneByOne =
        () -> {
          for (String text : array) {
            reference.encode(text).getIds();
          }
        };
    Runnable hfBatch =
        () -> {
          for (int from = 0; from < array.length; from += 64) {
            for (Encoding e :
                reference.batchEncode(
                    Arrays.copyOfRange(array, from, Math.min(array.length, from + 64)))) {
              e.getIds();
            }
          }
        };
    Runnable djl =
        () -> {
          for (String text : array) {
            List<String> tokens = djlJava.tokenize(text);
            long[] ids = new long[tokens.size()];
            for (int i = 0; i < ids.length; i++) {
              ids[i] = vocabulary.getIndex(tokens.get(i));
            }
          }
        };
    int djlDiffers = 0;
    long tokens = 0;
    for (String text : array) {
      long[] ids = tokenizer.encode(text);
      tokens += ids.length;
      List<String> djlTokens = djlJava.tokenize(text);
      long[] djlIds = djlTokens.stream().mapToLong(vocabulary::getIndex).toArray();
      if (!Arrays.equals(ids, djlIds)) {
        djlDiffers++;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "speed: %d texts (%d context + reply pairs), %.1f tokens each;"
            + " BertFullTokenizer differs from HF on %d%n",
        array.length,
        array.length / 2,
        (double) tokens / array.length,
        djlDiffers);
    // The JNI calls need little warm-up and are slow: fewer rounds keep the test short.
    System.out.printf(
        Locale.ROOT,
        "speed: WordPieceTokenizer   %,10.0f texts/s%n",
        rate(mine, array.length, 3, 3));
    System.out.printf(
        Locale.ROOT,
        "speed: HF one by one (JNI)  %,10.0f texts/s%n",
        rate(hfOneByOne, array.length, 1, 1));
    System.out.printf(
        Locale.ROOT,
        "speed: HF batchEncode(64)   %,10.0f texts/s%n",
        rate(hfBatch, array.length, 1, 1));
    System.out.printf(
        Locale.ROOT,
        "speed: DJL BertFullTokenizer%,10.0f texts/s%n",
        rate(djl, array.length, 3, 3));
  }

  /** Texts per second of the best timed round, after warm-up rounds. */
  static double rate(Runnable round, int texts, int warmUps, int timed) {
    for (int i = 0; i < warmUps; i++) {
      round.run();
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < timed; i++) {
      long start = System.nanoTime();
      round.run();
      best = Math.min(best, System.nanoTime() - start);
    }
    return texts * 1e9 / best;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7F) {
        b.append(c);
      } else {
        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      }
    }
    return b.toString();
  }

  /** Deterministic test texts. */
  static final class Corpus {
    static final String[] SENTENCES = {
      "Hi! How was your day?",
      "I'm so tired, work was exhausting today.",
      "Do you remember what I told you about my sister?",
      "That sounds really hard. I'm here.",
      "lol that's hilarious 😂",
      "Can we talk about something else?",
      "I just finished reading \"The Name of the Wind\" — it's amazing!!!",
      "My cat knocked over my coffee again...",
      "Good morning sunshine ☀️",
      "What's your favourite movie? Mine's Spirited Away (千と千尋の神隠し).",
      "I feel anxious about tomorrow's exam at 9:30am.",
      "You always know what to say <3",
      "I moved to São Paulo last year; still learning Portuguese.",
      "We went to the café near the Champs-Élysées.",
      "Do u think I should text him back??",
      "It's 2024-06-07 and I'm still not done with my thesis",
      "brb, dinner's ready",
      "Tell me a joke about penguins 🐧",
      "Ich habe heute Straße und Fußball gelernt.",
      "The price went from $1,299.99 to €999 — crazy.",
      "I'm visiting İzmir and Ankara next week.",
      "ΟΔΥΣΣΕΥΣ ΚΑΙ ΣΙΣΥΦΟΣ",
      "Check https://example.com/path?q=hello&lang=en#top please",
      "email me at jane.doe+bot@example.org",
      "我今天很开心，因为考试通过了！",
      "오늘 날씨가 정말 좋네요. 산책 갈래요?",
      "ありがとうございます！また明日ね。",
      "مرحبا، كيف حالك اليوم؟",
      "שלום! מה שלומך?",
      "नमस्ते, आप कैसे हैं?",
      "Tiếng Việt có dấu rất đẹp.",
      "Ça va? Très bien, merci!",
      "ﬁnally the ﬂight landed",
      "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ　１２３！",
      "𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 𝓈𝒸𝓇𝒾𝓅𝓉",
      "¯\\_(ツ)_/¯",
      ":-) ;-) :D xD :P <3 (^_^) (╯°□°)╯︵ ┻━┻",
      "I love you 3000 ❤️❤️❤️",
      "NO WAY!!! That's INSANE",
      "hmm... idk... maybe?",
      "👨‍👩‍👧‍👦 family time 👍🏽🇺🇸🏳️‍🌈",
      "Remember: [SEP] is just text, and so is [CLS] or [MASK].",
    };

    static final String[] SNIPPETS = {
      "\u200B",
      "\u200C",
      "\u200D",
      "\uFEFF",
      "\u0000",
      "\uFFFD",
      "\u0007",
      "\u001B[31m",
      "\t",
      "\n",
      "\r\n",
      "\u000B",
      "\u000C",
      "\u0085",
      "\u00A0",
      "\u2028",
      "\u3000",
      "\u180E",
      "\u00AD",
      "İ",
      "ı",
      "Σ",
      "ς",
      "ß",
      "ẞ",
      "ﬁ",
      "ﬀ",
      "Ａ",
      "１",
      "！",
      "𝐀",
      "𝟘",
      "ǅ",
      "K",
      "Å",
      "Ω",
      "½",
      "Ⅻ",
      "™",
      "①",
      "e\u0301",
      "E\u0300",
      "o\u0308",
      "n\u0303",
      "e\u0323\u0302",
      "e\u0302\u0323",
      "a\u0301\u0316",
      "\u0344",
      "\u1E9B\u0323",
      "\u0958",
      "ẹ́",
      "x\u20DD",
      "\u0F73",
      "\u0F75\u0F71",
      "བཀྲ་ཤིས་བདེ་ལེགས།",
      "\u0651\u064E",
      "مُحَمَّد",
      "שָׁלוֹם",
      "\u302E\u302F",
      "ᄀ까",
      "가각",
      "\u2C2F",
      "\uA7C0",
      "\u08E2",
      "\u166D",
      "😀",
      "😂",
      "🥰",
      "🫠",
      "👍🏽",
      "👩🏿‍💻",
      "🇯🇵",
      "🏳️‍🌈",
      "❤️",
      "✨",
      "🤷‍♀️",
      "[SEP]",
      "[CLS]",
      "[PAD]",
      "[UNK]",
      "[MASK]",
      "[sep]",
      "[SEP][SEP]",
      "[[SEP]]",
      "[SEP",
      "...",
      "!!!",
      "?!?!",
      "—",
      "–",
      "«»",
      "„“",
      "‘’",
      "¿¡",
      "※",
      "・",
      "、。",
      "（）",
      "【】",
      "http://a.b/c?d=e&f=g",
      "www.example.com",
      "#hashtag",
      "@mention",
      "100%",
      "3.14159",
      "12345678901234567890123",
      "1,000,000",
      "+49 (0) 30 1234567",
      "2+2=4",
      "a/b\\c",
      "~`^|",
    };

    static final int[][] RANGES = {
      {0x20, 0x7E, 30},
      {0x0, 0x1F, 3},
      {0x7F, 0x9F, 2},
      {0xA0, 0x24F, 8},
      {0x250, 0x2FF, 2},
      {0x300, 0x36F, 6},
      {0x370, 0x3FF, 4},
      {0x400, 0x52F, 4},
      {0x590, 0x5FF, 3},
      {0x600, 0x6FF, 4},
      {0x700, 0x8FF, 2},
      {0x900, 0xDFF, 4},
      {0xE00, 0xFFF, 4},
      {0x1000, 0x1FFF, 4},
      {0x1AB0, 0x1AFF, 1},
      {0x1DC0, 0x1FFF, 3},
      {0x2000, 0x206F, 5},
      {0x2070, 0x2BFF, 3},
      {0x2C00, 0x2E7F, 2},
      {0x2E80, 0x2FFF, 1},
      {0x3000, 0x30FF, 4},
      {0x3100, 0x33FF, 1},
      {0x3400, 0x4DBF, 1},
      {0x4E00, 0x9FFF, 5},
      {0xA000, 0xABFF, 2},
      {0xA7C0, 0xA7DF, 1},
      {0xAC00, 0xD7A3, 4},
      {0xD7B0, 0xD7FF, 1},
      {0xD800, 0xDFFF, 1},
      {0xE000, 0xF8FF, 1},
      {0xF900, 0xFAFF, 2},
      {0xFB00, 0xFDFF, 2},
      {0xFE00, 0xFE6F, 2},
      {0xFF00, 0xFFEF, 3},
      {0xFFF0, 0xFFFF, 1},
      {0x10000, 0x10FFF, 2},
      {0x10570, 0x105BF, 1},
      {0x10D40, 0x10D8F, 1},
      {0x11000, 0x11FFF, 3},
      {0x11930, 0x1194F, 1},
      {0x16F00, 0x16FFF, 1},
      {0x1BC00, 0x1BCAF, 1},
      {0x1D100, 0x1D1FF, 2},
      {0x1D400, 0x1D7FF, 2},
      {0x1E000, 0x1E02F, 1},
      {0x1E900, 0x1E95F, 1},
      {0x1F000, 0x1FAFF, 6},
      {0x20000, 0x2FA1F, 2},
      {0x30000, 0x3134F, 1},
      {0xE0000, 0xE01EF, 1},
      {0xF0000, 0x10FFFF, 1},
    };

    /** Sentences, decorated with snippets and case and whitespace mutations, then random text. */
    static List<String> generate(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      List<String> out = new ArrayList<>();
      out.addAll(Arrays.asList(SENTENCES));
      out.addAll(Arrays.asList(SNIPPETS));
      out.add("a".repeat(100));
      out.add("a".repeat(101));
      out.add("ab".repeat(60) + " short");
      out.add("😀".repeat(100));
      out.add("😀".repeat(101));
      out.add("é".repeat(100) + " " + "e\u0301".repeat(60));
      out.add("x" + "\uD834\uDD6D\uD834\uDD65".repeat(3) + "\uD83A\uDD44\uD83A\uDD4A");
      while (out.size() < 8000) {
        StringBuilder sb = new StringBuilder();
        int parts = 1 + r.nextInt(4);
        for (int p = 0; p < parts; p++) {
          String sentence = SENTENCES[r.nextInt(SENTENCES.length)];
          if (r.nextInt(3) == 0) {
            int at = r.nextInt(sentence.length() + 1);
            while (at > 0
                && at < sentence.length()
                && Character.isLowSurrogate(sentence.charAt(at))) {
              at--;
            }
            sentence =
                sentence.substring(0, at)
                    + SNIPPETS[r.nextInt(SNIPPETS.length)]
                    + sentence.substring(at);
          }
          sb.append(sentence).append(r.nextInt(5) == 0 ? "" : " ");
          if (r.nextInt(4) == 0) {
            sb.append(SNIPPETS[r.nextInt(SNIPPETS.length)]);
          }
        }
        String text = sb.toString();
        switch (r.nextInt(8)) {
          case 0 -> text = text.toUpperCase(Locale.ROOT);
          case 1 -> text = Normalizer.normalize(text, Normalizer.Form.NFD);
          case 2 -> text = Normalizer.normalize(text, Normalizer.Form.NFKC);
          case 3 -> text = text.replace(' ', "\t\n\u00A0\u2009".charAt(r.nextInt(4)));
          case 4 -> text = text.toLowerCase(Locale.ROOT);
          default -> {}
        }
        out.add(text);
      }
      while (out.size() < 14000) {
        out.add(randomText(r, 1 + r.nextInt(r.nextInt(8) == 0 ? 200 : 30)));
      }
      return out;
    }

    static String randomText(SplittableRandom r, int length) {
      int total = 0;
      for (int[] range : RANGES) {
        total += range[2];
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < length; i++) {
        int pick = r.nextInt(total);
        int k = 0;
        while (pick >= RANGES[k][2]) {
          pick -= RANGES[k][2];
          k++;
        }
        int cp = RANGES[k][0] + r.nextInt(RANGES[k][1] - RANGES[k][0] + 1);
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
          sb.append((char) cp); // a lone surrogate, now and then
        } else {
          sb.appendCodePoint(cp);
        }
        if (r.nextInt(6) == 0) {
          sb.append(' ');
        }
      }
      return sb.toString();
    }

    /** {@code pairs} contexts (several turns joined by spaces) each followed by a reply. */
    static List<String> realisticPairs(int pairs, SplittableRandom r) {
      List<String> out = new ArrayList<>(2 * pairs);
      int plain = 30; // mostly the English sentences, as in a companion app
      for (int i = 0; i < pairs; i++) {
        StringBuilder context = new StringBuilder();
        int turns = 4 + r.nextInt(8);
        for (int t = 0; t < turns; t++) {
          context.append(SENTENCES[r.nextInt(plain)]).append(' ');
        }
        out.add(context.toString().trim());
        out.add(SENTENCES[r.nextInt(r.nextInt(10) == 0 ? SENTENCES.length : plain)]);
      }
      return out;
    }
  }
}
