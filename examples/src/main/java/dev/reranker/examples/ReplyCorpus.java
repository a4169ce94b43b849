package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A corpus of canned replies for a retrieval source: one reply per line; blank lines and lines
 * starting with {@code #} are skipped. Immutable.
 */
public final class ReplyCorpus {
  /** The demo's corpus: a few hundred companion-bot replies, on the classpath. */
  public static final String BUNDLED_RESOURCE = "companion-replies.txt";

  private final List<String> replies;

  private ReplyCorpus(List<String> replies) {
    this.replies = List.copyOf(replies);
  }

  /**
   * Returns a corpus of these replies, in order.
   *
   * @throws NullPointerException if the list or a reply is null
   * @throws IllegalArgumentException if a reply is blank
   */
  public static ReplyCorpus of(List<String> replies) {
    for (String r : requireNonNull(replies, "replies")) {
      if (requireNonNull(r, "reply").isBlank()) {
        throw new IllegalArgumentException("a corpus reply must not be blank");
      }
    }
    return new ReplyCorpus(replies);
  }

  /** Returns the demo's bundled corpus of companion-bot replies. */
  public static ReplyCorpus bundled() {
    try (InputStream in = ReplyCorpus.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + BUNDLED_RESOURCE + " is missing");
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
    }
  }

  /** Reads a corpus in the line format above (UTF-8); does not close the stream. */
  public static ReplyCorpus read(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<String> replies = new ArrayList<>();
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      String reply = line.strip();
      if (!reply.isEmpty() && !reply.startsWith("#")) {
        replies.add(reply);
      }
    }
    return new ReplyCorpus(replies);
  }

  /** Returns the replies, in file order. */
  public List<String> replies() {
    return replies;
  }

  /** Returns the number of replies. */
  public int size() {
    return replies.size();
  }
}
