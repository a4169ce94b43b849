package dev.reranker.training;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats {@link ReactionLog} reads. */
public enum ReactionLogFormat {
  /**
   * One JSON object per line, in the shape of the ConvAI reactions data: {@code dialog_id} (string
   * or number, required), {@code context} (earlier messages, oldest first; optional), {@code
   * speakers} ({@code human}/{@code user} or {@code bot}, one per context message; optional, else
   * messages alternate so that the last one is the user's), {@code persona} (the bot's persona
   * sentences; optional), {@code response} (the rated reply, required) and {@code reaction}
   * (required, see {@link Reaction#parse}). Other fields are ignored; blank lines are skipped.
   */
  JSONL,
  /**
   * Tab-separated {@code context<TAB>reply<TAB>reaction}, one record per line, no quoting. The
   * context is one user turn; it is also the record's dialog id, so records with the same context
   * stay on one side of the split. A first line {@code context<TAB>reply<TAB>reaction} is a header
   * and skipped; blank lines are skipped.
   */
  TSV;

  /**
   * Picks the format from a file name: {@code .tsv} is {@link #TSV}, {@code .jsonl}, {@code .json}
   * and {@code .ndjson} are {@link #JSONL}.
   *
   * @throws IllegalArgumentException for any other extension
   */
  public static ReactionLogFormat of(Path file) {
    requireNonNull(file, "file");
    String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
    if (name.endsWith(".tsv")) {
      return TSV;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
      return JSONL;
    }
    throw new IllegalArgumentException(
        "cannot tell the format of '" + file + "' from its name: expected .jsonl or .tsv");
  }
}
