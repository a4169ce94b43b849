package dev.reranker.heuristics;

import static java.util.Objects.requireNonNull;

import dev.reranker.Heuristic;
import dev.reranker.Source;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in heuristics and {@link #chain} to compose them. Every heuristic returned here is
 * immutable and thread-safe, never blocks, and records each decision as a {@link
 * dev.reranker.Verdict} named by one of the constants below.
 *
 * <table>
 *   <caption>Built-ins</caption>
 *   <tr><th>factory</th><th>name</th><th>when</th><th>does</th></tr>
 *   <tr><td>{@link #blank()}</td><td>{@value #BLANK}</td><td>pre-model</td><td>drops empty and
 *       whitespace-only replies</td></tr>
 *   <tr><td>{@link #length}</td><td>{@value #LENGTH}</td><td>pre-model</td><td>drops replies
 *       out of bounds, in code points and tokens</td></tr>
 *   <tr><td>{@link #placeholder}</td><td>{@value #PLACEHOLDER}</td><td>pre-model</td><td>drops
 *       replies with unfilled template slots</td></tr>
 *   <tr><td>{@link #blocklist}</td><td>{@value #BLOCKLIST}</td><td>pre-model</td><td>drops
 *       replies with a blocked word, phrase or pattern</td></tr>
 *   <tr><td>{@link #repeat}</td><td>{@value #REPEAT}</td><td>pre-model</td><td>drops repeats of
 *       the bot's recent replies</td></tr>
 *   <tr><td>{@link #echo}</td><td>{@value #ECHO}</td><td>pre-model</td><td>drops echoes of the
 *       user's last message</td></tr>
 *   <tr><td>{@link #repeatedQuestion}</td><td>{@value #REPEATED_QUESTION}</td><td>post-model
 *       (pre-model when dropping)</td><td>penalises (or drops) questions the bot already
 *       asked</td></tr>
 *   <tr><td>{@link #sourcePreference}</td><td>{@value #SOURCE_PREFERENCE}</td><td>post-model</td>
 *       <td>adds a per-{@link Source} amount to the score</td></tr>
 *   <tr><td>{@link #duplicate}</td><td>{@value #DUPLICATE}</td><td>post-model</td><td>keeps the
 *       best of near-duplicate candidates</td></tr>
 *   <tr><td>{@link #diversity}</td><td>{@value #DIVERSITY}</td><td>post-model</td><td>samples
 *       the reply among the top k</td></tr>
 * </table>
 *
 * <p>Order: in {@code chain(a, b, c)}, as in {@code a.andThen(b).andThen(c)} and {@code
 * Reranker.builder().heuristics(a, b, c)}, {@code a} is outermost. Before the model the heuristics
 * run in list order ({@code a}, {@code b}, {@code c}); after it, in reverse ({@code c} rewrites the
 * ranking first, {@code a} last). So list pre-model filters cheapest first, and list a post-model
 * heuristic that must see final scores (duplicate, diversity) before the adjusters whose changes it
 * must see:
 *
 * <pre>{@code
 * Heuristic heuristics = Heuristics.chain(
 *     Heuristics.diversity(3, 0.7, 42),   // post-model, last: samples among final scores
 *     Heuristics.defaults(),              // filters, then duplicate over the adjusted scores
 *     Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.5)));  // post-model, first
 * }</pre>
 *
 * <p>Your own heuristic is a lambda: {@code Heuristic.before(req -> req.filter("no-links", c ->
 * c.text().contains("http") ? "contains a link" : null))}.
 */
public final class Heuristics {
  /** Name of {@link #repeat}. */
  public static final String REPEAT = "repeat";

  /** Name of {@link #echo}. */
  public static final String ECHO = "echo";

  /** Name of {@link #duplicate}. */
  public static final String DUPLICATE = "duplicate";

  /** Name of {@link #length}. */
  public static final String LENGTH = "length";

  /** Name of {@link #blank}. */
  public static final String BLANK = "blank";

  /** Default name of {@link #blocklist}. */
  public static final String BLOCKLIST = "blocklist";

  /** Name of {@link #placeholder}. */
  public static final String PLACEHOLDER = "placeholder";

  /** Name of {@link #repeatedQuestion}. */
  public static final String REPEATED_QUESTION = "repeated-question";

  /** Name of {@link #sourcePreference}. */
  public static final String SOURCE_PREFERENCE = "source-preference";

  /** Name of {@link #diversity}. */
  public static final String DIVERSITY = "diversity";

  /** Default similarity of {@link #repeat}, {@link #echo} and {@link #duplicate}. */
  public static final Similarity DEFAULT_SIMILARITY = Similarity.tokenJaccard(0.8);

  /** Default fewest words of a user message that {@link #echo()} guards against echoing: 3. */
  public static final int DEFAULT_ECHO_MIN_WORDS = 3;

  /** Default number of the bot's latest turns {@link #repeat()} looks at: 5. */
  public static final int DEFAULT_REPEAT_WINDOW = 5;

  /** Default number of distinct candidates {@link #duplicate()} keeps comparing with: 200. */
  public static final int DEFAULT_MAX_COMPARED = 200;

  /**
   * Default patterns of {@link #placeholder()}: <code>{{user}}</code>, <code>{name}</code>, {@code
   * <unk>} (any case; also mask, pad), {@code [USER]} (upper-case slot names), {@code %s}, {@code
   * %d}, {@code %1$s}, <code>${name}</code> and {@code $name}. Money ({@code $5}) and percentages
   * ({@code 50% sure}) do not match.
   */
  public static final List<String> DEFAULT_PLACEHOLDERS =
      List.of(
          "\\{\\{\\s*[^{}\\s]+\\s*}}",
          "\\{\\s*[\\p{L}_][\\p{L}\\p{N}_.]*\\s*}",
          "(?i)<\\s*(?:unk|unknown|mask|pad)\\s*>",
          "\\[[A-Z][A-Z0-9_]*]",
          "%(?:\\d+\\$)?[sd](?![\\p{L}\\p{N}])",
          "\\$\\{[^}]*}",
          "\\$[\\p{L}_][\\p{L}\\p{N}_]*");

  private static final ToIntFunction<String> WORD_COUNTER =
      new ToIntFunction<>() {
        @Override
        public int applyAsInt(String text) {
          return Texts.wordCount(requireNonNull(text, "text"));
        }

        @Override
        public String toString() {
          return "words";
        }
      };

  private Heuristics() {}

  /**
   * Returns the heuristics nested in the given order, first outermost: {@code chain(a, b, c)} is
   * {@link Heuristic#chain Heuristic.chain(List.of(a, b, c))}, the same chain as {@code
   * a.andThen(b).andThen(c)}. Before the model they run first to last; after it, last to first. No
   * heuristics: {@link Heuristic#identity()}.
   *
   * @throws NullPointerException if the array or an element is null; the message names the index
   */
  public static Heuristic chain(Heuristic... heuristics) {
    requireNonNull(heuristics, "heuristics");
    return chain(Arrays.asList(heuristics));
  }

  /**
   * Returns the heuristics nested in list order, first outermost; see {@link #chain(Heuristic...)}.
   *
   * @throws NullPointerException if the list or an element is null; the message names the index
   */
  public static Heuristic chain(List<? extends Heuristic> heuristics) {
    return Heuristic.chain(heuristics);
  }

  /**
   * Returns the default chain, every built-in that needs no configuration, in this order: {@link
   * #blank()}, {@link #length()}, {@link #placeholder()}, {@link #repeat()}, {@link #echo()}
   * (pre-model, in that order), then after the model {@link #repeatedQuestion()} penalises and
   * {@link #duplicate()} keeps the best of each group of near-duplicates, seeing the penalties.
   */
  public static Heuristic defaults() {
    return chain(
        blank(), length(), placeholder(), repeat(), echo(), duplicate(), repeatedQuestion());
  }

  /** Returns the pre-model filter {@value #BLANK}: drops empty and whitespace-only replies. */
  public static Heuristic blank() {
    return new BlankFilter();
  }

  /** Returns the pre-model filter {@value #LENGTH} with {@link LengthBounds#defaults()}. */
  public static Heuristic length() {
    return length(LengthBounds.defaults());
  }

  /**
   * Returns the pre-model filter {@value #LENGTH}: drops replies outside {@code bounds}, in code
   * points (so "😊" has 1) and in tokens.
   *
   * @throws NullPointerException if {@code bounds} is null
   */
  public static Heuristic length(LengthBounds bounds) {
    return new LengthFilter(requireNonNull(bounds, "bounds"));
  }

  /**
   * Returns the default token counter of {@link LengthBounds}: words are runs of letters, digits
   * and combining marks; each emoji or other symbol counts as a word, and so does each character of
   * a script written without spaces (Chinese, Japanese, Thai). Punctuation does not count.
   */
  public static ToIntFunction<String> wordCounter() {
    return WORD_COUNTER;
  }

  /** Returns the pre-model filter {@value #PLACEHOLDER} with {@link #DEFAULT_PLACEHOLDERS}. */
  public static Heuristic placeholder() {
    return placeholder(DEFAULT_PLACEHOLDERS);
  }

  /**
   * Returns the pre-model filter {@value #PLACEHOLDER}: drops replies in which one of {@code
   * regexes} is found (searched in the reply's NFKC form). To add to the defaults, pass a list that
   * starts with {@link #DEFAULT_PLACEHOLDERS}.
   *
   * @throws NullPointerException if the collection or an element is null
   * @throws IllegalArgumentException if {@code regexes} is empty, or a regex is empty or does not
   *     compile; the message names it
   */
  public static Heuristic placeholder(Collection<String> regexes) {
    requireNonNull(regexes, "regexes");
    if (regexes.isEmpty()) {
      throw new IllegalArgumentException("regexes must not be empty, but was []");
    }
    List<String> list = new ArrayList<>(regexes.size());
    int i = 0;
    for (String regex : regexes) {
      requireNonNull(regex, "regexes[" + i + "] is null");
      if (regex.isEmpty()) {
        throw new IllegalArgumentException("placeholder regex must not be empty, but was ''");
      }
      list.add(regex);
      i++;
    }
    return new PlaceholderFilter(list);
  }

  /**
   * Returns the pre-model filter named {@link Blocklist#name()} (default {@value #BLOCKLIST}):
   * drops replies that contain one of the blocklist's entries.
   *
   * @throws NullPointerException if {@code blocklist} is null
   */
  public static Heuristic blocklist(Blocklist blocklist) {
    return new BlocklistFilter(requireNonNull(blocklist, "blocklist"));
  }

  /**
   * Returns the pre-model filter {@value #REPEAT} over the bot's last {@value
   * #DEFAULT_REPEAT_WINDOW} turns with {@link #DEFAULT_SIMILARITY}.
   */
  public static Heuristic repeat() {
    return repeat(DEFAULT_REPEAT_WINDOW, DEFAULT_SIMILARITY);
  }

  /**
   * Returns the pre-model filter {@value #REPEAT}: drops a reply that is the same as, or similar
   * enough to, one of the bot's last {@code window} replies.
   *
   * @throws IllegalArgumentException if {@code window} is not positive
   * @throws NullPointerException if {@code similarity} is null
   */
  public static Heuristic repeat(int window, Similarity similarity) {
    checkPositive("window", window);
    return new RepeatFilter(window, requireNonNull(similarity, "similarity"));
  }

  /**
   * Returns the pre-model filter {@value #ECHO} with {@link #DEFAULT_SIMILARITY}, for user messages
   * of at least {@value #DEFAULT_ECHO_MIN_WORDS} words.
   */
  public static Heuristic echo() {
    return echo(DEFAULT_SIMILARITY, DEFAULT_ECHO_MIN_WORDS);
  }

  /**
   * Returns the pre-model filter {@value #ECHO}: drops a reply that is the same as, or similar
   * enough to, the user's last message, if that message has at least {@code minWords} words (as
   * {@link #wordCounter()} counts them). Shorter ones may be mirrored: "hi" for "hi!" is a fine
   * reply.
   *
   * @throws NullPointerException if {@code similarity} is null
   * @throws IllegalArgumentException if {@code minWords} is not positive
   */
  public static Heuristic echo(Similarity similarity, int minWords) {
    requireNonNull(similarity, "similarity");
    checkPositive("minWords", minWords);
    return new EchoFilter(similarity, minWords);
  }

  /**
   * Returns the post-model filter {@value #DUPLICATE} with {@link #DEFAULT_SIMILARITY} and {@value
   * #DEFAULT_MAX_COMPARED} candidates compared.
   */
  public static Heuristic duplicate() {
    return duplicate(DEFAULT_SIMILARITY, DEFAULT_MAX_COMPARED);
  }

  /**
   * Returns the post-model filter {@value #DUPLICATE}: of candidates that are the same after
   * normalisation, or similar enough, keeps the best scored and drops the others. Exact duplicates
   * are found among all candidates by hashing; near-duplicates by comparing each candidate, best
   * first, with the better ones kept so far, until {@code maxCompared} have been kept (so at most
   * {@code maxCompared} comparisons a candidate); below that only exact duplicates go.
   *
   * @throws IllegalArgumentException if {@code maxCompared} is not positive
   * @throws NullPointerException if {@code similarity} is null
   */
  public static Heuristic duplicate(Similarity similarity, int maxCompared) {
    checkPositive("maxCompared", maxCompared);
    return new DuplicateFilter(requireNonNull(similarity, "similarity"), maxCompared);
  }

  /**
   * Returns {@value #REPEATED_QUESTION} with {@link RepeatedQuestionConfig#defaults()}: a
   * post-model penalty of {@value RepeatedQuestionConfig.Builder#DEFAULT_PENALTY}.
   */
  public static Heuristic repeatedQuestion() {
    return repeatedQuestion(RepeatedQuestionConfig.defaults());
  }

  /**
   * Returns {@value #REPEATED_QUESTION}: a reply that asks a question (a sentence ending in a
   * question mark) that the bot already asked, or nearly, is penalised after the model or, with
   * {@link RepeatedQuestionConfig.Builder#drop()}, dropped before it.
   *
   * @throws NullPointerException if {@code config} is null
   */
  public static Heuristic repeatedQuestion(RepeatedQuestionConfig config) {
    return RepeatedQuestions.of(requireNonNull(config, "config"));
  }

  /**
   * Returns the post-model adjuster {@value #SOURCE_PREFERENCE}: adds {@code adjustments.get(s)} to
   * the score of each candidate from source {@code s} (positive boosts, negative penalises);
   * candidates from other sources are left alone.
   *
   * <pre>{@code
   * Heuristics.sourcePreference(Map.of(Source.RETRIEVAL, 0.5, Source.GENERATIVE, -0.25));
   * }</pre>
   *
   * @throws NullPointerException if the map, a source or an amount is null
   * @throws IllegalArgumentException if the map is empty or an amount is not finite as a float
   */
  public static Heuristic sourcePreference(Map<Source, ? extends Number> adjustments) {
    requireNonNull(adjustments, "adjustments");
    if (adjustments.isEmpty()) {
      throw new IllegalArgumentException("adjustments must not be empty, but was {}");
    }
    Map<Source, Float> copy = new HashMap<>();
    for (Map.Entry<Source, ? extends Number> e : adjustments.entrySet()) {
      Source source = requireNonNull(e.getKey(), "adjustments has a null source");
      Number amount =
          requireNonNull(e.getValue(), "adjustment for source '" + source + "' is null");
      float change = amount.floatValue();
      if (!Float.isFinite(change)) {
        throw new IllegalArgumentException(
            "adjustment for source '" + source + "' must be finite, but was " + amount);
      }
      copy.put(source, change);
    }
    return new SourcePreference(copy);
  }

  /**
   * Returns the post-model heuristic {@value #DIVERSITY}: instead of always sending the best reply,
   * samples one among the best {@link DiversityConfig#topK()} with probabilities {@code
   * softmax(score / temperature)} and lifts it to the top with the smallest score change that does
   * so, recorded as an adjustment ("sampled at temperature 0.7 among top 3"; a change of 0 when the
   * best was drawn). Put it first in a chain, so it runs last after the model and samples among
   * final scores.
   *
   * @throws NullPointerException if {@code config} is null
   */
  public static Heuristic diversity(DiversityConfig config) {
    return new DiversitySampler(requireNonNull(config, "config"));
  }

  /**
   * Returns {@link #diversity(DiversityConfig)} with these options and a {@link
   * java.util.SplittableRandom} seeded with {@code seed}.
   *
   * @throws IllegalArgumentException if {@code topK} is not positive or {@code temperature} is not
   *     positive and finite
   */
  public static Heuristic diversity(int topK, double temperature, long seed) {
    return diversity(
        DiversityConfig.builder().topK(topK).temperature(temperature).seed(seed).build());
  }

  static Pattern compile(String kind, String regex, int flags) {
    try {
      return Pattern.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          kind
              + " regex '"
              + regex
              + "' does not compile: "
              + e.getDescription()
              + " near index "
              + e.getIndex(),
          e);
    }
  }

  private static void checkPositive(String option, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(option + " must be positive, but was " + value);
    }
  }
}
