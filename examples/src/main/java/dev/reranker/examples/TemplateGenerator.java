package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The demo's generative source: a stand-in for a neural generator that picks reply templates by
 * keywords in the user's last message and fills {@code {name}} from the dialog's user facts ("the
 * user's name is Maya."). Thread-safe and deterministic.
 *
 * <p>It keeps a real generator's typical faults on purpose, so that the reranker's heuristics
 * visibly act: where the user's name is unknown, {@code {name}} stays unfilled; one template
 * answers "are you a bot?" with a canned "As an AI language model" line; and {@link #withFaults()}
 * adds an echo of the user's last message and a repeat of the bot's last reply, the two loops
 * generative models fall into most.
 */
public final class TemplateGenerator implements CandidateGenerator {
  private static final Pattern NAME = Pattern.compile("(?i)\\bname is (\\p{L}+)");

  /**
   * A topic: keywords matched at word starts of the user's message (a prefix, or a whole word when
   * it ends in a space), and its templates.
   */
  private record Intent(String name, List<String> keywords, List<String> templates) {}

  private static final List<Intent> INTENTS =
      List.of(
          new Intent(
              "lonely",
              List.of("lonely", "alone", "nobody", "no one", "isolat", "by myself"),
              List.of(
                  "I'm really sorry you feel so alone, {name}. I'm right here with you.",
                  "Lonely evenings are the hardest. What would feel comforting right now?",
                  "Want to tell me about your week? I've got all the time in the world.")),
          new Intent(
              "exam",
              List.of("exam", "test", "stud", "final", "quiz", "revis"),
              List.of(
                  "You've worked so hard for this, {name}. Get some rest, you're ready.",
                  "Feeling nervous before an exam is normal. What's the subject?",
                  "How about a short break and an early night? Sleep helps you remember.")),
          new Intent(
              "anxious",
              List.of("anxi", "nervous", "worr", "panic", "stress", "scared"),
              List.of(
                  "That sounds like a lot of worry. Want to try a slow breath with me?",
                  "What's weighing on you most right now?")),
          new Intent(
              "tired",
              List.of("tired", "exhaust", "sleep", "insomnia", "worn out", "drained"),
              List.of(
                  "You sound worn out. Please be gentle with yourself tonight.",
                  "Have you had a chance to rest at all today?")),
          new Intent(
              "hobby",
              List.of(
                  "hobb", "guitar", "paint", "hik", "reading", "book", "game", "gaming", "cook",
                  "bak", "garden", "knit", "photo", "music", "run ", "running", "draw"),
              List.of(
                  "That sounds so fun, {name}! How long have you been into it?",
                  "What do you enjoy most about it?",
                  "I'd love to see what you've made. What got you started?")),
          new Intent(
              "bot",
              List.of(
                  "bot ", "bots ", "robot", "ai ", "human", "real person", "machine", "chatgpt"),
              List.of(
                  "As an AI language model, I cannot have feelings or opinions.",
                  "I'm an AI, {name}, but I genuinely look forward to our chats.",
                  "Yes, I'm a bot. Does that change how you feel about talking to me?")),
          new Intent(
              "grief",
              List.of(
                  "died",
                  "passed away",
                  "put down",
                  "lost my",
                  "funeral",
                  "miss him",
                  "miss her",
                  "grief",
                  "griev"),
              List.of(
                  "I'm so sorry, {name}. Losing a pet is losing a family member.",
                  "What was their name? I'd love to hear about them.",
                  "It's okay to grieve for as long as you need.")),
          new Intent(
              "good-news",
              List.of(
                  "got the job",
                  "passed",
                  "promot",
                  "accepted",
                  "engaged",
                  "good news",
                  "won ",
                  "great news",
                  "finally"),
              List.of(
                  "That's wonderful, {name}! Congratulations!",
                  "I'm thrilled for you! How are you going to celebrate?",
                  "You earned every bit of this. Tell me how it happened!")),
          new Intent(
              "work",
              List.of("work", "boss", "job", "office", "meeting", "deadline", "cowork", "shift"),
              List.of(
                  "Work sounds draining lately. What happened today?",
                  "You deserve a real break from all that, {name}.")),
          new Intent(
              "sad",
              List.of("sad", "down ", "cry", "broke up", "breakup", "heartbr", "depress", "upset"),
              List.of(
                  "I'm sorry you're hurting, {name}. Do you want to talk about it?",
                  "That sounds painful. I'm here for as long as you need.")));

  private static final List<String> GENERIC =
      List.of("Tell me more about that.", "How does that make you feel?", "Okay.");

  private final boolean faults;

  private TemplateGenerator(boolean faults) {
    this.faults = faults;
  }

  /** Returns a generator that only writes templated replies (with {@code {name}} as said above). */
  public static TemplateGenerator create() {
    return new TemplateGenerator(false);
  }

  /**
   * Returns a generator that also proposes an echo of the user's last message and a repeat of the
   * bot's last reply, for the demo.
   */
  public static TemplateGenerator withFaults() {
    return new TemplateGenerator(true);
  }

  @Override
  public List<Candidate> generate(Dialog dialog, int limit) {
    requireNonNull(dialog, "dialog");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, but was " + limit);
    }
    Optional<Turn> lastUser = dialog.lastTurnOf(Turn.Speaker.USER);
    List<Candidate> faulty = new ArrayList<>();
    if (faults) {
      lastUser.ifPresent(t -> faulty.add(fault(t.text(), "echo")));
      dialog.lastTurnOf(Turn.Speaker.BOT).ifPresent(t -> faulty.add(fault(t.text(), "repeat")));
    }
    String message = lastUser.map(t -> normalize(t.text())).orElse(" ");
    String name = userName(dialog).orElse(null);
    List<Candidate> out = new ArrayList<>();
    int budget = Math.max(0, limit - faulty.size());
    for (Intent intent : INTENTS) {
      if (out.size() >= budget) {
        break;
      }
      if (intent.keywords().stream().anyMatch(k -> message.contains(" " + k))) {
        for (String template : intent.templates()) {
          if (out.size() < budget) {
            out.add(
                Candidate.generative(fill(template, name)).withMetadata("template", intent.name()));
          }
        }
      }
    }
    for (int i = 0; out.size() < budget && i < GENERIC.size(); i++) {
      out.add(Candidate.generative(GENERIC.get(i)).withMetadata("template", "generic"));
    }
    for (Candidate f : faulty) {
      if (out.size() < limit) {
        out.add(f);
      }
    }
    return out;
  }

  private static Candidate fault(String text, String kind) {
    return Candidate.generative(text).withMetadata("fault", kind);
  }

  /** Lower case, letters and digits only, padded with spaces so keywords match at word starts. */
  private static String normalize(String text) {
    return " " + text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip() + " ";
  }

  private static Optional<String> userName(Dialog dialog) {
    for (String fact : dialog.userFacts()) {
      Matcher m = NAME.matcher(fact);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  // Like a template engine handed no value, an unknown name leaves the slot as it is: the
  // placeholder heuristic must catch it before the user sees "Hi {name}".
  private static String fill(String template, @Nullable String name) {
    return name == null ? template : template.replace("{name}", name);
  }

  @Override
  public String toString() {
    return "TemplateGenerator{faults=" + faults + "}";
  }
}
