package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A reaction log: logged bot replies with the users' reactions, read from JSONL or TSV (see {@link
 * ReactionLogFormat}). Immutable.
 *
 * <pre>{@code
 * ReactionLog log = ReactionLog.read(Path.of("reactions.jsonl"));
 * DatasetSplit split = log.split(0.2, 42); // by dialog, deterministic for the seed
 * }</pre>
 */
public final class ReactionLog {
  private final List<ReactionRecord> records;

  private ReactionLog(List<ReactionRecord> records) {
    this.records = List.copyOf(records);
  }

  /** Returns a log of these records. */
  public static ReactionLog of(List<ReactionRecord> records) {
    return new ReactionLog(records);
  }

  /**
   * Reads a log, in the format its file name says ({@link ReactionLogFormat#of}).
   *
   * @throws IllegalArgumentException if the extension names no format
   * @throws MalformedReactionLogException naming the file and line of the first bad line
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ReactionLog read(Path file) {
    return read(file, ReactionLogFormat.of(file));
  }

  /**
   * Reads a log in {@code format}.
   *
   * @throws MalformedReactionLogException naming the file and line of the first bad line
   * @throws UncheckedIOException if the file cannot be read
   */
  public static ReactionLog read(Path file, ReactionLogFormat format) {
    requireNonNull(file, "file");
    requireNonNull(format, "format");
    List<ReactionRecord> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte order mark is not part of the first record
        }
        if (line.isBlank()) {
          continue;
        }
        String source = file.getFileName() + ":" + number;
        if (format == ReactionLogFormat.JSONL) {
          out.add(parseJson(file, number, line, source));
        } else if (number != 1 || !isTsvHeader(line)) {
          out.add(parseTsv(file, number, line, source));
        }
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new UncheckedIOException(file + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new ReactionLog(out);
  }

  private static boolean isTsvHeader(String line) {
    return line.strip().toLowerCase(Locale.ROOT).equals("context\treply\treaction");
  }

  private static ReactionRecord parseTsv(Path file, long number, String line, String source) {
    String[] fields = line.split("\t", -1);
    if (fields.length != 3) {
      throw new MalformedReactionLogException(
          file,
          number,
          "expected 3 tab-separated fields (context, reply, reaction), but found " + fields.length);
    }
    String context = fields[0].strip();
    Dialog dialog = context.isEmpty() ? Dialog.of() : Dialog.of(Turn.user(context));
    Reaction reaction = reaction(file, number, fields[2]);
    // A TSV log has no dialog ids: the context stands in, so equal contexts split together.
    return new ReactionRecord("tsv:" + context, dialog, fields[1].strip(), reaction, source);
  }

  private static ReactionRecord parseJson(Path file, long number, String line, String source) {
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(line);
      if (!parsed.isJsonObject()) {
        throw new MalformedReactionLogException(file, number, "not a JSON object");
      }
      json = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new MalformedReactionLogException(file, number, "not valid JSON: " + rootMessage(e));
    }
    String dialogId = scalar(file, number, json, "dialog_id");
    if (dialogId.isEmpty()) {
      throw new MalformedReactionLogException(file, number, "'dialog_id' is empty");
    }
    String reply = scalar(file, number, json, "response");
    Reaction reaction = reaction(file, number, scalar(file, number, json, "reaction"));
    List<String> context = strings(file, number, json, "context");
    List<String> persona = strings(file, number, json, "persona");
    List<String> speakers = strings(file, number, json, "speakers");
    if (json.has("speakers") && speakers.size() != context.size()) {
      throw new MalformedReactionLogException(
          file,
          number,
          "'speakers' has " + speakers.size() + " entries but 'context' has " + context.size());
    }
    List<Turn> turns = new ArrayList<>(context.size());
    for (int i = 0; i < context.size(); i++) {
      Turn.Speaker speaker;
      if (speakers.isEmpty()) {
        // No speakers: turns alternate and the newest one is the user's, whom the reply answers.
        speaker = (context.size() - 1 - i) % 2 == 0 ? Turn.Speaker.USER : Turn.Speaker.BOT;
      } else {
        speaker = speaker(file, number, speakers.get(i), i);
      }
      turns.add(new Turn(speaker, context.get(i)));
    }
    Dialog dialog = new Dialog(turns, persona, List.of());
    return new ReactionRecord(dialogId, dialog, reply, reaction, source);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  private static Turn.Speaker speaker(Path file, long number, String value, int index) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "human", "user" -> Turn.Speaker.USER;
      case "bot" -> Turn.Speaker.BOT;
      default ->
          throw new MalformedReactionLogException(
              file,
              number,
              "speakers[" + index + "] is '" + value + "', expected 'human', 'user' or 'bot'");
    };
  }

  private static Reaction reaction(Path file, long number, String value) {
    try {
      return Reaction.parse(value);
    } catch (IllegalArgumentException e) {
      throw new MalformedReactionLogException(file, number, String.valueOf(e.getMessage()));
    }
  }

  private static String scalar(Path file, long number, JsonObject json, String key) {
    JsonElement e = json.get(key);
    if (e == null || e.isJsonNull()) {
      throw new MalformedReactionLogException(file, number, "missing '" + key + "'");
    }
    if (!e.isJsonPrimitive()) {
      throw new MalformedReactionLogException(
          file, number, "'" + key + "' must be a string, but was " + e);
    }
    return e.getAsString();
  }

  private static List<String> strings(Path file, long number, JsonObject json, String key) {
    JsonElement e = json.get(key);
    if (e == null || e.isJsonNull()) {
      return List.of();
    }
    if (!e.isJsonArray()) {
      throw new MalformedReactionLogException(
          file, number, "'" + key + "' must be an array of strings, but was " + e);
    }
    JsonArray array = e.getAsJsonArray();
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonElement item = array.get(i);
      if (!item.isJsonPrimitive()) {
        throw new MalformedReactionLogException(
            file, number, "'" + key + "[" + i + "]' must be a string, but was " + item);
      }
      out.add(item.getAsString());
    }
    return out;
  }

  /** Returns the records, in file order. */
  public List<ReactionRecord> records() {
    return records;
  }

  /** Returns the number of records. */
  public int size() {
    return records.size();
  }

  /** Returns how many records have each reaction, in {@link Reaction} order. */
  public Map<Reaction, Integer> counts() {
    Map<Reaction, Integer> counts = new LinkedHashMap<>();
    for (Reaction r : Reaction.values()) {
      counts.put(r, 0);
    }
    for (ReactionRecord r : records) {
      counts.merge(r.reaction(), 1, Integer::sum);
    }
    return Collections.unmodifiableMap(counts);
  }

  /**
   * Splits the records by dialog: the dialog ids are sorted, shuffled with {@code seed}, and whole
   * dialogs go to validation until it holds at least {@code validationFraction} of the records. The
   * same records and seed give the same split whatever the line order; no dialog is on both sides.
   * With two or more dialogs and a fraction above 0, each side gets at least one dialog.
   *
   * @throws IllegalArgumentException if {@code validationFraction} is not in [0, 1)
   */
  public DatasetSplit split(double validationFraction, long seed) {
    checkArgument(
        validationFraction >= 0 && validationFraction < 1,
        "validationFraction must be in [0, 1), but was %s",
        validationFraction);
    Map<String, List<ReactionRecord>> byDialog = new TreeMap<>();
    for (ReactionRecord r : records) {
      byDialog.computeIfAbsent(r.dialogId(), k -> new ArrayList<>()).add(r);
    }
    List<String> ids = new ArrayList<>(byDialog.keySet());
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = ids.size() - 1; i > 0; i--) {
      Collections.swap(ids, i, random.nextInt(i + 1));
    }
    long target = (long) Math.ceil(validationFraction * records.size());
    java.util.Set<String> validationIds = new java.util.HashSet<>();
    long taken = 0;
    for (int i = 0; i < ids.size() && taken < target; i++) {
      if (ids.size() >= 2 && validationIds.size() == ids.size() - 1) {
        break; // leave training at least one dialog
      }
      validationIds.add(ids.get(i));
      taken += requireNonNull(byDialog.get(ids.get(i))).size();
    }
    List<ReactionRecord> train = new ArrayList<>();
    List<ReactionRecord> validation = new ArrayList<>();
    for (ReactionRecord r : records) {
      (validationIds.contains(r.dialogId()) ? validation : train).add(r);
    }
    return new DatasetSplit(train, validation);
  }

  @Override
  public String toString() {
    return "ReactionLog{" + records.size() + " records, " + counts() + "}";
  }
}
