package dev.reranker.training;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads response-selection examples from JSON Lines, one object per line, for users' own dialogs:
 *
 * <pre>{@code
 * {"dialog_id": "d1", "persona": ["i have two dogs"], "context": ["hi!", "hello, any pets?"],
 *  "speakers": ["bot", "user"], "reply": "yes, two dogs", "negatives": ["i work in a bank"]}
 * }</pre>
 *
 * <p>{@code dialog_id}, {@code context} (the turns so far, oldest first, at least one) and {@code
 * reply} (the true next reply, not blank) are required; {@code persona} (the replying speaker's
 * facts), {@code negatives} (replies that do not fit) and {@code source} (default: the file name)
 * are optional. {@code speakers} gives each context turn's speaker, {@code user} or {@code bot}
 * (the replying one); by default the turns alternate and the last is the user's. Blank lines are
 * skipped. Stateless; thread-safe.
 */
public final class SelectionJsonl {
  private SelectionJsonl() {}

  /**
   * Reads every example of a file, in order.
   *
   * @throws IllegalArgumentException naming the file and the 1-based line of the first bad line
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<SelectionExample> read(Path file) {
    List<SelectionExample> out = new ArrayList<>();
    String source = String.valueOf(file.getFileName());
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(parse(line, source));
        } catch (IllegalArgumentException | IllegalStateException | JsonParseException e) {
          throw new IllegalArgumentException(
              String.format(Locale.ROOT, "%s:%d: %s", file, number, e.getMessage()), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return out;
  }

  /**
   * Parses one line.
   *
   * @param defaultSource the source when the line has none
   * @throws IllegalArgumentException if a required field is missing or a field has the wrong type
   */
  public static SelectionExample parse(String line, String defaultSource) {
    JsonElement element = JsonParser.parseString(line);
    if (!element.isJsonObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    JsonObject o = element.getAsJsonObject();
    String dialogId = string(o, "dialog_id");
    String reply = string(o, "reply");
    List<String> context = strings(o, "context");
    if (context.isEmpty()) {
      throw new IllegalArgumentException("'context' needs at least one turn");
    }
    List<String> speakers = o.has("speakers") ? strings(o, "speakers") : null;
    if (speakers != null && speakers.size() != context.size()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "'speakers' has %d entries for %d context turns",
              speakers.size(),
              context.size()));
    }
    List<Turn> turns = new ArrayList<>(context.size());
    for (int i = 0; i < context.size(); i++) {
      boolean user = speakers == null ? (context.size() - 1 - i) % 2 == 0 : isUser(speakers.get(i));
      turns.add(user ? Turn.user(context.get(i)) : Turn.bot(context.get(i)));
    }
    Dialog dialog = Dialog.of(turns);
    if (o.has("persona")) {
      dialog = dialog.withBotPersona(strings(o, "persona"));
    }
    List<String> negatives = o.has("negatives") ? strings(o, "negatives") : List.of();
    String source = o.has("source") ? string(o, "source") : defaultSource;
    if (reply.isBlank()) {
      throw new IllegalArgumentException("'reply' is blank");
    }
    return new SelectionExample(dialogId, dialog, reply, negatives, source);
  }

  private static boolean isUser(String speaker) {
    return switch (speaker.toLowerCase(Locale.ROOT)) {
      case "user" -> true;
      case "bot" -> false;
      default ->
          throw new IllegalArgumentException(
              "'speakers' entries must be user or bot, but one was '" + speaker + "'");
    };
  }

  private static String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing '" + name + "'");
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("'" + name + "' must be a string");
    }
    return e.getAsString();
  }

  private static List<String> strings(JsonObject o, String name) {
    @Nullable JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("missing '" + name + "'");
    }
    if (!e.isJsonArray()) {
      throw new IllegalArgumentException("'" + name + "' must be an array of strings");
    }
    JsonArray array = e.getAsJsonArray();
    List<String> out = new ArrayList<>(array.size());
    for (JsonElement item : array) {
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw new IllegalArgumentException("'" + name + "' must be an array of strings");
      }
      out.add(item.getAsString());
    }
    return out;
  }
}
