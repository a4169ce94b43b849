package dev.reranker.spark;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Ranking;
import dev.reranker.Reranker;
import dev.reranker.ScoredCandidate;
import dev.reranker.Turn;
import dev.reranker.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.jspecify.annotations.Nullable;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Scores one partition: leases the executor's reranker, keeps up to {@link
 * ScoringOptions#inFlight()} of the partition's pairs in its queue through {@code rankAsync}, and
 * emits the rows in input order with the output columns appended. A row that cannot be read as a
 * pair, or whose scoring fails, gets null scores and an error; the task goes on.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ScoringOptions options;
  private final int context;
  private final int candidate;
  private final int speakers; // -1: no such column
  private final int persona; // -1: no such column

  PartitionScorer(ScoringOptions options, int context, int candidate, int speakers, int persona) {
    this.options = options;
    this.context = context;
    this.candidate = candidate;
    this.speakers = speakers;
    this.persona = persona;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    ExecutorRerankers.Lease lease = ExecutorRerankers.lease(options);
    Scoring scoring;
    try {
      scoring = new Scoring(rows, lease);
    } catch (RuntimeException | Error e) {
      lease.close();
      throw e;
    }
    TaskContext task = TaskContext.get();
    if (task != null) {
      // Success, failure or a killed task: drop what is still queued and release the reranker.
      var unused = task.addTaskCompletionListener((TaskCompletionListener) t -> scoring.finish());
    }
    return scoring;
  }

  /** A pair in flight, or a row that was never sent. */
  private record Pending(
      Row row, @Nullable CompletableFuture<Ranking> ranking, @Nullable String error) {}

  private final class Scoring implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final ExecutorRerankers.Lease lease;
    private final Reranker reranker;
    private final ArrayDeque<Pending> window = new ArrayDeque<>();
    private boolean finished;

    Scoring(Iterator<Row> rows, ExecutorRerankers.Lease lease) {
      this.rows = rows;
      this.lease = lease;
      this.reranker = lease.reranker(); // the first task of this JVM loads the model here
    }

    @Override
    public boolean hasNext() {
      fill();
      if (window.isEmpty()) {
        finish(); // outside a task (tests, local iterators) nothing else would release it
        return false;
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Pending head = window.poll();
      Row row = outputOf(head);
      fill(); // keep the queue topped up while the caller handles this row
      return row;
    }

    private void fill() {
      while (!finished && window.size() < options.inFlight() && rows.hasNext()) {
        window.add(submit(rows.next()));
      }
    }

    private Pending submit(Row row) {
      Dialog dialog;
      String reply;
      try {
        dialog = dialogOf(row);
        reply = replyOf(row);
      } catch (BadRow e) {
        return new Pending(row, null, e.getMessage());
      }
      try {
        return new Pending(row, reranker.rankAsync(dialog, List.of(Candidate.of(reply))), null);
      } catch (RuntimeException e) {
        return new Pending(row, null, describe(e));
      }
    }

    private Row outputOf(Pending p) {
      if (p.ranking() == null) {
        return output(p.row(), null, null, null, p.error());
      }
      Ranking ranking;
      try {
        ranking = p.ranking().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while scoring: the task was killed", e);
      } catch (ExecutionException | CompletionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return output(p.row(), null, null, null, describe(cause));
      }
      ScoredCandidate scored = ranking.all().get(0);
      List<Row> verdicts = new ArrayList<>(scored.verdicts().size());
      for (Verdict v : scored.verdicts()) {
        verdicts.add(
            RowFactory.create(
                v.heuristic(), v.action().name(), v.reason(), (double) v.scoreChange()));
      }
      return output(
          p.row(), nanToNull(scored.probability()), nanToNull(scored.score()), verdicts, null);
    }

    private Row output(
        Row row,
        @Nullable Double probability,
        @Nullable Double score,
        @Nullable List<Row> verdicts,
        @Nullable String error) {
      int width = row.length();
      Object[] values = new Object[width + (options.hasVerdicts() ? 4 : 3)];
      for (int i = 0; i < width; i++) {
        values[i] = row.get(i);
      }
      values[width] = probability;
      values[width + 1] = score;
      int next = width + 2;
      if (options.hasVerdicts()) {
        // Spark's row encoder takes Scala sequences for arrays, not java.util.List.
        values[next++] = verdicts == null ? null : CollectionConverters.asScala(verdicts).toSeq();
      }
      values[next] = error;
      return RowFactory.create(values);
    }

    /** Cancels what is still queued and releases the reranker; idempotent. */
    void finish() {
      if (!finished) {
        finished = true;
        for (Pending p : window) {
          if (p.ranking() != null) {
            p.ranking().cancel(false);
          }
        }
        lease.close();
      }
    }
  }

  private Dialog dialogOf(Row row) throws BadRow {
    String contextName = options.contextColumn();
    if (row.isNullAt(context)) {
      throw new BadRow(contextName + " is null");
    }
    List<String> messages = row.getList(context);
    List<String> who = speakers >= 0 && !row.isNullAt(speakers) ? row.getList(speakers) : null;
    if (who != null && who.size() != messages.size()) {
      throw new BadRow(
          String.format(
              Locale.ROOT,
              "%s has %d entries but %s has %d",
              options.speakersColumn(),
              who.size(),
              contextName,
              messages.size()));
    }
    List<Turn> turns = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      String text = messages.get(i);
      if (text == null) {
        throw new BadRow(contextName + "[" + i + "] is null");
      }
      turns.add(new Turn(speaker(who, i, messages.size()), text));
    }
    List<String> facts = List.of();
    if (persona >= 0 && !row.isNullAt(persona)) {
      List<String> raw = row.getList(persona);
      facts = new ArrayList<>(raw.size());
      for (int i = 0; i < raw.size(); i++) {
        if (raw.get(i) == null) {
          throw new BadRow(options.personaColumn() + "[" + i + "] is null");
        }
        facts.add(raw.get(i));
      }
    }
    return new Dialog(turns, facts, List.of());
  }

  /** As the reaction log reader: named speakers, else alternating with the newest the user's. */
  private Turn.Speaker speaker(@Nullable List<String> who, int i, int size) throws BadRow {
    if (who == null) {
      return (size - 1 - i) % 2 == 0 ? Turn.Speaker.USER : Turn.Speaker.BOT;
    }
    String value = who.get(i);
    if (value != null) {
      switch (value) {
        case "human", "user" -> {
          return Turn.Speaker.USER;
        }
        case "bot" -> {
          return Turn.Speaker.BOT;
        }
        default -> {}
      }
    }
    throw new BadRow(
        options.speakersColumn()
            + "["
            + i
            + "] is "
            + (value == null ? "null" : "'" + value + "'")
            + ", expected 'human', 'user' or 'bot'");
  }

  private String replyOf(Row row) throws BadRow {
    if (row.isNullAt(candidate)) {
      throw new BadRow(options.candidateColumn() + " is null");
    }
    String reply = row.getString(candidate);
    if (reply.isEmpty()) {
      throw new BadRow(options.candidateColumn() + " is empty");
    }
    return reply;
  }

  private static @Nullable Double nanToNull(float value) {
    return Float.isNaN(value) ? null : (double) value;
  }

  private static String describe(Throwable t) {
    Throwable cause = t;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** A row that is not a (dialog, reply) pair; its message goes to the error column. */
  private static final class BadRow extends Exception {
    private static final long serialVersionUID = 1L;

    BadRow(String message) {
      super(message, null, false, false);
    }
  }
}
