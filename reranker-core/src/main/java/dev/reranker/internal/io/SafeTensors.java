package dev.reranker.internal.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.reranker.model.ModelLoadException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing each tensor's dtype,
 * shape and byte range, then the little-endian tensor data.
 */
public final class SafeTensors {

  /** The largest header accepted, as in the Rust safetensors crate. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA = "__metadata__";

  /** Bytes mapped (read) or buffered (write) at a time; a multiple of every dtype size. */
  private static final int CHUNK_BYTES = 1 << 30;

  private static final int WRITE_BUFFER_BYTES = 1 << 20;

  /** Elements converted at a time for F16, BF16 and F64. */
  private static final int CONVERT_BATCH = 1 << 14;

  /** The longest array the JVM reliably allocates. */
  private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private SafeTensors() {}

  /** The dtypes this reader knows: floating ones are read, integer and bool ones are skipped. */
  private enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    final int size;
    final boolean floating;

    DType(int size, boolean floating) {
      this.size = size;
      this.floating = floating;
    }

    static @Nullable DType parse(String name) {
      for (DType t : values()) {
        if (t.name().equals(name)) {
          return t;
        }
      }
      return null;
    }
  }

  /** One validated header entry; offsets are relative to the start of the data area. */
  private record Entry(String name, DType dtype, long[] shape, long numel, long begin, long end) {}

  /**
   * Reads every floating-point tensor (F32, F16, BF16, F64), in file order (the order of their data
   * offsets), widening each to float32. Integer and bool tensors (buffers such as {@code
   * embeddings.position_ids}) are skipped, and the {@code __metadata__} entry is ignored.
   *
   * @param file a safetensors file
   * @return the tensors by name, in file order
   * @throws ModelLoadException naming the file and the problem if it is missing, unreadable or
   *     corrupt, or holds a tensor of an unsupported dtype
   */
  public static LinkedHashMap<String, HostTensor> read(Path file) {
    Objects.requireNonNull(file, "file");
    if (Files.isDirectory(file)) {
      throw new ModelLoadException(file, "is a directory, not a file");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw new ModelLoadException(
            file,
            "truncated: file has "
                + fileSize
                + " bytes, fewer than the 8-byte header length that starts every safetensors"
                + " file");
      }
      long headerLength = readFully(channel, 0, 8).getLong();
      if (headerLength < 0 || headerLength > fileSize - 8) {
        throw new ModelLoadException(
            file,
            "corrupt header: header length "
                + Long.toUnsignedString(headerLength)
                + " exceeds file size "
                + fileSize
                + " (less the 8-byte length prefix)");
      }
      if (headerLength > MAX_HEADER_BYTES) {
        throw new ModelLoadException(
            file,
            "corrupt header: header length "
                + headerLength
                + " exceeds the limit of "
                + MAX_HEADER_BYTES
                + " bytes");
      }
      ByteBuffer headerBytes = readFully(channel, 8, (int) headerLength);
      JsonObject header = parseHeader(file, headerBytes);
      long dataStart = 8 + headerLength;
      List<Entry> entries = parseEntries(file, header, fileSize - dataStart);

      LinkedHashMap<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Entry e : entries) {
        if (e.dtype.floating) {
          float[] data = readData(channel, dataStart, e);
          tensors.put(e.name, new HostTensor(e.shape, data));
        }
      }
      return tensors;
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(file, "no such file", e);
    } catch (AccessDeniedException e) {
      throw new ModelLoadException(file, "permission denied", e);
    } catch (IOException e) {
      throw new ModelLoadException(file, "cannot read: " + e, e);
    }
  }

  /**
   * Writes {@code tensors} as F32 little-endian safetensors, in map order, with {@code
   * __metadata__} {@code {"format":"pt"}} and the header padded with spaces to a multiple of 8
   * bytes, as the Rust safetensors crate does, so that Python's {@code safetensors.torch.load_file}
   * and HuggingFace transformers read it. The data goes to a temporary file in the same folder that
   * then atomically replaces {@code file}.
   *
   * @param file where to write
   * @param tensors the tensors by name
   * @throws IllegalArgumentException if a name is empty or is {@code __metadata__}
   * @throws ModelLoadException naming the file if it cannot be written
   */
  public static void write(Path file, Map<String, HostTensor> tensors) {
    write(file, tensors, false);
  }

  /**
   * Writes {@code tensors} as {@link #write(Path, Map)} does, as F16 (IEEE half precision, rounded
   * to nearest even) when {@code float16}: half the bytes, for shipping weights that are widened
   * back to float32 at load.
   *
   * @throws IllegalArgumentException if a name is empty or is {@code __metadata__}, or if {@code
   *     float16} and a finite value is beyond the F16 range (65504)
   * @throws ModelLoadException naming the file if it cannot be written
   */
  public static void write(Path file, Map<String, HostTensor> tensors, boolean float16) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(tensors, "tensors");
    JsonObject header = new JsonObject();
    JsonObject metadata = new JsonObject();
    metadata.addProperty("format", "pt");
    header.add(METADATA, metadata);
    List<float[]> data = new ArrayList<>(tensors.size());
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      String name = e.getKey();
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("tensor name must not be empty");
      }
      if (name.equals(METADATA)) {
        throw new IllegalArgumentException("tensor name must not be " + METADATA);
      }
      HostTensor t = Objects.requireNonNull(e.getValue(), () -> "tensor '" + name + "' is null");
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      if (float16) {
        for (float v : t.data()) {
          if (Float.isFinite(v) && Math.abs(v) > HalfFloats.F16_MAX) {
            throw new IllegalArgumentException(
                "tensor '" + name + "' holds " + v + ", beyond the float16 range");
          }
        }
      }
      long end = offset + (float16 ? 2L : 4L) * t.data().length;
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(end);
      JsonObject entry = new JsonObject();
      entry.addProperty("dtype", float16 ? "F16" : "F32");
      entry.add("shape", shape);
      entry.add("data_offsets", offsets);
      header.add(name, entry);
      data.add(t.data());
      offset = end;
    }
    byte[] json = GSON.toJson(header).getBytes(UTF_8);
    int padding = (8 - json.length % 8) % 8;

    Path target = file.toAbsolutePath();
    Path folder = target.getParent();
    Path fileName = target.getFileName();
    if (folder == null || fileName == null) {
      throw new ModelLoadException(file, "cannot write: not a file path");
    }
    @Nullable Path temp = null;
    try {
      @Nullable FileChannel channel = null;
      for (int attempt = 0; channel == null; attempt++) {
        Path candidate =
            folder.resolve(
                "."
                    + fileName
                    + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    + ".tmp");
        try {
          // Not Files.createTempFile: that would give the model file owner-only permissions.
          channel =
              FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          temp = candidate;
        } catch (FileAlreadyExistsException e) {
          if (attempt >= 10) {
            throw e;
          }
        }
      }
      try (FileChannel out = channel) {
        ByteBuffer head =
            ByteBuffer.allocate(8 + json.length + padding).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(json.length + padding).put(json);
        for (int i = 0; i < padding; i++) {
          head.put((byte) ' ');
        }
        head.flip();
        writeFully(out, head);
        ByteBuffer buffer =
            ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = buffer.asFloatBuffer();
        ShortBuffer halves = buffer.asShortBuffer();
        for (float[] values : data) {
          if (float16) {
            for (int from = 0; from < values.length; ) {
              int n = Math.min(values.length - from, halves.capacity());
              halves.clear();
              for (int i = 0; i < n; i++) {
                halves.put(HalfFloats.toF16(values[from + i]));
              }
              buffer.clear().limit(n * 2);
              writeFully(out, buffer);
              from += n;
            }
            continue;
          }
          for (int from = 0; from < values.length; ) {
            int n = Math.min(values.length - from, floats.capacity());
            floats.clear();
            floats.put(values, from, n);
            buffer.clear().limit(n * 4);
            writeFully(out, buffer);
            from += n;
          }
        }
        out.force(false);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
    } catch (NoSuchFileException e) {
      throw new ModelLoadException(file, "cannot write: no such folder " + folder, e);
    } catch (AccessDeniedException e) {
      throw new ModelLoadException(file, "cannot write: permission denied", e);
    } catch (IOException e) {
      throw new ModelLoadException(file, "cannot write: " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // The write already failed; that failure is the one to report.
        }
      }
    }
  }

  private static ByteBuffer readFully(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        throw new IOException("file ended early at byte " + (position + buffer.position()));
      }
    }
    return buffer.flip();
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static JsonObject parseHeader(Path file, ByteBuffer bytes) {
    CharBuffer chars;
    try {
      chars =
          UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(bytes);
    } catch (CharacterCodingException e) {
      throw new ModelLoadException(file, "corrupt header: not valid UTF-8", e);
    }
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new StringReader(chars.toString()));
      reader.setStrictness(Strictness.STRICT);
      root = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IOException("unexpected data after the JSON value");
      }
    } catch (IOException | RuntimeException | StackOverflowError e) {
      Throwable reason = e.getCause() != null ? e.getCause() : e;
      throw new ModelLoadException(
          file, "corrupt header: not valid JSON (" + reason.getMessage() + ")", e);
    }
    if (!root.isJsonObject()) {
      throw new ModelLoadException(
          file, "corrupt header: not a JSON object but " + abbreviate(root.toString()));
    }
    return root.getAsJsonObject();
  }

  /** Validates every entry against the data area and returns them in the order of their data. */
  private static List<Entry> parseEntries(Path file, JsonObject header, long dataSize) {
    List<Entry> entries = new ArrayList<>(header.size());
    for (Map.Entry<String, JsonElement> member : header.entrySet()) {
      String name = member.getKey();
      if (name.equals(METADATA)) {
        continue;
      }
      String what = "tensor '" + name + "'";
      if (!member.getValue().isJsonObject()) {
        throw corrupt(file, what + " is not a JSON object but " + abbreviate(member.getValue()));
      }
      JsonObject json = member.getValue().getAsJsonObject();

      JsonElement dtypeJson = required(file, json, what, "dtype");
      if (!(dtypeJson instanceof JsonPrimitive p && p.isString())) {
        throw corrupt(file, what + ": dtype must be a string, but was " + abbreviate(dtypeJson));
      }
      String dtypeName = dtypeJson.getAsString();
      DType dtype = DType.parse(dtypeName);
      if (dtype == null) {
        throw new ModelLoadException(
            file,
            what
                + " has unsupported dtype "
                + abbreviate(dtypeName)
                + " (supported: "
                + Arrays.toString(DType.values())
                + ")");
      }

      JsonElement shapeJson = required(file, json, what, "shape");
      if (!shapeJson.isJsonArray()) {
        throw corrupt(file, what + ": shape must be an array, but was " + abbreviate(shapeJson));
      }
      JsonArray shapeArray = shapeJson.getAsJsonArray();
      long[] shape = new long[shapeArray.size()];
      long numel = 1;
      for (int i = 0; i < shape.length; i++) {
        JsonElement d = shapeArray.get(i);
        if (isNegativeInteger(d)) {
          throw corrupt(file, what + " has a negative dimension in shape " + abbreviate(shapeJson));
        }
        shape[i] = nonNegativeLong(d);
        if (shape[i] < 0) {
          throw corrupt(
              file,
              what + ": shape must hold non-negative integers, but was " + abbreviate(shapeJson));
        }
      }
      for (long d : shape) {
        try {
          numel = Math.multiplyExact(numel, d);
        } catch (ArithmeticException e) {
          numel = -1;
          break;
        }
      }
      long expectedBytes = numel < 0 ? -1 : multiplyOrMinusOne(numel, dtype.size);
      if (expectedBytes < 0) {
        throw corrupt(file, what + " has shape " + abbreviate(shapeJson) + ", too large to hold");
      }

      JsonElement offsetsJson = required(file, json, what, "data_offsets");
      if (!offsetsJson.isJsonArray() || offsetsJson.getAsJsonArray().size() != 2) {
        throw corrupt(
            file,
            what
                + ": data_offsets must be an array [begin, end], but was "
                + abbreviate(offsetsJson));
      }
      long begin = nonNegativeLong(offsetsJson.getAsJsonArray().get(0));
      long end = nonNegativeLong(offsetsJson.getAsJsonArray().get(1));
      if (begin < 0 || end < 0) {
        throw corrupt(
            file,
            what
                + ": data_offsets must be two non-negative integers, but was "
                + abbreviate(offsetsJson));
      }
      if (end < begin) {
        throw corrupt(file, what + ": data_offsets end " + end + " is before begin " + begin);
      }
      if (end > dataSize) {
        throw corrupt(
            file,
            what
                + ": data_offsets ["
                + begin
                + ", "
                + end
                + "] lie outside the data area of "
                + dataSize
                + " bytes (file truncated?)");
      }
      if (end - begin != expectedBytes) {
        throw corrupt(
            file,
            what
                + " with dtype "
                + dtype
                + " and shape "
                + Arrays.toString(shape)
                + " needs "
                + expectedBytes
                + " bytes, but its data_offsets ["
                + begin
                + ", "
                + end
                + "] span "
                + (end - begin)
                + " bytes");
      }
      if (dtype.floating && numel > MAX_ARRAY_LENGTH) {
        throw new ModelLoadException(
            file, what + " has " + numel + " elements, more than a Java array holds");
      }
      entries.add(new Entry(name, dtype, shape, numel, begin, end));
    }
    // Stable: tensors at the same offset (empty ones) keep their header order.
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    return entries;
  }

  private static float[] readData(FileChannel channel, long dataStart, Entry e) throws IOException {
    float[] out = new float[(int) e.numel];
    int size = e.dtype.size;
    long position = dataStart + e.begin;
    int done = 0;
    while (done < out.length) {
      int count = Math.min(out.length - done, CHUNK_BYTES / size);
      long from = position + (long) done * size;
      ByteBuffer bytes =
          channel
              .map(FileChannel.MapMode.READ_ONLY, from, (long) count * size)
              .order(ByteOrder.LITTLE_ENDIAN);
      switch (e.dtype) {
        case F32 -> bytes.asFloatBuffer().get(out, done, count);
        case F16 -> {
          ShortBuffer shorts = bytes.asShortBuffer();
          short[] batch = new short[Math.min(count, CONVERT_BATCH)];
          for (int i = 0; i < count; ) {
            int n = Math.min(batch.length, count - i);
            shorts.get(batch, 0, n);
            for (int j = 0; j < n; j++) {
              out[done + i + j] = HalfFloats.f16ToFloat(batch[j]);
            }
            i += n;
          }
        }
        case BF16 -> {
          ShortBuffer shorts = bytes.asShortBuffer();
          short[] batch = new short[Math.min(count, CONVERT_BATCH)];
          for (int i = 0; i < count; ) {
            int n = Math.min(batch.length, count - i);
            shorts.get(batch, 0, n);
            for (int j = 0; j < n; j++) {
              out[done + i + j] = HalfFloats.bf16ToFloat(batch[j]);
            }
            i += n;
          }
        }
        case F64 -> {
          DoubleBuffer doubles = bytes.asDoubleBuffer();
          double[] batch = new double[Math.min(count, CONVERT_BATCH)];
          for (int i = 0; i < count; ) {
            int n = Math.min(batch.length, count - i);
            doubles.get(batch, 0, n);
            for (int j = 0; j < n; j++) {
              out[done + i + j] = (float) batch[j];
            }
            i += n;
          }
        }
        default -> throw new AssertionError("not a floating dtype: " + e.dtype);
      }
      done += count;
    }
    return out;
  }

  private static JsonElement required(Path file, JsonObject json, String what, String key) {
    JsonElement value = json.get(key);
    if (value == null || value.isJsonNull()) {
      throw corrupt(file, what + " has no " + key);
    }
    return value;
  }

  /** Returns the value if it is a JSON integer in [0, Long.MAX_VALUE], else -1. */
  private static long nonNegativeLong(JsonElement e) {
    BigDecimal value = integerValue(e);
    if (value == null || value.signum() < 0) {
      return -1;
    }
    try {
      return value.longValueExact();
    } catch (ArithmeticException tooLarge) {
      return -1;
    }
  }

  private static boolean isNegativeInteger(JsonElement e) {
    BigDecimal value = integerValue(e);
    return value != null && value.signum() < 0;
  }

  /** Returns the value if it is a JSON number with an integral value of at most 20 digits. */
  private static @Nullable BigDecimal integerValue(JsonElement e) {
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      return null;
    }
    BigDecimal value;
    try {
      value = p.getAsBigDecimal();
    } catch (NumberFormatException notANumber) {
      return null;
    }
    if (value.signum() == 0) {
      return BigDecimal.ZERO;
    }
    value = value.stripTrailingZeros();
    // Guards against 1e999999999, whose exact value would take a gigabyte.
    if (value.scale() > 0 || value.precision() - value.scale() > 20) {
      return null;
    }
    return value;
  }

  private static long multiplyOrMinusOne(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  private static ModelLoadException corrupt(Path file, String problem) {
    return new ModelLoadException(file, "corrupt header: " + problem);
  }

  private static String abbreviate(JsonElement e) {
    return abbreviate(e.toString());
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
