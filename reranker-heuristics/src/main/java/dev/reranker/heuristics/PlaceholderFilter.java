package dev.reranker.heuristics;

import dev.reranker.Candidate;
import dev.reranker.RerankRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Drops replies with unfilled template slots ("Hi {name}!", "[USER]", "<unk>"). */
final class PlaceholderFilter extends PreModelHeuristic {
  private final List<Pattern> patterns;
  private final List<String> regexes;

  PlaceholderFilter(List<String> regexes) {
    super(Heuristics.PLACEHOLDER);
    this.regexes = List.copyOf(regexes);
    List<Pattern> compiled = new ArrayList<>();
    for (String regex : this.regexes) {
      compiled.add(Heuristics.compile("placeholder", regex, 0));
    }
    this.patterns = List.copyOf(compiled);
  }

  @Override
  Function<Candidate, @Nullable String> reasons(RerankRequest request) {
    return c -> {
      String text = Texts.nfkc(c.text());
      for (Pattern p : patterns) {
        Matcher m = p.matcher(text);
        if (m.find()) {
          return "unfilled placeholder " + Texts.quote(m.group());
        }
      }
      return null;
    };
  }

  @Override
  public String toString() {
    return name + regexes;
  }
}
