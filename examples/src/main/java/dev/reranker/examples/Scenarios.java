package dev.reranker.examples;

import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.util.List;

/** The demo's companion-bot dialogs, written for it. */
final class Scenarios {
  /** A titled dialog. */
  record Scenario(String title, Dialog dialog) {}

  // Only the "are you a bot?" dialog gets persona facts: the bundled bi-encoder embeds them with
  // the turns, and "i am an ai companion" pulls every dialog towards replies about being an AI.
  static final List<String> BOT_PERSONA =
      List.of("i am juno, an ai companion.", "i love hearing about people's days.");

  private Scenarios() {}

  static List<Scenario> all() {
    return List.of(
        new Scenario(
            "Lonely on a Friday night",
            dialog(
                List.of("the user's name is Maya."),
                Turn.user("hey"),
                Turn.bot("Hey! It's good to hear from you. How has your day been so far?"),
                Turn.user("honestly pretty lonely. nobody texted me all week"))),
        new Scenario(
            "Anxious and tired before an exam",
            dialog(
                List.of(),
                Turn.user("Just anxious and tired"),
                Turn.bot("Still worried about tomorrow?"),
                Turn.user("Yes, I have an exam tomorrow and I can't stop studying"))),
        new Scenario(
            "A new hobby",
            dialog(
                List.of("the user's name is Sam."),
                Turn.user("I started learning guitar last month!"),
                Turn.bot("That's so cool! What made you pick it up?"),
                Turn.user("I always loved music. Now I practise every evening after work"))),
        new Scenario(
            "\"Are you a bot?\"",
            dialog(
                    List.of(),
                    Turn.user("can I ask you something weird"),
                    Turn.bot("Of course, ask me anything."),
                    Turn.user("are you a bot or a real person?"))
                .withBotPersona(BOT_PERSONA)),
        new Scenario(
            "Grief about a pet",
            dialog(
                List.of(),
                Turn.user("We had to put our dog Biscuit down this morning."),
                Turn.bot("Oh no. I'm so sorry. How are you holding up?"),
                Turn.user("Not well. The house is so quiet without him."))),
        new Scenario(
            "Good news",
            dialog(
                List.of("the user's name is Priya."),
                Turn.user("GUESS WHAT"),
                Turn.bot("What? Tell me!"),
                Turn.user("I got the job!! I start in two weeks"))),
        new Scenario(
            "A rough day at work",
            dialog(
                List.of(),
                Turn.user("ugh, what a day"),
                Turn.bot("Oh no. What happened today?"),
                Turn.user("my boss yelled at me in front of everyone in the meeting"))),
        new Scenario(
            "Can't sleep",
            dialog(
                List.of("the user's name is Leo."), Turn.user("it's 3am and I still can't sleep"))),
        new Scenario(
            "Homesick in a new city",
            dialog(
                List.of(),
                Turn.user("I moved to Berlin for uni two months ago"),
                Turn.bot("That's a big move! How are you finding it?"),
                Turn.user("honestly I miss home so much. I don't really have friends here yet"))),
        new Scenario(
            "Bored on a Sunday", dialog(List.of(), Turn.user("so bored. nothing to do today"))));
  }

  private static Dialog dialog(List<String> userFacts, Turn... turns) {
    return Dialog.of(turns).withUserFacts(userFacts);
  }
}
