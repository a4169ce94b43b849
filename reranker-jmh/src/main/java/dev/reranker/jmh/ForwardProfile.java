package dev.reranker.jmh;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.reranker.internal.bert.NativeBert;
import dev.reranker.internal.onnx.BundledModel;
import dev.reranker.model.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one forward's time goes: runs {@link ForwardBenchmark}'s forward under libtorch's profiler
 * (through DJL's {@code JniUtils.startProfile}) and prints the time per ATen operator, counting
 * only top-level operators (an {@code addmm} inside a {@code linear} counts once).
 *
 * <pre>
 * java -Doffline=true -cp reranker-jmh/target/benchmarks.jar dev.reranker.jmh.ForwardProfile \
 *     32x80 scripted 5
 * </pre>
 *
 * <p>Arguments: the batch ({@code 32x80}, {@code 1x40}, {@code request}), the engine row ({@code
 * eager}, {@code pretransposed}, {@code fused-qkv}, {@code packed}, {@code scripted}, {@code int8})
 * and how many forwards to profile (after as many unprofiled warm-up forwards, and a timed run
 * without the profiler). A scripted forward's TorchScript call is transparent: its operators are
 * listed.
 */
public final class ForwardProfile {
  private ForwardProfile() {}

  /** Profiles and prints; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println(
          "usage: ForwardProfile 32x80|1x40|request eager|pretransposed|"
              + "fused-qkv|packed|scripted|int8 FORWARDS");
      System.exit(2);
    }
    List<TokenBatch> batches = ForwardBenchmark.batches(args[0]);
    int forwards = Integer.parseInt(args[2]);
    Path trace = Files.createTempFile("reranker-profile", ".json");
    double plainMs;
    try (NativeBert bert = BundledModel.load(Device.cpu())) {
      if (args[1].equals("int8")) {
        bert.quantization(dev.reranker.model.Quantization.INT8);
      } else {
        bert.useLevers(ForwardBenchmark.levers(args[1]));
      }
      for (int i = 0; i < forwards; i++) {
        bert.embed(batches.get(i % batches.size()));
      }
      long start = System.nanoTime();
      for (int i = 0; i < forwards; i++) {
        bert.embed(batches.get(i % batches.size()));
      }
      plainMs = (System.nanoTime() - start) / 1e6 / forwards;
      JniUtils.startProfile(false, false, false);
      for (int i = 0; i < forwards; i++) {
        bert.embed(batches.get(i % batches.size()));
      }
      JniUtils.stopProfile(trace.toString());
    }
    System.out.print(summary(trace, forwards, plainMs, args[0] + " " + args[1]));
    Files.deleteIfExists(trace);
  }

  /** Aggregates the top-level operators of a Chrome trace per forward. */
  static String summary(Path trace, int forwards, double plainMs, String title) throws IOException {
    JsonElement root = JsonParser.parseString(Files.readString(trace));
    JsonArray events =
        root.isJsonObject()
            ? root.getAsJsonObject().getAsJsonArray("traceEvents")
            : root.getAsJsonArray();
    List<JsonObject> ops = new ArrayList<>();
    for (JsonElement e : events) {
      JsonObject o = e.getAsJsonObject();
      if (o.has("ph") && o.get("ph").getAsString().equals("X") && o.has("dur")) {
        ops.add(o);
      }
    }
    ops.sort(
        Comparator.<JsonObject, String>comparing(o -> tid(o))
            .thenComparingDouble(o -> o.get("ts").getAsDouble())
            .thenComparingDouble(o -> -o.get("dur").getAsDouble()));
    Map<String, double[]> byName = new LinkedHashMap<>();
    double first = Double.MAX_VALUE;
    double last = 0;
    String thread = null;
    double end = -1;
    for (JsonObject o : ops) {
      double ts = o.get("ts").getAsDouble();
      double dur = o.get("dur").getAsDouble();
      first = Math.min(first, ts);
      last = Math.max(last, ts + dur);
      if (!tid(o).equals(thread)) {
        thread = tid(o);
        end = -1;
      }
      if (o.get("name").getAsString().equals("forward")) {
        continue; // a TorchScript method call (scripted engine): its operators count, not it
      }
      if (ts >= end) { // not nested in the operator before it
        double[] agg = byName.computeIfAbsent(o.get("name").getAsString(), k -> new double[2]);
        agg[0]++;
        agg[1] += dur;
        end = ts + dur;
      }
    }
    double inOps = byName.values().stream().mapToDouble(a -> a[1]).sum() / forwards / 1000;
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s: %.1f ms per forward without the profiler; with it %.1f ms, of which %.1f ms in"
                    + " top-level ATen operators%n%n| operator | calls per forward | ms per forward |"
                    + " share |%n|---|---:|---:|---:|%n",
                title,
                plainMs,
                (last - first) / forwards / 1000,
                inOps));
    byName.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]))
        .limit(12)
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "| `%s` | %.0f | %.2f | %.0f%% |%n",
                        e.getKey(),
                        e.getValue()[0] / forwards,
                        e.getValue()[1] / forwards / 1000,
                        100 * e.getValue()[1] / forwards / 1000 / inOps)));
    return out.toString();
  }

  private static String tid(JsonObject o) {
    return o.has("tid") ? o.get("tid").getAsString() : "";
  }
}
