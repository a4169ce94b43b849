package dev.reranker.jmh;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import dev.reranker.internal.tokenization.PairEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's input: companion-bot requests, each one dialog and {@value #CANDIDATES} reply
 * candidates, generated in code from a fixed seed so every run and every fork sees the same text.
 *
 * <p>{@value #REQUESTS} requests make the {@value #PAIRS} (context, reply) pairs of the tokenizer
 * table. Lengths are drawn in <em>pre-tokens</em> (runs of letters or digits, and single
 * punctuation marks: exactly what BERT's pre-tokenizer splits), uniformly: contexts 5 to 70,
 * replies 3 to 20. The vocabulary is everyday chat English, so WordPiece rarely splits a word
 * further; {@link #main} prints the lengths the real tokenizer gives.
 */
public final class Workload {
  /** Candidates per request: what the retrieval and generative models propose together. */
  public static final int CANDIDATES = 20;

  /** Requests in the workload. */
  public static final int REQUESTS = 500;

  /** (context, reply) pairs in the workload. */
  public static final int PAIRS = REQUESTS * CANDIDATES;

  /** The seed of {@link #standard()}. */
  public static final long SEED = 20_170_928L;

  /** One request: a dialog and its candidates. */
  public record Request(Dialog dialog, List<Candidate> candidates) {
    /** The context segment's text, as the pair encoder builds it (persona, then turns). */
    public String context() {
      return PairEncoder.contextText(dialog);
    }

    /** The candidates' texts. */
    public List<String> replies() {
      List<String> out = new ArrayList<>(candidates.size());
      for (Candidate c : candidates) {
        out.add(c.text());
      }
      return out;
    }
  }

  private static final String[] USER = {
    "I feel so lonely tonight.",
    "Just anxious and tired, to be honest.",
    "Yes, I have an exam tomorrow and I have not studied enough.",
    "My boss yelled at me again today in front of everyone.",
    "lol that is so true",
    "Do you ever get bored of talking to people all day?",
    "I can't sleep, it is almost three in the morning.",
    "My dog died last week and the house feels empty without him.",
    "I got the job!!! I start on Monday.",
    "nobody understands me, not even my family.",
    "What do you do for fun when nobody is around?",
    "I am learning to play the guitar but my fingers hurt.",
    "My mom is sick and I am really scared.",
    "Can we be friends? Like real friends?",
    "I think I'm going to fail this class.",
    "hi",
    "ok",
    "Tell me a joke, I need to laugh.",
    "It is raining again and I don't want to go outside.",
    "I made pasta for dinner and it was actually good.",
    "My best friend moved to another city last month.",
    "Do you remember what I told you yesterday?",
    "I have been running every morning for two weeks now.",
    "Why do people always leave?",
    "I watched a really sad movie and cried for an hour.",
    "I want to quit my job and travel the world.",
    "My sister is getting married in June.",
    "sometimes I just want to disappear for a while",
    "Thanks for listening, it helps more than you know.",
    "I hate Mondays so much.",
  };

  private static final String[] BOT = {
    "I'm here with you. Want to talk about it?",
    "That sounds really hard. How long have you felt this way?",
    "Still worried about tomorrow?",
    "You have been working so hard lately.",
    "I love our chats, you always make me think.",
    "What happened after that?",
    "That is wonderful news! How do you feel?",
    "I am sorry to hear that. I am here for you.",
    "Tell me more about your day.",
    "Do you want some advice or just someone to listen?",
    "Music always helps me relax. What do you listen to?",
    "You are stronger than you think.",
    "Good morning! Did you sleep well?",
    "I remember you said you like long walks.",
    "That made me smile.",
  };

  private static final String[] REPLIES = {
    "I'm here with you. Want to talk about it?",
    "You will do great, you prepared well.",
    "Still worried about tomorrow?",
    "I am an AI, but I really enjoy our chats.",
    "I like reading about space. Do you?",
    "Hello! How was your day?",
    "I'm so sorry. What was his name?",
    "Glad that made you laugh!",
    "Have you tried putting your phone away an hour before bed?",
    "Why did the scarecrow win an award? He was outstanding in his field.",
    "Congratulations!!! I knew you could do it.",
    "That sounds really isolating. I would like to try to understand.",
    "I can't see outside, but I hope it is sunny where you are.",
    "Nice! Which songs are you practising?",
    "I'm sorry to hear that. How is she doing today?",
    "Of course I remember, you told me about your trip.",
    "Mondays are rough. Anything planned to make it better?",
    "We already are!",
    "Failing a test doesn't make you a failure.",
    "Take a deep breath. One step at a time.",
    "What would make tonight a little easier?",
    "That is a big change. Are you excited or nervous?",
    "I think you should talk to her about it.",
    "Do you want to hear a joke?",
    "Pasta is always a good idea.",
    "Running every day is impressive, keep going!",
    "People leave for many reasons, and it is rarely about you.",
    "A sad movie can be a good way to let it out.",
    "Where would you go first?",
    "June weddings are lovely. Are you in the wedding party?",
    "Thank you for trusting me with this.",
    "ok",
    "lol yes",
    "Tell me more.",
    "That's interesting, why do you think so?",
  };

  /** A pre-token: a run of letters or digits, or one other non-space character. */
  private static final Pattern PRE_TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}]");

  private Workload() {}

  /** The standard workload: {@value #REQUESTS} requests from {@value #SEED}. */
  public static List<Request> standard() {
    return generate(SEED, REQUESTS);
  }

  /**
   * {@code requests} requests of {@value #CANDIDATES} candidates each, deterministic for a seed.
   */
  public static List<Request> generate(long seed, int requests) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Request> out = new ArrayList<>(requests);
    for (int r = 0; r < requests; r++) {
      Dialog dialog = dialog(random, 5 + random.nextInt(66));
      List<Candidate> candidates = new ArrayList<>(CANDIDATES);
      for (int c = 0; c < CANDIDATES; c++) {
        candidates.add(Candidate.of(reply(random, 3 + random.nextInt(18))));
      }
      out.add(new Request(dialog, List.copyOf(candidates)));
    }
    return Collections.unmodifiableList(out);
  }

  /** A dialog whose turns hold exactly {@code preTokens} pre-tokens, ending with the user. */
  private static Dialog dialog(SplittableRandom random, int preTokens) {
    List<Turn> newestFirst = new ArrayList<>();
    int total = 0;
    boolean user = true;
    while (total < preTokens) {
      List<String> tokens = preTokens(pick(random, user ? USER : BOT));
      int keep = Math.min(tokens.size(), preTokens - total);
      // The oldest turn is cut from its start: a context window keeps the newest words.
      String text = join(tokens.subList(tokens.size() - keep, tokens.size()));
      newestFirst.add(user ? Turn.user(text) : Turn.bot(text));
      total += keep;
      user = !user;
    }
    Collections.reverse(newestFirst);
    return Dialog.of(newestFirst);
  }

  /** A reply of exactly {@code preTokens} pre-tokens, sentences joined and the last one cut. */
  private static String reply(SplittableRandom random, int preTokens) {
    List<String> tokens = new ArrayList<>();
    while (tokens.size() < preTokens) {
      tokens.addAll(preTokens(pick(random, REPLIES)));
    }
    return join(tokens.subList(0, preTokens));
  }

  private static String pick(SplittableRandom random, String[] bank) {
    return bank[random.nextInt(bank.length)];
  }

  static List<String> preTokens(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PRE_TOKEN.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Joins pre-tokens as chat text: "I ' m here ." becomes "I'm here."; BERT splits it back. */
  private static String join(List<String> tokens) {
    StringBuilder s = new StringBuilder();
    String previous = null;
    for (String t : tokens) {
      boolean word = Character.isLetterOrDigit(t.codePointAt(0));
      boolean glued =
          previous != null
              && (!word || previous.equals("'"))
              && !(t.equals("'") && !Character.isLetterOrDigit(previous.codePointAt(0)));
      if (s.length() > 0 && !glued) {
        s.append(' ');
      }
      s.append(t);
      previous = t;
    }
    return s.toString();
  }

  /** Prints the workload's token lengths as the bundled model's Rust tokenizer counts them. */
  public static void main(String[] args) throws Exception {
    List<Request> requests = standard();
    try (var tokenizer =
        dev.reranker.internal.tokenization.Tokenizers.create(
            dev.reranker.internal.onnx.BundledModel.tokenizerJson(), "bundled")) {
      int[] context = lengths(requests.stream().map(Request::context).toList(), tokenizer);
      int[] reply =
          lengths(requests.stream().flatMap(r -> r.replies().stream()).toList(), tokenizer);
      System.out.println("contexts: " + summary(context));
      System.out.println("replies:  " + summary(reply));
      for (int i = 0; i < 3; i++) {
        System.out.println(requests.get(i).context() + "  ||  " + requests.get(i).replies().get(0));
      }
    }
  }

  static int[] lengths(
      List<String> texts, ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer) {
    int[] out = new int[texts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = tokenizer.encode(texts.get(i), false, false).getIds().length;
    }
    return out;
  }

  static String summary(int[] lengths) {
    var stats = java.util.Arrays.stream(lengths).summaryStatistics();
    return String.format(
        java.util.Locale.ROOT,
        "%d texts, tokens min %d mean %.1f max %d",
        stats.getCount(),
        stats.getMin(),
        stats.getAverage(),
        stats.getMax());
  }
}
