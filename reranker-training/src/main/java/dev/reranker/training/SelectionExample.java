package dev.reranker.training;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import dev.reranker.Dialog;
import java.util.List;

/**
 * One response-selection example: a dialog (persona facts and turns so far, the last one the
 * partner's), the reply that was really sent next, and replies known not to fit it. Immutable.
 *
 * <p>The dialog's {@link Dialog#botPersona()} is the persona of the speaker who replies; the other
 * speaker is the user. {@code negatives} are the dataset's own (DailyDialog++'s random and
 * adversarial replies, say), possibly empty: a trainer or an evaluation adds random replies of
 * other dialogs itself.
 *
 * @param dialogId the conversation the example comes from: splits and "other dialogs" use it
 * @param dialog the context the reply answers
 * @param reply the true next reply
 * @param negatives replies that do not fit the context, from the dataset
 * @param source the corpus (and split) the example comes from, e.g. {@code
 *     "synthetic-persona-chat"}
 */
public record SelectionExample(
    String dialogId, Dialog dialog, String reply, List<String> negatives, String source) {

  /**
   * Creates an example.
   *
   * @throws NullPointerException if an argument or a negative is null
   * @throws IllegalArgumentException if the reply is blank
   */
  public SelectionExample {
    requireNonNull(dialogId, "dialogId");
    requireNonNull(dialog, "dialog");
    requireNonNull(reply, "reply");
    checkArgument(!reply.isBlank(), "reply must not be blank, in dialog %s", dialogId);
    negatives = List.copyOf(negatives);
    requireNonNull(source, "source");
  }
}
