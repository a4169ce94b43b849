package dev.reranker.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The soak of issue 16: starts {@code serve} in its own JVM (fixed heap, pre-touched, so heap
 * growth cannot pass for a leak), pushes 100,000 (context, candidate) pairs through it over
 * loopback HTTP (5,000 requests of 20 varied candidates from 4 closed-loop clients, {@code /rerank}
 * and {@code /v1/rerank} in turn), reads the server's resident set size ({@code VmRSS} of {@code
 * /proc/PID/status}) every 100 ms, and fails when its floor (the lowest reading in the 5 s before
 * each checkpoint) keeps growing after the warm-up or when a request is not answered 200 with every
 * candidate. The floor, not one reading: the server hands freed native memory back every 2 s
 * ({@code --native-memory-trim-ms}), so a single reading lands anywhere on a saw-tooth about 200 MB
 * high; what a leak raises is the memory kept after each trim.
 *
 * <p>Not a test and not in {@code mvn verify} (it takes minutes): {@code bash examples/soak.sh}
 * builds and runs it. Exit codes: 0 passed, 1 failed, 2 bad arguments (one line on stderr).
 */
public final class ServeSoak {
  static final String USAGE =
      """
      usage: bash examples/soak.sh [--pairs N] [--candidates N] [--clients N]
                                   [--warm-up-pairs N] [--checkpoint-pairs N] [--heap-mb N]
                                   [--max-slope-mb X] [--max-growth-mb X] [--trim-ms N]
                                   [--seed N] [--jar PATH]

        Starts `serve` in its own JVM (a heap of --heap-mb, fixed and pre-touched) and sends it
        --pairs (context, candidate) pairs, --candidates per request from --clients clients,
        alternating POST /rerank and POST /v1/rerank. Reads the server's resident memory (VmRSS)
        every 100 ms; at the warm-up (--warm-up-pairs) and every --checkpoint-pairs after, reports
        the reading, the floor (lowest reading of the last 5 s) and the peak since the last one. Fails (exit 1) if a request
        is not answered 200 with all its candidates, or if after the warm-up the floor keeps
        growing: least-squares slope over the checkpoints above --max-slope-mb per 10,000 pairs
        AND the last checkpoint's floor above the warm-up's by more than --max-growth-mb.
        --trim-ms passes --native-memory-trim-ms to serve (0: no trimming; unset: serve's default).

        defaults: --pairs 100000 --candidates 20 --clients 4 --warm-up-pairs 10000
                  --checkpoint-pairs 10000 --heap-mb 1024 --max-slope-mb 2
                  --max-growth-mb 16 --seed 16 --jar examples/target/reranker-examples.jar
      """;

  static final double DEFAULT_MAX_SLOPE_MB = 2;

  /**
   * The floor is the lowest reading of the last 5 s before a checkpoint: at least two of serve's
   * default 2 s trims, and short enough that the warm-up's floor is its end's, not the idle
   * server's before the load.
   */
  static final long FLOOR_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

  static final double DEFAULT_MAX_GROWTH_MB = 16;

  /** Enough for 4 clients' 80 pairs on a busy machine: the soak is about memory, not 504s. */
  static final int SERVER_TIMEOUT_MS = 120_000;

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final Pattern RSS_LINE = Pattern.compile("(?m)^(VmRSS|VmHWM):\\s+(\\d+) kB");

  private ServeSoak() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** The soak's settings, checked. */
  record Options(
      int pairs,
      int candidates,
      int clients,
      int warmUpPairs,
      int checkpointPairs,
      int heapMb,
      double maxSlopeMb,
      double maxGrowthMb,
      @Nullable Integer trimMs,
      long seed,
      Path jar) {
    int requests() {
      return pairs / candidates;
    }
  }

  /**
   * One reading of the server: after {@code pairs} answered pairs, {@code seconds} into the load;
   * {@code floorKb} is the lowest RSS read in the 5 s before it, {@code peakKb} the highest since
   * the previous checkpoint (this reading included in both).
   */
  record Checkpoint(
      String label,
      long pairs,
      double seconds,
      long rssKb,
      long floorKb,
      long peakKb,
      double heapMb,
      double nonHeapMb,
      double directMb) {
    double rssMb() {
      return rssKb / 1024.0;
    }

    double floorMb() {
      return floorKb / 1024.0;
    }

    double peakMb() {
      return peakKb / 1024.0;
    }
  }

  /**
   * The criterion over the checkpoints from the warm-up on.
   *
   * @param slopeMb least-squares slope of the RSS, MB per 10,000 pairs
   * @param growthMb last checkpoint's RSS less the warm-up's
   */
  record Verdict(double slopeMb, double growthMb, double maxSlopeMb, double maxGrowthMb) {
    boolean growing() {
      return slopeMb > maxSlopeMb && growthMb > maxGrowthMb;
    }
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      if (e.isHelp()) {
        out.print(USAGE);
        return 0;
      }
      err.println(e.getMessage());
      return 2;
    }
    try {
      return soak(options, out, err);
    } catch (IOException | RuntimeException e) {
      err.println(("soak: failed: " + e).replaceAll("[\\r\\n]+", " "));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("soak: interrupted");
      return 1;
    }
  }

  static Options parse(List<String> args) throws UsageException {
    ArgParser parser =
        new ArgParser(
            "soak",
            Set.of(
                "--pairs",
                "--candidates",
                "--clients",
                "--warm-up-pairs",
                "--checkpoint-pairs",
                "--heap-mb",
                "--max-slope-mb",
                "--max-growth-mb",
                "--trim-ms",
                "--seed",
                "--jar"),
            Set.of());
    ArgParser.Parsed parsed = parser.parse(args);
    int candidates = parsed.integer("--candidates", 1, 256, 20);
    int pairs = parsed.integer("--pairs", 1, 100_000_000, 100_000);
    int clients = parsed.integer("--clients", 1, 256, 4);
    int warmUp = parsed.integer("--warm-up-pairs", 0, 100_000_000, 10_000);
    int step = parsed.integer("--checkpoint-pairs", 1, 100_000_000, 10_000);
    int heapMb = parsed.integer("--heap-mb", 64, 1 << 20, 1024);
    double maxSlope =
        parsed
            .value("--max-slope-mb", "a number", Double::parseDouble)
            .orElse(DEFAULT_MAX_SLOPE_MB);
    double maxGrowth =
        parsed
            .value("--max-growth-mb", "a number", Double::parseDouble)
            .orElse(DEFAULT_MAX_GROWTH_MB);
    Integer trimMs =
        parsed.single("--trim-ms").isPresent()
            ? parsed.integer("--trim-ms", 0, 3_600_000, 0)
            : null;
    long seed = parsed.value("--seed", "an integer", Long::parseLong).orElse(16L);
    Path jar = Path.of(parsed.single("--jar").orElse("examples/target/reranker-examples.jar"));
    if (pairs % candidates != 0) {
      throw parser.fail(
          "--pairs (" + pairs + ") must be a multiple of --candidates (" + candidates + ")");
    }
    if ((long) warmUp + 2L * step > pairs) {
      throw parser.fail(
          "--pairs ("
              + pairs
              + ") must leave room for two checkpoints after the warm-up ("
              + warmUp
              + " + 2 x "
              + step
              + ")");
    }
    if (!Files.isRegularFile(jar)) {
      throw parser.fail(
          "--jar '" + jar + "' does not exist (build it: mvn -q -B -DskipTests package)");
    }
    return new Options(
        pairs, candidates, clients, warmUp, step, heapMb, maxSlope, maxGrowth, trimMs, seed, jar);
  }

  /**
   * Judges the checkpoints from the warm-up on (the first is the warm-up's): growing when both the
   * least-squares slope and the total growth are above their limits. The slope alone would flag a
   * one-off step late in a short series (a malloc arena, a JIT compile), the growth alone a jump
   * with no trend. The defaults, 2 MB per 10,000 pairs and 16 MB, trip together at a steady 200
   * bytes a pair over the default 90,000 judged pairs. Measured on the bundled model (README):
   * where the RSS had levelled off it moved 0.1 to 0.2 MB per 10,000 pairs; where it grew, never
   * less than 23 MB.
   */
  static Verdict judge(List<Checkpoint> afterWarmUp, double maxSlopeMb, double maxGrowthMb) {
    return judge(afterWarmUp, Checkpoint::floorMb, maxSlopeMb, maxGrowthMb);
  }

  /** As {@link #judge(List, double, double)}, on the series {@code mb}. */
  static Verdict judge(
      List<Checkpoint> afterWarmUp,
      java.util.function.ToDoubleFunction<Checkpoint> mb,
      double maxSlopeMb,
      double maxGrowthMb) {
    if (afterWarmUp.size() < 2) {
      throw new IllegalArgumentException("need two checkpoints, but got " + afterWarmUp.size());
    }
    int n = afterWarmUp.size();
    double meanX = 0;
    double meanY = 0;
    for (Checkpoint c : afterWarmUp) {
      meanX += c.pairs() / 10_000.0 / n;
      meanY += mb.applyAsDouble(c) / n;
    }
    double sxy = 0;
    double sxx = 0;
    for (Checkpoint c : afterWarmUp) {
      double dx = c.pairs() / 10_000.0 - meanX;
      sxy += dx * (mb.applyAsDouble(c) - meanY);
      sxx += dx * dx;
    }
    double slope = sxx == 0 ? 0 : sxy / sxx;
    double growth = mb.applyAsDouble(afterWarmUp.get(n - 1)) - mb.applyAsDouble(afterWarmUp.get(0));
    return new Verdict(slope, growth, maxSlopeMb, maxGrowthMb);
  }

  private static int soak(Options options, PrintStream out, PrintStream err)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xms" + options.heapMb() + "m",
                "-Xmx" + options.heapMb() + "m",
                // Every heap page resident from the start: a heap that expands is not a leak.
                "-XX:+AlwaysPreTouch",
                "-Doffline=true",
                "-jar",
                options.jar().toString(),
                "serve",
                "--port",
                "0",
                "--timeout-ms",
                String.valueOf(SERVER_TIMEOUT_MS)));
    if (options.trimMs() != null) {
      command.addAll(List.of("--native-memory-trim-ms", String.valueOf(options.trimMs())));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
    out.printf(
        Locale.ROOT,
        "soak: %,d pairs (%,d requests x %d candidates, %d clients), warm-up %,d pairs,"
            + " checkpoints every %,d; server -Xmx%dm, native memory trim %s; %s, %d cores; %s%n",
        options.pairs(),
        options.requests(),
        options.candidates(),
        options.clients(),
        options.warmUpPairs(),
        options.checkpointPairs(),
        options.heapMb(),
        options.trimMs() == null
            ? "serve's default"
            : options.trimMs() == 0 ? "off" : "every " + options.trimMs() + " ms",
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + Runtime.version());
    long started = System.nanoTime();
    Process server = builder.start();
    try {
      BufferedReader serverOut =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      URI base = URI.create(listeningUri(serverOut, server));
      Thread drain = new Thread(() -> drain(serverOut), "soak-server-stdout");
      drain.setDaemon(true);
      drain.start();
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      awaitReady(client, base, server);
      out.printf(Locale.ROOT, "server pid %d ready in %.1f s%n", server.pid(), seconds(started));
      Load load = new Load(options, client, base, server, out);
      out.println(header());
      out.println(row(load.before, null));
      load.run();
      int code = report(options, load, server, out);
      server.destroy(); // SIGTERM: serve drains and exits 0
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        err.println("soak: the server did not exit within 60 s of SIGTERM");
        return 1;
      }
      if (server.exitValue() != 0) {
        err.println("soak: the server exited with " + server.exitValue() + " after SIGTERM");
        return 1;
      }
      return code;
    } finally {
      if (server.isAlive()) {
        server.destroyForcibly();
      }
    }
  }

  private static int report(Options options, Load load, Process server, PrintStream out)
      throws IOException, InterruptedException {
    boolean lost = !load.failures.isEmpty() || load.answered.get() != options.requests();
    List<Checkpoint> judged = load.checkpoints;
    if (judged.size() < 2) {
      out.println("FAIL: requests not answered 200 " + load.failures + " before two checkpoints");
      return 1;
    }
    Verdict verdict = judge(judged, options.maxSlopeMb(), options.maxGrowthMb());
    Checkpoint warm = judged.get(0);
    Checkpoint last = judged.get(judged.size() - 1);
    Map<String, Double> metrics = load.metrics();
    long hwmKb = readStatus(server.pid()).getOrDefault("VmHWM", 0L);
    double loadSeconds = last.seconds();
    out.printf(
        Locale.ROOT,
        "RSS: %.1f MB before the load, %.1f MB after the warm-up (%,d pairs), %.1f MB after"
            + " %,d pairs (peak %.1f MB)%n",
        load.before.rssMb(),
        warm.rssMb(),
        warm.pairs(),
        last.rssMb(),
        last.pairs(),
        hwmKb / 1024.0);
    Verdict readings =
        judge(judged, Checkpoint::rssMb, options.maxSlopeMb(), options.maxGrowthMb());
    Verdict peaks = judge(judged, Checkpoint::peakMb, options.maxSlopeMb(), options.maxGrowthMb());
    out.printf(
        Locale.ROOT,
        "after the warm-up, floor: slope %+.2f MB per 10k pairs (limit %.2f), growth %+.1f MB"
            + " (limit %.1f); for information, single readings: slope %+.2f, growth %+.1f;"
            + " peaks: slope %+.2f, growth %+.1f%n",
        verdict.slopeMb(),
        verdict.maxSlopeMb(),
        verdict.growthMb(),
        verdict.maxGrowthMb(),
        readings.slopeMb(),
        readings.growthMb(),
        peaks.slopeMb(),
        peaks.growthMb());
    out.printf(
        Locale.ROOT,
        "%,d requests: %s; %,d pairs in %.0f s (%.0f pairs/s; %.0f pairs/s after the warm-up);"
            + " the model scored %,.0f pairs, the server's warm-up included%n",
        options.requests(),
        load.failures.isEmpty() ? "all 200 with every candidate" : "FAILED " + load.failures,
        last.pairs(),
        loadSeconds,
        last.pairs() / loadSeconds,
        (last.pairs() - warm.pairs()) / (loadSeconds - warm.seconds()),
        metrics.getOrDefault("reranker_scored_pairs_total", Double.NaN));
    if (verdict.growing() || lost) {
      out.println(
          "FAIL: "
              + (lost ? "requests not answered 200 " + load.failures + "; " : "")
              + (verdict.growing()
                  ? "the resident memory's floor keeps growing after the warm-up"
                  : ""));
      return 1;
    }
    out.println("PASS: every request answered, resident memory flat after the warm-up");
    return 0;
  }

  /** The clients, the counters and the checkpoints of one run. */
  private static final class Load {
    final Options options;
    final HttpClient client;
    final URI base;
    final Process server;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicLong pairs = new AtomicLong();
    final Map<String, Integer> failures = new TreeMap<>();
    final List<Checkpoint> checkpoints = new ArrayList<>();
    final PrintStream out;
    final Checkpoint before;
    long nextCheckpoint;
    long start;

    /**
     * The readings of the last {@link ServeSoak#FLOOR_WINDOW_NANOS}: time, then RSS kB (guarded by
     * this).
     */
    final java.util.ArrayDeque<long[]> recent = new java.util.ArrayDeque<>();

    /** The highest RSS read since the last checkpoint, in kB (guarded by this). */
    long windowPeakKb;

    Load(Options options, HttpClient client, URI base, Process server, PrintStream out) {
      this.options = options;
      this.client = client;
      this.base = base;
      this.server = server;
      this.out = out;
      this.nextCheckpoint = options.warmUpPairs();
      this.before = sample("before", 0);
    }

    /** Runs the clients to the last request; checkpoints as the answered pairs cross them. */
    void run() throws InterruptedException {
      start = System.nanoTime();
      if (nextCheckpoint == 0) {
        checkpoint(0);
      }
      Thread sampler = new Thread(this::sampleEvery100Ms, "soak-rss-sampler");
      sampler.setDaemon(true);
      sampler.start();
      ExecutorService pool = Executors.newFixedThreadPool(options.clients());
      try {
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < options.clients(); c++) {
          clients.add(pool.submit(this::client));
        }
        for (Future<?> f : clients) {
          try {
            f.get();
          } catch (ExecutionException e) {
            throw new IllegalStateException("a client failed", e.getCause());
          }
        }
      } finally {
        pool.shutdownNow();
        sampler.interrupt();
      }
      synchronized (this) {
        Checkpoint last = last();
        if (last.pairs() < pairs.get()) {
          Checkpoint end = sample("end", pairs.get());
          checkpoints.add(end);
          out.println(row(end, last));
        }
      }
    }

    private void client() {
      for (int i = next.getAndIncrement();
          i < options.requests() && server.isAlive();
          i = next.getAndIncrement()) {
        boolean v1 = i % 2 == 1;
        String body =
            v1
                ? v1Body(options.seed(), i, options.candidates())
                : rerankBody(options.seed(), i, options.candidates());
        HttpRequest request =
            HttpRequest.newBuilder(base.resolve(v1 ? "/v1/rerank" : "/rerank"))
                .timeout(Duration.ofMillis(SERVER_TIMEOUT_MS + 30_000))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        String problem;
        try {
          HttpResponse<String> response =
              client.send(request, HttpResponse.BodyHandlers.ofString());
          problem =
              response.statusCode() != 200
                  ? String.valueOf(response.statusCode())
                  : answeredAll(response.body(), v1, options.candidates())
                      ? null
                      : "200 without every candidate";
        } catch (IOException e) {
          problem = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (problem != null) {
          synchronized (this) {
            failures.merge(problem, 1, Integer::sum);
          }
          continue;
        }
        answered.incrementAndGet();
        long done = pairs.addAndGet(options.candidates());
        if (done >= nextCheckpoint) {
          checkpoint(done);
        }
      }
    }

    private synchronized void checkpoint(long done) {
      while (done >= nextCheckpoint) {
        Checkpoint c = sample(checkpoints.isEmpty() ? "warm-up" : "", done);
        out.println(row(c, last()));
        checkpoints.add(c);
        nextCheckpoint += options.checkpointPairs();
      }
    }

    /** Reads the server's RSS every 100 ms into the window, until interrupted. */
    private void sampleEvery100Ms() {
      while (!Thread.currentThread().isInterrupted() && server.isAlive()) {
        try {
          long rss = readStatus(server.pid()).getOrDefault("VmRSS", 0L);
          if (rss > 0) {
            synchronized (this) {
              long now = System.nanoTime();
              recent.addLast(new long[] {now, rss});
              while (now - recent.peekFirst()[0] > FLOOR_WINDOW_NANOS) {
                recent.removeFirst();
              }
              windowPeakKb = Math.max(windowPeakKb, rss);
            }
          }
          Thread.sleep(100);
        } catch (IOException e) {
          return; // the server is gone: the clients will say so
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private Checkpoint last() {
      return checkpoints.isEmpty() ? before : checkpoints.get(checkpoints.size() - 1);
    }

    /** A checkpoint now; closes the window of readings (call holding this). */
    private Checkpoint sample(String label, long done) {
      try {
        long rss = readStatus(server.pid()).getOrDefault("VmRSS", 0L);
        long floor = rss;
        long now = System.nanoTime();
        for (long[] reading : recent) {
          if (now - reading[0] <= FLOOR_WINDOW_NANOS) {
            floor = Math.min(floor, reading[1]);
          }
        }
        long peak = Math.max(windowPeakKb, rss);
        windowPeakKb = 0;
        Map<String, Double> jvm = metrics();
        return new Checkpoint(
            label,
            done,
            start == 0 ? 0 : seconds(start),
            rss,
            floor,
            peak,
            megabytes(jvm, "heap"),
            megabytes(jvm, "nonheap"),
            megabytes(jvm, "direct"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sampling", e);
      }
    }

    private static double megabytes(Map<String, Double> metrics, String name) {
      return metrics.getOrDefault(name, 0.0) / (1024 * 1024);
    }

    /**
     * A few of the server's meters: its JVM's heap and non-heap memory in use (summed over the
     * pools), the direct buffers (native memory the JVM frees only when a GC finds them unused),
     * and the pairs the model scored.
     */
    Map<String, Double> metrics() throws IOException, InterruptedException {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      Map<String, Double> values = new TreeMap<>();
      for (String line : response.body().split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        double value = Double.parseDouble(line.substring(space + 1));
        String name = line.substring(0, space);
        if (name.startsWith("jvm_memory_used_bytes{")) {
          values.merge(name.contains("area=\"heap\"") ? "heap" : "nonheap", value, Double::sum);
        } else if (name.startsWith("jvm_buffer_memory_used_bytes{")
            && name.contains("id=\"direct\"")) {
          values.put("direct", value);
        } else if (name.equals("reranker_scored_pairs_total")) {
          values.put(name, value);
        }
      }
      return values;
    }
  }

  static String header() {
    return String.format(
        Locale.ROOT,
        "%-8s %9s %8s %9s %9s %9s %8s %8s %9s %10s %8s %8s",
        "",
        "pairs",
        "RSS MB",
        "RSS +MB",
        "floor MB",
        "floor +MB",
        "peak MB",
        "heap MB",
        "nonheap MB",
        "direct MB",
        "seconds",
        "pairs/s");
  }

  static String row(Checkpoint c, @Nullable Checkpoint previous) {
    return String.format(
        Locale.ROOT,
        "%-8s %,9d %8.1f %9s %9.1f %9s %8.1f %8.1f %9.1f %10.1f %8.0f %8s",
        c.label(),
        c.pairs(),
        c.rssMb(),
        previous == null ? "" : String.format(Locale.ROOT, "%+.1f", c.rssMb() - previous.rssMb()),
        c.floorMb(),
        previous == null
            ? ""
            : String.format(Locale.ROOT, "%+.1f", c.floorMb() - previous.floorMb()),
        c.peakMb(),
        c.heapMb(),
        c.nonHeapMb(),
        c.directMb(),
        c.seconds(),
        previous == null || c.seconds() <= previous.seconds()
            ? ""
            : String.format(
                Locale.ROOT,
                "%.0f",
                (c.pairs() - previous.pairs()) / (c.seconds() - previous.seconds())));
  }

  /** Whether a 200's body accounts for all {@code candidates}: kept plus dropped. */
  static boolean answeredAll(String body, boolean v1, int candidates) {
    try {
      JsonObject json = JsonParser.parseString(body).getAsJsonObject();
      int count =
          v1
              ? json.getAsJsonArray("results").size()
                  + json.getAsJsonObject("meta").getAsJsonArray("dropped").size()
              : json.getAsJsonArray("ranked").size() + json.getAsJsonArray("dropped").size();
      return count == candidates;
    } catch (RuntimeException e) { // not JSON, or another shape: a 200 that answers nothing
      return false;
    }
  }

  // Texts: varied words and lengths, every request its own, drawn from a seed so runs compare.
  private static final String[] WORDS =
      ("i you we they my your our the a an this that today tomorrow yesterday tonight work school"
              + " exam job boss friend friends family mom dad sister brother dog cat movie music"
              + " song book game trip beach city home weekend coffee dinner pizza rain sun sleep"
              + " tired happy sad lonely excited nervous bored busy sick great fine okay really"
              + " very so just still never always maybe again about with for at on in from to"
              + " love like hate miss need want feel think know hope try went saw made got had"
              + " lost won started finished called watched played read cooked moved helped met")
          .split(" ");

  static String sentence(SplittableRandom random, int minWords, int maxWords) {
    int n = random.nextInt(minWords, maxWords + 1);
    StringBuilder s = new StringBuilder();
    for (int w = 0; w < n; w++) {
      if (w > 0) {
        s.append(' ');
      }
      s.append(WORDS[random.nextInt(WORDS.length)]);
    }
    if (random.nextInt(4) == 0) {
      s.append(' ').append(random.nextInt(1, 100)); // "for 12 days": numbers, new tokens
    }
    s.append(random.nextInt(3) == 0 ? '?' : '.');
    s.setCharAt(0, Character.toUpperCase(s.charAt(0)));
    return s.toString();
  }

  static JsonArray context(SplittableRandom random) {
    JsonArray context = new JsonArray();
    int turns = 1 + 2 * random.nextInt(3); // 1, 3 or 5: the last one the user's
    for (int t = 0; t < turns; t++) {
      context.add(sentence(random, 2, 14));
    }
    return context;
  }

  static String rerankBody(long seed, int request, int candidates) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + request);
    JsonObject body = new JsonObject();
    body.add("context", context(random));
    JsonArray persona = new JsonArray();
    for (int p = random.nextInt(3); p > 0; p--) {
      persona.add(sentence(random, 3, 8));
    }
    body.add("persona", persona);
    JsonArray list = new JsonArray();
    for (int c = 0; c < candidates; c++) {
      String text = sentence(random, 3, 20);
      if (random.nextBoolean()) {
        JsonObject candidate = new JsonObject();
        candidate.addProperty("text", text);
        candidate.addProperty("source", random.nextBoolean() ? "retrieval" : "generative");
        list.add(candidate);
      } else {
        list.add(text);
      }
    }
    body.add("candidates", list);
    return body.toString();
  }

  static String v1Body(long seed, int request, int candidates) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + request);
    JsonObject body = new JsonObject();
    if (random.nextBoolean()) {
      body.addProperty("query", sentence(random, 2, 14));
    } else {
      body.add("context", context(random));
    }
    JsonArray documents = new JsonArray();
    for (int c = 0; c < candidates; c++) {
      documents.add(sentence(random, 3, 20));
    }
    body.add("documents", documents);
    body.addProperty("return_documents", random.nextBoolean());
    return body.toString();
  }

  private static String listeningUri(BufferedReader serverOut, Process server) throws IOException {
    String line;
    while ((line = serverOut.readLine()) != null) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return m.group(1);
      }
    }
    throw new IOException("the server exited before listening" + exitOf(server));
  }

  private static void awaitReady(HttpClient client, URI base, Process server)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline && server.isAlive()) {
      HttpResponse<String> ready =
          client.send(
              HttpRequest.newBuilder(base.resolve("/ready")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (ready.statusCode() == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException("the server was not ready within 5 minutes" + exitOf(server));
  }

  private static String exitOf(Process server) {
    return server.isAlive() ? "" : " (exit " + server.exitValue() + ")";
  }

  private static void drain(BufferedReader serverOut) {
    try {
      while (serverOut.readLine() != null) {
        // serve prints one line; keep its pipe from filling anyway
      }
    } catch (IOException e) {
      // the server exited
    }
  }

  /** {@code VmRSS} and {@code VmHWM} of a Linux process, in kB. */
  static Map<String, Long> readStatus(long pid) throws IOException {
    String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
    Map<String, Long> kb = new TreeMap<>();
    Matcher m = RSS_LINE.matcher(status);
    while (m.find()) {
      kb.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return kb;
  }

  static String cpuModel() {
    try {
      Optional<String> model =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst();
      return model.orElse(System.getProperty("os.arch"));
    } catch (IOException e) {
      return System.getProperty("os.arch");
    }
  }

  static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
