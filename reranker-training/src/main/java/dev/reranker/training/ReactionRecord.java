package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Dialog;

/**
 * One logged reply and the user's reaction to it. Immutable.
 *
 * @param dialogId the dialog the reply belongs to; the train/validation split never separates
 *     records of one dialog
 * @param dialog the context the reply answered: earlier turns and the bot's persona
 * @param reply the bot's reply
 * @param reaction what the user did
 * @param source where the record was read ({@code reactions.jsonl:17}), for messages; may be empty
 */
public record ReactionRecord(
    String dialogId, Dialog dialog, String reply, Reaction reaction, String source) {

  /**
   * Creates a record.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code dialogId} is empty
   */
  public ReactionRecord {
    requireNonNull(dialogId, "dialogId");
    requireNonNull(dialog, "dialog");
    requireNonNull(reply, "reply");
    requireNonNull(reaction, "reaction");
    requireNonNull(source, "source");
    checkArgument(!dialogId.isEmpty(), "dialogId must not be empty");
  }

  /** Returns a record without a source location. */
  public static ReactionRecord of(String dialogId, Dialog dialog, String reply, Reaction reaction) {
    return new ReactionRecord(dialogId, dialog, reply, reaction, "");
  }

  /**
   * Returns the key that groups the candidates answering one context (for hits@1 and MRR): the
   * dialog id and the context's turns and persona.
   */
  public String contextKey() {
    return dialogId
        + '\u0000'
        + dialog.botPersona()
        + '\u0000'
        + dialog.userFacts()
        + '\u0000'
        + dialog.turns();
  }
}
