package dev.reranker.heuristics;

import static dev.reranker.heuristics.Harness.droppedTexts;
import static dev.reranker.heuristics.Harness.find;
import static dev.reranker.heuristics.Harness.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Source;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimilarityFiltersTest {

  @Test
  void repeat_dropsExactRepeatsAfterNormalisation() {
    Harness h = Harness.hashed();
    Ranking r =
        h.run(
            Heuristics.repeat(),
            Harness.lonely(),
            "i'm sorry you feel lonely... I'M HERE FOR YOU!!",
            "Moving to a new city is hard. Have you found any clubs or groups yet?");

    assertThat(texts(r))
        .containsExactly("Moving to a new city is hard. Have you found any clubs or groups yet?");
    assertThat(h.modelSaw).hasSize(1);
    assertThat(r.dropped().get(0).verdicts())
        .containsExactly(
            Verdict.drop(
                "repeat",
                "repeats the bot's last reply \"I'm sorry you feel lonely. I'm here for you.\""));
  }

  @Test
  void repeat_dropsNearRepeatsWithinTheWindowOnly() {
    Dialog d = Harness.lonely(); // bot turns: "Hi! How was your day?", then the "sorry" one
    String nearOld = "Hi! How was your day today?";
    Ranking wide = Harness.hashed().run(Heuristics.repeat(), d, nearOld);
    assertThat(wide.dropped()).hasSize(1);
    assertThat(wide.dropped().get(0).verdicts().get(0).reason())
        .isEqualTo(
            "near-duplicate (token-jaccard 0.83) of the bot's reply 2 bot turns ago "
                + "\"Hi! How was your day?\"");

    Ranking narrow =
        Harness.hashed().run(Heuristics.repeat(1, Heuristics.DEFAULT_SIMILARITY), d, nearOld);
    assertThat(narrow.dropped()).isEmpty();
  }

  @Test
  void repeat_trigramSimilarityForgivesTypos() {
    Dialog d = Dialog.of(Turn.bot("You will do great on your exam tomorrow"), Turn.user("thx"));
    String typo = "You wil do grat on your exam tomorow";
    assertThat(Harness.hashed().run(Heuristics.repeat(), d, typo).dropped()).isEmpty();
    assertThat(
            Harness.hashed()
                .run(Heuristics.repeat(3, Similarity.charTrigram(0.6)), d, typo)
                .dropped())
        .hasSize(1);
  }

  @Test
  void repeat_exactSimilarityIgnoresNearRepeats() {
    Dialog d = Harness.lonely();
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.repeat(5, Similarity.exact()),
                d,
                "Hi! How was your day today?",
                "hi how was your day");
    assertThat(texts(r)).containsExactly("Hi! How was your day today?");
  }

  @Test
  void repeat_noBotTurnsKeepsEverything() {
    Ranking r = Harness.hashed().run(Heuristics.repeat(), Dialog.of(Turn.user("hi")), "hi there");
    assertThat(r.dropped()).isEmpty();
  }

  @Test
  void echo_dropsTheUsersLastMessageParrotedBack() {
    Harness h = Harness.hashed();
    Ranking r =
        h.run(
            Heuristics.echo(),
            Harness.areYouABot(),
            "Are you a real person, though?",
            "A real person? No, but I really do care about our chats.",
            "wait are you a bot?");

    assertThat(texts(r))
        .containsExactlyInAnyOrder(
            "A real person? No, but I really do care about our chats.", "wait are you a bot?");
    assertThat(find(r, "Are you a real person, though?").verdicts())
        .containsExactly(
            Verdict.drop(
                "echo",
                "near-echo (token-jaccard 0.86) of the user's last "
                    + "message \"a little. are you a real person though?\""));
  }

  @Test
  void echo_nearEchoIsNamedWithItsScore() {
    Ranking r =
        Harness.hashed()
            .run(
                Heuristics.echo(),
                Harness.exam(),
                "Organic chemistry... the reactions never stick!?");
    assertThat(r.dropped().get(0).verdicts().get(0).reason())
        .isEqualTo(
            "echoes the user's last message \"organic chemistry, the reactions never " + "stick\"");
    Ranking near =
        Harness.hashed()
            .run(
                Heuristics.echo(Similarity.tokenJaccard(0.6), 3),
                Harness.exam(),
                "the reactions never stick with organic chemistry");
    assertThat(near.dropped().get(0).verdicts().get(0).reason())
        .startsWith("near-echo (token-jaccard 0.86) of the user's last message");
  }

  @Test
  void echo_shortMessagesMayBeMirrored() {
    Dialog greeting = Dialog.of(Turn.user("Good morning!"));
    assertThat(Harness.hashed().run(Heuristics.echo(), greeting, "good morning :)").dropped())
        .isEmpty();
    assertThat(
            Harness.hashed()
                .run(Heuristics.echo(Heuristics.DEFAULT_SIMILARITY, 1), greeting, "good morning :)")
                .dropped())
        .hasSize(1);
  }

  @Test
  void echo_withoutAUserTurnKeepsEverything() {
    Ranking r = Harness.hashed().run(Heuristics.echo(), Dialog.of(), "hello!");
    assertThat(r.dropped()).isEmpty();
  }

  @Test
  void duplicate_keepsTheBestScoredOfEachGroup() {
    Harness h =
        Harness.scores(
            Map.of(
                "You've got this! Good luck tomorrow.", 1.0,
                "you've got this!! good luck tomorrow", 2.0,
                "Good luck tomorrow, you've got this", 0.5,
                "Want to go over a few reactions together?", 1.5));
    Ranking r =
        h.run(
            Heuristics.duplicate(),
            Harness.exam(),
            "You've got this! Good luck tomorrow.",
            "you've got this!! good luck tomorrow",
            "Good luck tomorrow, you've got this",
            "Want to go over a few reactions together?");

    assertThat(texts(r))
        .containsExactly(
            "you've got this!! good luck tomorrow", "Want to go over a few reactions together?");
    assertThat(h.modelSaw).hasSize(4); // needs the scores: runs after the model
    assertThat(find(r, "You've got this! Good luck tomorrow.").verdicts())
        .containsExactly(
            Verdict.drop(
                "duplicate",
                "duplicate of a better-scored candidate \"you've got this!! good luck tomorrow\""));
    // Same words in another order: equal as a token set, so near-duplicate with score 1.
    assertThat(find(r, "Good luck tomorrow, you've got this").verdicts().get(0).reason())
        .startsWith("near-duplicate (token-jaccard 1.00) of a better-scored candidate");
  }

  @Test
  void duplicate_exactOnlyAcrossAllCandidatesBeyondMaxCompared() {
    Harness h = Harness.logit(t -> -t.length());
    // maxCompared 1: only the best is compared fuzzily, exact duplicates are found everywhere.
    Ranking r =
        h.run(
            Heuristics.duplicate(Heuristics.DEFAULT_SIMILARITY, 1),
            Harness.hobbies(),
            "I love painting mountains",
            "I love painting mountains too",
            "mountains are great",
            "Mountains are great!!!",
            "mountains are so great!!!");
    assertThat(droppedTexts(r)).containsExactly("Mountains are great!!!");
  }

  @Test
  void duplicate_keepsDistinctSourcesApartOnlyByText() {
    Harness h = Harness.logit(t -> 1);
    Ranking r =
        h.run(
            Heuristics.duplicate(),
            Harness.hobbies(),
            List.of(
                Candidate.retrieval("Do you paint outdoors?"),
                Candidate.generative("do you paint outdoors")));
    // A tie keeps the caller's order: the retrieval one, listed first, wins.
    assertThat(r.ranked()).hasSize(1);
    assertThat(r.ranked().get(0).candidate().source()).isEqualTo(Source.RETRIEVAL);
  }

  @Test
  void duplicate_textsThatNormaliseToNothingAreComparedRaw() {
    Ranking r = Harness.logit(t -> 1).run(Heuristics.duplicate(), Dialog.of(), "...", "?", "...");
    assertThat(texts(r)).containsExactly("...", "?");
  }
}
