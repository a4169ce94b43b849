package dev.reranker.examples;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.ArrayList;
import java.util.List;

/** Turns the CLI's and the server's flat context lists into a {@link Dialog}. */
final class Dialogs {
  private Dialogs() {}

  /**
   * Returns the dialog of {@code context}, oldest first, alternating user and bot and ending with
   * the user: speakers are assigned backwards from the end, so the last turn is the user's whatever
   * the count. {@code persona} becomes the bot's persona facts.
   */
  static Dialog fromContext(List<String> context, List<String> persona) {
    List<Turn> turns = new ArrayList<>(context.size());
    for (int i = 0; i < context.size(); i++) {
      boolean user = (context.size() - 1 - i) % 2 == 0;
      turns.add(user ? Turn.user(context.get(i)) : Turn.bot(context.get(i)));
    }
    return Dialog.of(turns).withBotPersona(persona);
  }
}
