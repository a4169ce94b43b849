package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readers for the public dialog corpora used to train and validate response selection:
 * Synthetic-Persona-Chat (CSV), Topical-Chat (JSON) and DailyDialog++ (JSON lines). Each turns a
 * file into {@link SelectionExample}s whose dialog's last turn is the user's and whose reply is the
 * bot's: the speaker who replies is the bot, the other one the user.
 *
 * <p>Every method reads the whole file, UTF-8, and is safe to call from any thread. Dialog ids are
 * unique across corpora and files (they start with the source and the file name), so a {@link
 * DialogSplit} of examples from several files never puts one conversation on two sides.
 */
public final class DialogCorpora {
  /** {@link SelectionExample#source()} of Synthetic-Persona-Chat examples. */
  public static final String SYNTHETIC_PERSONA_CHAT = "synthetic-persona-chat";

  /** {@link SelectionExample#source()} of Topical-Chat examples. */
  public static final String TOPICAL_CHAT = "topical-chat";

  /** {@link SelectionExample#source()} of DailyDialog++ examples. */
  public static final String DAILY_DIALOG_PLUS_PLUS = "dailydialog++";

  private static final List<String> SPC_HEADER =
      List.of("user 1 personas", "user 2 personas", "Best Generated Conversation");

  // A few conversations mark the speaker up ("*User 2:* hi"); lines without a speaker continue the
  // previous turn (a recipe's "Ingredients:") or are stage directions before the first turn.
  private static final Pattern SPC_TURN =
      Pattern.compile("^[*\\s]*User ([12])[*\\s]*:[*\\s]*(.*)$");

  private DialogCorpora() {}

  /**
   * Reads one Synthetic-Persona-Chat CSV file ({@code valid.csv} or {@code test.csv}): every turn
   * after the first of each conversation is an example, its context the earlier turns, its persona
   * the replying speaker's persona lines. The examples have no negatives.
   *
   * <p>Turns start with {@code User 1:} or {@code User 2:}; other lines continue the turn before
   * them. A conversation without any speaker label is read as alternating lines, {@code User 1}
   * first; a conversation of fewer than two turns (one in {@code test.csv} is empty) gives no
   * examples.
   *
   * @throws MalformedDialogDataException if the header, or a record's quoting or field count is
   *     wrong; the location is the record and its first line
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<SelectionExample> syntheticPersonaChat(Path file) {
    requireNonNull(file, "file");
    String name = baseName(file);
    List<SelectionExample> examples = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      CsvRecords csv = new CsvRecords(reader, file);
      List<String> header = csv.next();
      if (header == null || !header.equals(SPC_HEADER)) {
        throw new MalformedDialogDataException(
            file, "line 1", "expected the header " + String.join(",", SPC_HEADER));
      }
      int record = 0;
      for (List<String> fields = csv.next(); fields != null; fields = csv.next()) {
        record++;
        String where = "record " + record + " (line " + csv.recordLine() + ")";
        if (fields.size() != 3) {
          throw new MalformedDialogDataException(
              file, where, "expected 3 fields, but was " + fields.size());
        }
        List<List<String>> personas = List.of(lines(fields.get(0)), lines(fields.get(1)));
        List<String> speakers = new ArrayList<>();
        List<StringBuilder> texts = new ArrayList<>();
        List<String> unlabelled = new ArrayList<>();
        for (String line : (Iterable<String>) fields.get(2).lines()::iterator) {
          Matcher m = SPC_TURN.matcher(line);
          if (m.matches()) {
            speakers.add(m.group(1));
            texts.add(new StringBuilder(m.group(2).trim()));
          } else if (!line.isBlank()) {
            unlabelled.add(line.trim());
            if (!texts.isEmpty()) {
              texts.get(texts.size() - 1).append('\n').append(line.trim());
            }
          }
        }
        if (texts.isEmpty()) {
          // One conversation of test.csv has no speaker labels: its lines alternate, User 1 first.
          for (int i = 0; i < unlabelled.size(); i++) {
            speakers.add(i % 2 == 0 ? "1" : "2");
            texts.add(new StringBuilder(unlabelled.get(i)));
          }
        }
        String dialogId = SYNTHETIC_PERSONA_CHAT + "/" + name + "#" + record;
        List<String> plain = texts.stream().map(StringBuilder::toString).toList();
        for (int i = 1; i < plain.size(); i++) {
          if (plain.get(i).isBlank()) {
            continue;
          }
          Dialog dialog =
              contextOf(speakers, plain, i)
                  .withBotPersona(personas.get(speakers.get(i).equals("1") ? 0 : 1));
          examples.add(
              new SelectionExample(
                  dialogId, dialog, plain.get(i), List.of(), SYNTHETIC_PERSONA_CHAT));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return examples;
  }

  /**
   * Reads one Topical-Chat conversations file (e.g. {@code valid_freq.json}): every message after
   * the first is an example, its context the earlier messages, with the partner's rating of it.
   * Blank messages are skipped. No persona; no negatives.
   *
   * @throws MalformedDialogDataException if the file is not a JSON object of conversations with a
   *     {@code content} list of {@code message}/{@code agent}/{@code turn_rating} objects; the
   *     location names the conversation and message
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<RatedExample> topicalChat(Path file) {
    requireNonNull(file, "file");
    JsonObject root;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      JsonElement parsed = JsonParser.parseReader(reader);
      if (!parsed.isJsonObject()) {
        throw new MalformedDialogDataException(file, "top level", "expected a JSON object");
      }
      root = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new MalformedDialogDataException(file, "JSON", String.valueOf(e.getMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<RatedExample> examples = new ArrayList<>();
    for (Map.Entry<String, JsonElement> conversation : root.entrySet()) {
      String id = conversation.getKey();
      String where = "conversation " + id;
      JsonArray content;
      try {
        content = conversation.getValue().getAsJsonObject().getAsJsonArray("content");
      } catch (RuntimeException e) {
        throw new MalformedDialogDataException(file, where, "expected an object with 'content'");
      }
      if (content == null) {
        throw new MalformedDialogDataException(file, where, "missing 'content'");
      }
      List<String> agents = new ArrayList<>();
      List<String> messages = new ArrayList<>();
      List<Optional<TurnRating>> ratings = new ArrayList<>();
      for (int i = 0; i < content.size(); i++) {
        String at = where + " message " + i;
        if (!content.get(i).isJsonObject()) {
          throw new MalformedDialogDataException(file, at, "expected an object");
        }
        JsonObject turn = content.get(i).getAsJsonObject();
        agents.add(string(turn, "agent", file, at));
        messages.add(string(turn, "message", file, at).trim());
        try {
          ratings.add(TurnRating.parse(string(turn, "turn_rating", file, at)));
        } catch (IllegalArgumentException e) {
          throw new MalformedDialogDataException(file, at, String.valueOf(e.getMessage()));
        }
      }
      String dialogId = TOPICAL_CHAT + "/" + baseName(file) + "#" + id;
      for (int i = 1; i < messages.size(); i++) {
        if (messages.get(i).isEmpty()) {
          continue;
        }
        SelectionExample example =
            new SelectionExample(
                dialogId, contextOf(agents, messages, i), messages.get(i), List.of(), TOPICAL_CHAT);
        examples.add(new RatedExample(example, ratings.get(i)));
      }
    }
    return examples;
  }

  /**
   * Reads DailyDialog++'s {@code data_positives.json} (JSON lines): each of a context's positive
   * replies is an example of its own, without negatives. The context's last turn is the user's, and
   * the speakers alternate before it.
   *
   * @throws MalformedDialogDataException if a line is not a JSON object with {@code dialog_id}, a
   *     non-empty {@code context} and {@code positive_responses}; the location is the line
   * @throws UncheckedIOException if the file cannot be read
   */
  public static List<SelectionExample> dailyDialogPositives(Path file) {
    List<SelectionExample> examples = new ArrayList<>();
    readJsonLines(
        file,
        (json, where) -> {
          String dialogId =
              DAILY_DIALOG_PLUS_PLUS + "/positives#" + string(json, "dialog_id", file, where);
          Dialog dialog = alternating(strings(json, "context", file, where), file, where);
          for (String reply : strings(json, "positive_responses", file, where)) {
            addIfNotBlank(examples, dialogId, dialog, reply, List.of());
          }
        });
    return examples;
  }

  /**
   * Reads DailyDialog++'s {@code dev.json} (JSON lines) into two sets over the same contexts: each
   * positive reply with the context's random replies as negatives, and again with its adversarial
   * replies.
   *
   * @throws MalformedDialogDataException if a line is not a JSON object with {@code id}, a
   *     non-empty {@code context}, {@code positive_responses}, {@code random_negative_responses}
   *     and {@code adversarial_negative_responses}; the location is the line
   * @throws UncheckedIOException if the file cannot be read
   */
  public static DailyDialogDev dailyDialogDev(Path file) {
    List<SelectionExample> random = new ArrayList<>();
    List<SelectionExample> adversarial = new ArrayList<>();
    readJsonLines(
        file,
        (json, where) -> {
          String dialogId = DAILY_DIALOG_PLUS_PLUS + "/dev#" + string(json, "id", file, where);
          Dialog dialog = alternating(strings(json, "context", file, where), file, where);
          List<String> randoms = nonBlank(strings(json, "random_negative_responses", file, where));
          List<String> adversarials =
              nonBlank(strings(json, "adversarial_negative_responses", file, where));
          for (String reply : strings(json, "positive_responses", file, where)) {
            addIfNotBlank(random, dialogId, dialog, reply, randoms);
            addIfNotBlank(adversarial, dialogId, dialog, reply, adversarials);
          }
        });
    return new DailyDialogDev(random, adversarial);
  }

  private interface LineHandler {
    void accept(JsonObject json, String where);
  }

  private static void readJsonLines(Path file, LineHandler handler) {
    requireNonNull(file, "file");
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        String where = "line " + lineNumber;
        JsonElement json;
        try {
          json = JsonParser.parseString(line);
        } catch (JsonParseException e) {
          throw new MalformedDialogDataException(file, where, "not JSON: " + e.getMessage());
        }
        if (!json.isJsonObject()) {
          throw new MalformedDialogDataException(file, where, "expected a JSON object");
        }
        handler.accept(json.getAsJsonObject(), where);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void addIfNotBlank(
      List<SelectionExample> into,
      String dialogId,
      Dialog dialog,
      String reply,
      List<String> negatives) {
    if (!reply.isBlank()) {
      into.add(
          new SelectionExample(dialogId, dialog, reply.trim(), negatives, DAILY_DIALOG_PLUS_PLUS));
    }
  }

  private static List<String> nonBlank(List<String> texts) {
    return texts.stream().filter(t -> !t.isBlank()).map(String::trim).toList();
  }

  /** The turns before {@code reply}: the reply's speaker is the bot, everyone else the user. */
  private static Dialog contextOf(List<String> speakers, List<String> texts, int reply) {
    String bot = speakers.get(reply);
    List<Turn> turns = new ArrayList<>(reply);
    for (int i = 0; i < reply; i++) {
      if (texts.get(i).isBlank()) {
        continue;
      }
      turns.add(speakers.get(i).equals(bot) ? Turn.bot(texts.get(i)) : Turn.user(texts.get(i)));
    }
    return Dialog.of(turns);
  }

  /** DailyDialog++ contexts alternate speakers and end with the turn the reply answers. */
  private static Dialog alternating(List<String> context, Path file, String where) {
    if (context.isEmpty()) {
      throw new MalformedDialogDataException(file, where, "'context' is empty");
    }
    List<Turn> turns = new ArrayList<>(context.size());
    for (int i = 0; i < context.size(); i++) {
      boolean user = (context.size() - 1 - i) % 2 == 0;
      String text = context.get(i).trim();
      if (!text.isEmpty()) {
        turns.add(user ? Turn.user(text) : Turn.bot(text));
      }
    }
    return Dialog.of(turns);
  }

  private static String string(JsonObject json, String name, Path file, String where) {
    JsonElement e = json.get(name);
    if (e == null || e.isJsonNull()) {
      throw new MalformedDialogDataException(file, where, "missing '" + name + "'");
    }
    if (!e.isJsonPrimitive()) {
      throw new MalformedDialogDataException(file, where, "'" + name + "' is not a string");
    }
    return e.getAsString();
  }

  private static List<String> strings(JsonObject json, String name, Path file, String where) {
    JsonElement e = json.get(name);
    if (e == null || !e.isJsonArray()) {
      throw new MalformedDialogDataException(
          file, where, "missing '" + name + "' (a list of strings)");
    }
    List<String> out = new ArrayList<>();
    for (JsonElement item : e.getAsJsonArray()) {
      if (!item.isJsonPrimitive()) {
        throw new MalformedDialogDataException(file, where, "'" + name + "' has a non-string");
      }
      out.add(item.getAsString());
    }
    return out;
  }

  private static List<String> lines(String field) {
    return field.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  private static String baseName(Path file) {
    Path name = file.getFileName();
    String s = name == null ? file.toString() : name.toString();
    int dot = s.lastIndexOf('.');
    return dot > 0 ? s.substring(0, dot) : s;
  }

  /** RFC 4180 records: quoted fields may hold commas, line breaks and doubled quotes. */
  private static final class CsvRecords {
    private final BufferedReader reader;
    private final Path file;
    private int line; // lines consumed so far
    private int recordLine; // first line of the last record

    CsvRecords(BufferedReader reader, Path file) {
      this.reader = reader;
      this.file = file;
    }

    int recordLine() {
      return recordLine;
    }

    /** Returns the next record's fields, or null at the end. */
    @org.jspecify.annotations.Nullable
    List<String> next() throws IOException {
      String text = reader.readLine();
      while (text != null && text.isEmpty()) {
        line++;
        text = reader.readLine();
      }
      if (text == null) {
        return null;
      }
      line++;
      recordLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      int i = 0;
      while (true) {
        if (i == text.length()) {
          if (!quoted) {
            fields.add(field.toString());
            return fields;
          }
          String more = reader.readLine();
          if (more == null) {
            throw new MalformedDialogDataException(
                file, "record at line " + recordLine, "a quoted field never ends");
          }
          line++;
          field.append('\n');
          text = more;
          i = 0;
          continue;
        }
        char c = text.charAt(i++);
        if (quoted) {
          if (c != '"') {
            field.append(c);
          } else if (i < text.length() && text.charAt(i) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
        } else {
          field.append(c);
        }
      }
    }
  }
}
