package dev.reranker.examples.spring;

import static java.util.Objects.requireNonNull;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.RerankerOverloadedException;
import dev.reranker.RerankerTimeoutException;
import dev.reranker.ScoredCandidate;
import dev.reranker.Source;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /reply}: the dialog so far, the user's new message and the reply candidates in; the
 * chosen reply, and why the others were dropped, out. Answers through {@link Reranker#rankAsync},
 * so no request thread waits for the model while the queue batches concurrent requests.
 */
@RestController
class ReplyController {
  private final Reranker reranker;

  ReplyController(Reranker reranker) {
    this.reranker = reranker;
  }

  /** A turn of the dialog so far: {@code speaker} is "user" or "bot". */
  record Message(String speaker, String text) {}

  /** A candidate reply and its source ("retrieval", "generative", or your own tag). */
  record CandidateJson(String text, @Nullable String source) {}

  /** The request: {@code history} may be omitted. */
  record ReplyRequest(
      @Nullable List<Message> history, String message, List<CandidateJson> candidates) {}

  /** A candidate a heuristic dropped, and the verdict that dropped it. */
  record Dropped(String text, String heuristic, String reason) {}

  /** The answer: the reply to send, its source and P(upvote) (null for the fallback). */
  record ReplyResponse(
      String reply, String source, @Nullable Float probability, List<Dropped> dropped) {}

  /** An error: a stable code and a message for people. */
  record ErrorResponse(String error, String message) {}

  @PostMapping("/reply")
  CompletableFuture<ReplyResponse> reply(@RequestBody ReplyRequest request) {
    return reranker.rankAsync(dialogOf(request), candidatesOf(request)).thenApply(this::answer);
  }

  private ReplyResponse answer(Ranking ranking) {
    List<Dropped> dropped = new ArrayList<>();
    for (ScoredCandidate c : ranking.dropped()) {
      Verdict why = c.verdicts().get(c.verdicts().size() - 1);
      dropped.add(new Dropped(c.text(), why.heuristic(), why.reason()));
    }
    if (ranking.isFallback()) {
      Candidate fallback = ranking.fallback().orElseThrow();
      return new ReplyResponse(fallback.text(), fallback.source().tag(), null, dropped);
    }
    ScoredCandidate best = ranking.best().orElseThrow();
    return new ReplyResponse(
        best.text(), best.candidate().source().tag(), best.probability(), dropped);
  }

  private static Dialog dialogOf(ReplyRequest request) {
    requireNonNull(request.message(), "message");
    List<Turn> turns = new ArrayList<>();
    List<Message> history = request.history() == null ? List.of() : request.history();
    for (Message m : history) {
      turns.add(
          switch (String.valueOf(m.speaker())) {
            case "user" -> Turn.user(m.text());
            case "bot" -> Turn.bot(m.text());
            default ->
                throw new IllegalArgumentException(
                    "speaker must be \"user\" or \"bot\", but was " + m.speaker());
          });
    }
    turns.add(Turn.user(request.message()));
    return Dialog.of(turns);
  }

  private static List<Candidate> candidatesOf(ReplyRequest request) {
    requireNonNull(request.candidates(), "candidates");
    List<Candidate> candidates = new ArrayList<>(request.candidates().size());
    for (CandidateJson c : request.candidates()) {
      requireNonNull(c.text(), "candidate text");
      Source source = c.source() == null ? Source.UNSPECIFIED : Source.of(c.source());
      candidates.add(new Candidate(c.text(), source, java.util.Map.of()));
    }
    return candidates;
  }

  @ExceptionHandler({IllegalArgumentException.class, NullPointerException.class})
  ResponseEntity<ErrorResponse> badRequest(RuntimeException e) {
    return error(HttpStatus.BAD_REQUEST, "bad_request", e);
  }

  @ExceptionHandler(RerankerOverloadedException.class)
  ResponseEntity<ErrorResponse> overloaded(RerankerOverloadedException e) {
    return error(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", e);
  }

  @ExceptionHandler(RerankerTimeoutException.class)
  ResponseEntity<ErrorResponse> timedOut(RerankerTimeoutException e) {
    return error(HttpStatus.GATEWAY_TIMEOUT, "timeout", e);
  }

  private static ResponseEntity<ErrorResponse> error(
      HttpStatus status, String code, RuntimeException e) {
    return ResponseEntity.status(status)
        .body(new ErrorResponse(code, String.valueOf(e.getMessage())));
  }
}
