package dev.reranker.internal.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.reranker.internal.io.HostTensor;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.TokenBatch;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native BERT with the bundled all-MiniLM-L6-v2 weights against ONNX Runtime running the very
 * same ONNX file: the reference for the port.
 */
class BundledParityTest {
  /** Real (context, reply) pairs of a companion bot, of very different lengths. */
  static final List<String[]> PAIRS =
      List.of(
          new String[] {"I feel so lonely tonight.", "I'm here with you. Want to talk about it?"},
          new String[] {"Just anxious and tired", "Still worried about tomorrow?"},
          new String[] {"Yes, I have an exam", "You will do great, you prepared well."},
          new String[] {"Are you a bot?", "I am an AI, but I really enjoy our chats."},
          new String[] {"What do you do for fun?", "I like reading about space. Do you?"},
          new String[] {"hi", "Hello! How was your day?"},
          new String[] {
            "My dog died last week and I can't stop thinking about him. We had him for twelve"
                + " years and the house feels empty without him.",
            "I'm so sorry. Twelve years is a lifetime of love. What was his name?"
          },
          new String[] {"lol", "Glad that made you laugh!"},
          new String[] {"Do you like pizza?", "Pineapple on pizza: yes or no?"},
          new String[] {
            "I can't sleep", "Have you tried putting your phone away an hour before bed?"
          },
          new String[] {
            "Tell me a joke",
            "Why did the scarecrow win an award? He was outstanding in" + " his field."
          },
          new String[] {"I got the job!!!", "Congratulations!!! I knew you could do it 🎉"},
          new String[] {"nobody understands me", "That sounds really isolating. I'd like to try."},
          new String[] {"What's the weather like?", "I can't see outside, but I hope it's sunny."},
          new String[] {"Where are you from?", "I live in the cloud, quite literally."},
          new String[] {"Je suis fatigué", "Tu devrais te reposer un peu."},
          new String[] {"I'm learning to play guitar", "Nice! Which songs are you practising?"},
          new String[] {"My mom is sick", "I'm sorry to hear that. How is she doing today?"},
          new String[] {"ok", "ok"},
          new String[] {"Do you remember my name?", "Of course, you told me yesterday, Anna."},
          new String[] {"I hate Mondays", "Mondays are rough. Anything planned to make it better?"},
          new String[] {"Can we be friends?", "We already are!"},
          new String[] {"I think I'm going to fail", "Failing a test doesn't make you a failure."},
          new String[] {"東京に住んでいます", "東京はいいですね！"});

  static NativeBert bert;
  static OrtEnvironment env;
  static OrtSession session;

  @BeforeAll
  static void load() throws Exception {
    bert = BundledModel.load(Device.cpu());
    env = OrtEnvironment.getEnvironment();
    try (InputStream in =
        BundledParityTest.class.getClassLoader().getResourceAsStream(BundledModel.ONNX_RESOURCE)) {
      session = env.createSession(in.readAllBytes(), new OrtSession.SessionOptions());
    }
  }

  @AfterAll
  static void close() throws Exception {
    bert.close();
    session.close();
  }

  static TokenBatch encodePairs(List<String[]> pairs) throws Exception {
    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.newInstance(
            new ByteArrayInputStream(BundledModel.tokenizerJson().getBytes(StandardCharsets.UTF_8)),
            Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"))) {
      long[][] ids = new long[pairs.size()][];
      long[][] types = new long[pairs.size()][];
      for (int i = 0; i < pairs.size(); i++) {
        Encoding e = tokenizer.encode(pairs.get(i)[0], pairs.get(i)[1]);
        ids[i] = e.getIds();
        types[i] = e.getTypeIds();
      }
      return TokenBatch.pad(ids, types, 0);
    }
  }

  static float[] ortHiddenStates(TokenBatch batch) throws Exception {
    long[] shape = {batch.size(), batch.length()};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.inputIds()), shape);
        OnnxTensor mask =
            OnnxTensor.createTensor(env, LongBuffer.wrap(batch.attentionMask()), shape);
        OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.typeIds()), shape)) {
      inputs.put("input_ids", ids);
      inputs.put("attention_mask", mask);
      if (session.getInputNames().contains("token_type_ids")) {
        inputs.put("token_type_ids", types);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxTensor out = (OnnxTensor) result.get(0);
        float[] flat = new float[Math.toIntExact(batch.size() * (long) batch.length() * 384)];
        out.getFloatBuffer().get(flat);
        return flat;
      }
    }
  }

  @Test
  void lastHiddenStatesMatchOnnxRuntime() throws Exception {
    TokenBatch batch = encodePairs(PAIRS);
    assertThat(batch.size()).isGreaterThanOrEqualTo(20);
    assertThat(batch.rowLength(5)).isLessThan(batch.length()); // padding is exercised

    HostTensor ours = bert.hiddenStates(batch);
    float[] reference = ortHiddenStates(batch);

    double maxReal = 0;
    double maxAll = 0;
    int h = 384;
    for (int row = 0; row < batch.size(); row++) {
      int real = batch.rowLength(row);
      for (int t = 0; t < batch.length(); t++) {
        for (int k = 0; k < h; k++) {
          int i = (row * batch.length() + t) * h + k;
          double d = Math.abs(ours.data()[i] - reference[i]);
          maxAll = Math.max(maxAll, d);
          if (t < real) {
            maxReal = Math.max(maxReal, d);
          }
        }
      }
    }
    System.out.printf(
        "native BERT vs ONNX Runtime, %d pairs padded to %d: max |diff| %.3g on real tokens, "
            + "%.3g on all positions%n",
        batch.size(), batch.length(), maxReal, maxAll);
    assertThat(maxReal).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void eachPairAloneMatchesItsRowInTheBatch() throws Exception {
    TokenBatch batch = encodePairs(PAIRS);
    float[][] batched = bert.embed(batch);
    for (int i : new int[] {0, 6, 18, 23}) {
      float[][] alone = bert.embed(encodePairs(java.util.Collections.singletonList(PAIRS.get(i))));
      for (int k = 0; k < alone[0].length; k++) {
        assertThat(Math.abs(alone[0][k] - batched[i][k])).isLessThanOrEqualTo(1e-5f);
      }
    }
  }
}
