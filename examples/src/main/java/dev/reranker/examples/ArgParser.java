package dev.reranker.examples;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A hand-written parser for every command's options: {@code --name value}, {@code --name=value},
 * repeatable, and value-less flags. Hand-written because the commands need little (no subcommand
 * trees, no type converters) and must fail with exactly one line on stderr, which picocli's default
 * handler (message plus usage) does not do without overriding it.
 *
 * <p>A value that is itself one of the command's option names is taken as a missing value, so
 * {@code --candidate --json} says "needs a value" instead of ranking the text "--json".
 */
final class ArgParser {
  private final String command;
  private final Set<String> valued;
  private final Set<String> flags;

  /**
   * @param command the command's name, for messages
   * @param valued options that take a value, with their dashes ("--context")
   * @param flags options without a value ("--json")
   */
  ArgParser(String command, Set<String> valued, Set<String> flags) {
    this.command = command;
    this.valued = Set.copyOf(valued);
    this.flags = Set.copyOf(flags);
  }

  /** Parses the arguments after the command name. */
  Parsed parse(List<String> args) throws UsageException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        throw UsageException.help();
      }
      if (!arg.startsWith("--")) {
        throw fail("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (flags.contains(name)) {
        if (eq >= 0) {
          throw fail("option " + name + " takes no value");
        }
        seen.add(name);
      } else if (valued.contains(name)) {
        String value;
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size() && !isOption(args.get(i + 1))) {
          value = args.get(++i);
        } else {
          throw fail("option " + name + " needs a value");
        }
        values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw fail("unknown option '" + arg + "'");
      }
    }
    return new Parsed(values, seen);
  }

  private boolean isOption(String arg) {
    if (arg.equals("--help") || arg.equals("-h")) {
      return true;
    }
    int eq = arg.indexOf('=');
    String name = eq < 0 ? arg : arg.substring(0, eq);
    return valued.contains(name) || flags.contains(name);
  }

  UsageException fail(String problem) {
    return new UsageException(command + ": " + problem + " (see --help)");
  }

  /** The parsed options. */
  final class Parsed {
    private final Map<String, List<String>> values;
    private final Set<String> flagsSeen;

    private Parsed(Map<String, List<String>> values, Set<String> flagsSeen) {
      this.values = values;
      this.flagsSeen = flagsSeen;
    }

    /** Returns every value of a repeatable option, in order. */
    List<String> all(String name) {
      return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /** Returns the value of a single-valued option; giving it twice is an error. */
    Optional<String> single(String name) throws UsageException {
      List<String> given = values.getOrDefault(name, List.of());
      if (given.size() > 1) {
        throw fail("option " + name + " given " + given.size() + " times");
      }
      return given.stream().findFirst();
    }

    boolean has(String flag) {
      return flagsSeen.contains(flag);
    }

    /** Returns an integer option in [min, max], or {@code otherwise} when absent. */
    int integer(String name, int min, int max, int otherwise) throws UsageException {
      Optional<String> text = single(name);
      if (text.isEmpty()) {
        return otherwise;
      }
      try {
        int value = Integer.parseInt(text.get().strip());
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below, with the range
      }
      throw fail(
          name + " must be an integer in [" + min + ", " + max + "], but was '" + text.get() + "'");
    }

    /**
     * Returns a single-valued option converted by {@code convert}, or empty when absent; a value it
     * rejects ({@link IllegalArgumentException}) is a usage error saying the option must be {@code
     * what} ("an integer").
     */
    <T> Optional<T> value(String name, String what, Function<String, T> convert)
        throws UsageException {
      Optional<String> text = single(name);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(convert.apply(text.get().strip()));
      } catch (IllegalArgumentException e) {
        throw fail(name + " must be " + what + ", but was '" + text.get() + "'");
      }
    }

    /** Returns an enum option, given as a constant's name in any case, or empty when absent. */
    <E extends Enum<E>> Optional<E> choice(String name, Class<E> type) throws UsageException {
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name().toLowerCase(Locale.ROOT));
      }
      return value(
          name,
          "one of " + String.join(", ", names),
          v -> Enum.valueOf(type, v.toUpperCase(Locale.ROOT)));
    }

    /** Returns the model folder of {@code --model}, checked to exist, or empty when absent. */
    Optional<Path> modelPath() throws UsageException {
      Optional<String> text = single("--model");
      if (text.isEmpty()) {
        return Optional.empty();
      }
      Path path;
      try {
        path = Path.of(text.get());
      } catch (InvalidPathException e) {
        throw fail("--model '" + text.get() + "' is not a valid path");
      }
      if (!Files.isDirectory(path)) {
        throw fail(
            Files.exists(path)
                ? "--model '"
                    + path
                    + "' is not a folder (expected a HuggingFace checkpoint folder)"
                : "--model '" + path + "' does not exist");
      }
      return Optional.of(path);
    }
  }
}
