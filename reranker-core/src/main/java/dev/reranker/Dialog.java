package dev.reranker;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The context a reply is chosen for: the dialog's turns, oldest first, and optional persona facts
 * (the bot's profile, facts about the user). Immutable.
 *
 * <p>The pair encoder puts persona facts before the turns in the context segment; when the context
 * is too long it drops the oldest tokens first, so persona facts go before the oldest turns and the
 * newest turn survives longest.
 *
 * @param turns the messages so far, oldest first; may be empty when the bot speaks first
 * @param botPersona facts of the bot's profile ("i love hiking.")
 * @param userFacts facts known about the user ("the user has an exam tomorrow.")
 */
public record Dialog(List<Turn> turns, List<String> botPersona, List<String> userFacts) {

  /**
   * Creates a dialog.
   *
   * @throws NullPointerException if a list or an element is null
   */
  public Dialog {
    turns = copy(turns, "turns");
    botPersona = copy(botPersona, "botPersona");
    userFacts = copy(userFacts, "userFacts");
  }

  private static <T> List<T> copy(List<T> list, String name) {
    requireNonNull(list, name);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new NullPointerException(name + "[" + i + "] is null");
      }
    }
    return List.copyOf(list);
  }

  /**
   * Returns a dialog of these turns, oldest first, without persona facts.
   *
   * @throws NullPointerException if a turn is null
   */
  public static Dialog of(Turn... turns) {
    requireNonNull(turns, "turns");
    return new Dialog(Arrays.asList(turns), List.of(), List.of());
  }

  /**
   * Returns a dialog of these turns, oldest first, without persona facts.
   *
   * @throws NullPointerException if the list or a turn is null
   */
  public static Dialog of(List<Turn> turns) {
    return new Dialog(turns, List.of(), List.of());
  }

  /** Returns this dialog with the bot's persona facts replaced. */
  public Dialog withBotPersona(List<String> facts) {
    return new Dialog(turns, facts, userFacts);
  }

  /** Returns this dialog with the facts about the user replaced. */
  public Dialog withUserFacts(List<String> facts) {
    return new Dialog(turns, botPersona, facts);
  }

  /** Returns this dialog with {@code turn} appended as the newest turn. */
  public Dialog plus(Turn turn) {
    requireNonNull(turn, "turn");
    List<Turn> next = new ArrayList<>(turns);
    next.add(turn);
    return new Dialog(next, botPersona, userFacts);
  }

  /** Returns the newest turn, if any. */
  public Optional<Turn> lastTurn() {
    return turns.isEmpty() ? Optional.empty() : Optional.of(turns.get(turns.size() - 1));
  }

  /** Returns the newest turn written by {@code speaker}, if any. */
  public Optional<Turn> lastTurnOf(Turn.Speaker speaker) {
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).speaker() == speaker) {
        return Optional.of(turns.get(i));
      }
    }
    return Optional.empty();
  }
}
