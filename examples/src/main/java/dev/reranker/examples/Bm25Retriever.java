package dev.reranker.examples;

import static java.util.Objects.requireNonNull;

import dev.reranker.Candidate;
import dev.reranker.Dialog;
import dev.reranker.Turn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * The retrieval source: BM25 search (Lucene) over a {@link ReplyCorpus}, queried with the dialog's
 * latest turns. Thread-safe; close it to free the in-memory index.
 *
 * <p>Why BM25 and not embeddings: retrieval stays cheap (well under a millisecond for a few hundred
 * replies) and independent of the reranker's model, so every BERT forward pass goes to reranking,
 * as in the production design; the reranker then judges what retrieval found.
 *
 * <p>The query weights the user's last message fully and the two turns before it by {@value
 * #EARLIER_TURN_WEIGHT}, so a short answer ("yes, tomorrow") still finds replies about the topic
 * the dialog is on. Candidates carry metadata {@code doc} (the corpus line index) and {@code bm25}
 * (the score).
 */
public final class Bm25Retriever implements CandidateGenerator, AutoCloseable {
  /** Weight of the two turns before the user's last message in the query. */
  public static final float EARLIER_TURN_WEIGHT = 0.35f;

  /**
   * Lucene's English stop words plus the pronouns, auxiliaries and contractions that fill chat
   * messages. Lucene's list (33 words) is made for documents and keeps "i", "you" and "have", which
   * then match nearly every reply in a companion corpus and drown the topic words.
   */
  static final CharArraySet CHAT_STOP_WORDS = chatStopWords();

  private static final String TEXT = "text";
  private static final String DOC = "doc";

  private final ReplyCorpus corpus;
  private final Analyzer analyzer;
  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  private Bm25Retriever(ReplyCorpus corpus) throws IOException {
    this.corpus = corpus;
    // English stemming and chat stop words: "studying" finds "study", "are you a" weighs nothing.
    this.analyzer = new EnglishAnalyzer(CHAT_STOP_WORDS);
    this.directory = new ByteBuffersDirectory();
    IndexWriterConfig config = new IndexWriterConfig(analyzer).setSimilarity(new BM25Similarity());
    try (IndexWriter writer = new IndexWriter(directory, config)) {
      List<String> replies = corpus.replies();
      for (int i = 0; i < replies.size(); i++) {
        Document doc = new Document();
        doc.add(new TextField(TEXT, replies.get(i), Field.Store.NO));
        doc.add(new StoredField(DOC, i));
        writer.addDocument(doc);
      }
    }
    this.reader = DirectoryReader.open(directory);
    this.searcher = new IndexSearcher(reader);
    searcher.setSimilarity(new BM25Similarity());
  }

  private static CharArraySet chatStopWords() {
    CharArraySet words = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
    words.addAll(
        List.of(
            "i", "me", "my", "mine", "myself", "you", "your", "yours", "we", "our", "he", "him",
            "his", "she", "her", "its", "am", "been", "being", "have", "has", "had", "do", "does",
            "did", "so", "just", "what", "how", "can", "could", "would", "should", "about", "all",
            "from", "there", "here", "im", "i'm", "i've", "i'll", "i'd", "you're", "you've",
            "you'll", "you'd", "it's", "that's", "what's", "can't", "don't", "didn't", "doesn't",
            "won't", "isn't", "wasn't", "aren't", "really", "very", "too", "also", "yes", "oh",
            "ok", "okay", "hey", "hi", "um", "well", "any", "some", "now", "one"));
    return CharArraySet.unmodifiableSet(words);
  }

  /** Indexes the corpus in memory. */
  public static Bm25Retriever over(ReplyCorpus corpus) {
    requireNonNull(corpus, "corpus");
    try {
      return new Bm25Retriever(corpus);
    } catch (IOException e) {
      // An in-memory directory does no I/O that can fail; this is a bug, not an environment issue.
      throw new UncheckedIOException("cannot index the reply corpus", e);
    }
  }

  /** Returns replies matching the dialog's latest turns, best BM25 score first. */
  @Override
  public List<Candidate> generate(Dialog dialog, int limit) {
    requireNonNull(dialog, "dialog");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, but was " + limit);
    }
    Map<String, Float> weights = queryTerms(dialog);
    if (weights.isEmpty() || limit == 0) {
      return List.of();
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    weights.forEach(
        (term, weight) ->
            query.add(
                new BoostQuery(new TermQuery(new Term(TEXT, term)), weight),
                BooleanClause.Occur.SHOULD));
    try {
      TopDocs top = searcher.search(query.build(), limit);
      StoredFields stored = searcher.storedFields();
      List<Candidate> found = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc hit : top.scoreDocs) {
        int index = stored.document(hit.doc).getField(DOC).numericValue().intValue();
        found.add(
            Candidate.retrieval(corpus.replies().get(index))
                .withMetadata("doc", Integer.toString(index))
                .withMetadata("bm25", String.format(Locale.ROOT, "%.2f", hit.score)));
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException("BM25 search failed", e);
    }
  }

  /** Analysed query terms with their weights: the user's last message at 1, two turns before. */
  private Map<String, Float> queryTerms(Dialog dialog) {
    List<Turn> turns = dialog.turns();
    int last = -1;
    for (int i = turns.size() - 1; i >= 0 && last < 0; i--) {
      if (turns.get(i).speaker() == Turn.Speaker.USER) {
        last = i;
      }
    }
    Map<String, Float> weights = new LinkedHashMap<>();
    if (last < 0) {
      return weights;
    }
    for (int i = Math.max(0, last - 2); i < last; i++) {
      addTerms(turns.get(i).text(), EARLIER_TURN_WEIGHT, weights);
    }
    addTerms(turns.get(last).text(), 1f, weights);
    return weights;
  }

  private void addTerms(String text, float weight, Map<String, Float> weights) {
    try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      tokens.reset();
      while (tokens.incrementToken()) {
        weights.merge(term.toString(), weight, Float::sum);
      }
      tokens.end();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot analyse the query", e);
    }
  }

  /** Returns the number of indexed replies. */
  public int size() {
    return corpus.size();
  }

  @Override
  public void close() {
    try {
      reader.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      analyzer.close();
    }
  }

  @Override
  public String toString() {
    return "Bm25Retriever{replies=" + corpus.size() + "}";
  }
}
