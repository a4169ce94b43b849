package dev.reranker.internal.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reranker.model.ModelLoadException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

  @TempDir Path dir;

  // ---------------------------------------------------------------- writing and round trips

  @Test
  void roundTripIsBitIdentical() {
    Random random = new Random(42);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("z.scalar", randomTensor(random));
    tensors.put("b.vector", randomTensor(random, 7));
    tensors.put("a.cube", randomTensor(random, 2, 3, 4));
    tensors.put("empty", randomTensor(random, 2, 0, 3));
    tensors.put("m.matrix", randomTensor(random, 5, 6));
    tensors.put("ünïcode <&>", randomTensor(random, 3));
    Path file = dir.resolve("model.safetensors");

    SafeTensors.write(file, tensors);
    LinkedHashMap<String, HostTensor> read = SafeTensors.read(file);

    assertThat(read.keySet()).containsExactlyElementsOf(tensors.keySet());
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor actual = read.get(e.getKey());
      assertThat(actual.shape()).as(e.getKey()).isEqualTo(e.getValue().shape());
      assertThat(rawBits(actual.data())).as(e.getKey()).isEqualTo(rawBits(e.getValue().data()));
    }
  }

  @Test
  void writesAnEmptyMap() {
    Path file = dir.resolve("empty.safetensors");
    SafeTensors.write(file, Map.of());
    assertThat(SafeTensors.read(file)).isEmpty();
  }

  @Test
  void headerIsPaddedToEightBytesAndStartsWithBrace() throws IOException {
    // Names of 1 to 9 characters give every possible padding length.
    for (int length = 1; length <= 9; length++) {
      String name = "w".repeat(length);
      Path file = dir.resolve("pad" + length + ".safetensors");
      SafeTensors.write(file, Map.of(name, new HostTensor(new long[] {2}, new float[] {1, 2})));

      byte[] bytes = Files.readAllBytes(file);
      long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertThat(headerLength % 8).as(name).isZero();
      assertThat(bytes.length).as(name).isEqualTo(8 + headerLength + 8);
      assertThat(bytes[8]).as(name).isEqualTo((byte) '{');
      String header = new String(bytes, 8, (int) headerLength, UTF_8);
      assertThat(header.strip()).as(name).endsWith("}");
      assertThat(header)
          .as(name)
          .contains("\"__metadata__\":{\"format\":\"pt\"}")
          .contains("\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}");
      float first =
          ByteBuffer.wrap(bytes, 8 + (int) headerLength, 4)
              .order(ByteOrder.LITTLE_ENDIAN)
              .getFloat();
      assertThat(first).isEqualTo(1f);
    }
  }

  @Test
  void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    Files.writeString(file, "old contents");
    SafeTensors.write(file, Map.of("w", new HostTensor(new long[] {1}, new float[] {3f})));

    assertThat(SafeTensors.read(file)).containsOnlyKeys("w");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void writeRejectsBadNames() {
    Path file = dir.resolve("bad.safetensors");
    HostTensor t = new HostTensor(new long[] {1}, new float[] {1f});
    assertThatThrownBy(() -> SafeTensors.write(file, Map.of("", t)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> SafeTensors.write(file, Map.of("__metadata__", t)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("__metadata__");
    assertThat(file).doesNotExist();
  }

  @Test
  void writeIntoAMissingFolderFails() {
    Path file = dir.resolve("no-such-folder").resolve("out.safetensors");
    assertThatThrownBy(
            () -> SafeTensors.write(file, Map.of("w", new HostTensor(new long[0], new float[1]))))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("out.safetensors")
        .hasMessageContaining("cannot write");
  }

  // ---------------------------------------------------------------- dtypes

  @Test
  void widensF16Exactly() throws IOException {
    Path file =
        craft(
            "f16.safetensors",
            "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,6],\"data_offsets\":[0,24]}}",
            le16(
                0x3C00, 0xC100, 0x7BFF, 0x0001, 0x7C00, 0x7E00, 0x0000, 0x8000, 0x03FF, 0x0400,
                0xFC00, 0x3555));

    HostTensor h = SafeTensors.read(file).get("h");

    assertThat(h.shape()).containsExactly(2, 6);
    float[] v = h.data();
    assertThat(v[0]).isEqualTo(1.0f);
    assertThat(v[1]).isEqualTo(-2.5f);
    assertThat(v[2]).isEqualTo(65504f);
    assertThat(v[3]).isEqualTo(0x1p-24f);
    assertThat(v[4]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(v[5]).isNaN();
    assertThat(Float.floatToRawIntBits(v[6])).isEqualTo(Float.floatToRawIntBits(0f));
    assertThat(Float.floatToRawIntBits(v[7])).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(v[8]).isEqualTo(1023 * 0x1p-24f); // largest subnormal
    assertThat(v[9]).isEqualTo(0x1p-14f); // smallest normal
    assertThat(v[10]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(v[11]).isEqualTo(0x1.554p-2f); // nearest half to 1/3 (0.333251953125)
  }

  @Test
  void floatToHalfRoundTripsEveryHalfAndRoundsToNearestEven() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      boolean nan = ((bits >>> 10) & 0x1f) == 0x1f && (bits & 0x3ff) != 0;
      short narrowed = HalfFloats.toF16(HalfFloats.f16ToFloat((short) bits));
      if (nan) {
        assertThat(HalfFloats.f16ToFloat(narrowed)).as("0x%04x", bits).isNaN();
      } else {
        assertThat(narrowed & 0xffff).as("0x%04x", bits).isEqualTo(bits);
      }
    }
    // Halfway cases go to the even neighbour; anything else to the nearer one.
    assertThat(HalfFloats.toF16(1f + 0x1p-11f)).isEqualTo(HalfFloats.toF16(1f));
    // 1 + 1.5 ulp: halfway between mantissas 1 (odd) and 2 (even), so up to 1 + 2^-9.
    assertThat(HalfFloats.f16ToFloat(HalfFloats.toF16(1f + 3 * 0x1p-11f))).isEqualTo(1f + 0x1p-9f);
    assertThat(HalfFloats.f16ToFloat(HalfFloats.toF16(1f + 0x1.1p-11f))).isEqualTo(1f + 0x1p-10f);
    assertThat(HalfFloats.f16ToFloat(HalfFloats.toF16(0x1p-25f))).isEqualTo(0f); // tie to zero
    assertThat(HalfFloats.f16ToFloat(HalfFloats.toF16(0x1.8p-25f))).isEqualTo(0x1p-24f);
    assertThat(HalfFloats.f16ToFloat(HalfFloats.toF16(65520f))).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.f16ToFloat(HalfFloats.toF16(65519f))).isEqualTo(65504f);
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      float x = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(9) - 6));
      short h = HalfFloats.toF16(x);
      double error = Math.abs((double) HalfFloats.f16ToFloat(h) - x);
      // No other half is nearer: check both neighbours of the same sign (sign-magnitude bits).
      for (int step : new int[] {-1, 1}) {
        int magnitude = (h & 0x7fff) + step;
        if (magnitude >= 0 && magnitude < 0x7c00) {
          float neighbour = HalfFloats.f16ToFloat((short) ((h & 0x8000) | magnitude));
          assertThat(error).as("%s", x).isLessThanOrEqualTo(Math.abs((double) neighbour - x));
        }
      }
      assertThat(error).as("%s", x).isLessThanOrEqualTo(Math.abs(x) * 0x1p-11 + 0x1p-25);
    }
  }

  @Test
  void writesFloat16ThatReadsBackAsTheNearestHalves() throws IOException {
    Random random = new Random(3);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("w", gaussian(random, 5, 7));
    tensors.put("b", gaussian(random, 3));
    Path half = dir.resolve("half.safetensors");
    Path full = dir.resolve("full.safetensors");

    SafeTensors.write(half, tensors, true);
    SafeTensors.write(full, tensors);
    LinkedHashMap<String, HostTensor> read = SafeTensors.read(half);

    // The data section holds 2 bytes per value: 38 values after the 8-byte length and the header.
    long header =
        ByteBuffer.wrap(Files.readAllBytes(half), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(Files.size(half)).isEqualTo(8 + header + 2L * (35 + 3));
    assertThat(new String(Files.readAllBytes(half), UTF_8))
        .contains("\"F16\"")
        .doesNotContain("F32");
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      float[] expected = e.getValue().data().clone();
      for (int i = 0; i < expected.length; i++) {
        expected[i] = HalfFloats.f16ToFloat(HalfFloats.toF16(expected[i]));
      }
      assertThat(read.get(e.getKey()).shape()).isEqualTo(e.getValue().shape());
      assertThat(read.get(e.getKey()).data()).isEqualTo(expected);
    }
    assertThatThrownBy(
            () ->
                SafeTensors.write(
                    half, Map.of("big", new HostTensor(new long[] {1}, new float[] {1e6f})), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'big'")
        .hasMessageContaining("float16 range");
  }

  @Test
  void halfToFloatMatchesAReferenceForAllBitPatterns() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      int sign = bits >>> 15;
      int exponent = (bits >>> 10) & 0x1f;
      int mantissa = bits & 0x3ff;
      float actual = HalfFloats.f16ToFloat((short) bits);
      int actualBits = Float.floatToRawIntBits(actual);
      if (exponent == 0x1f && mantissa != 0) {
        // NaN: sign and payload are kept.
        assertThat(actualBits)
            .as("0x%04x", bits)
            .isEqualTo((sign << 31) | 0x7f800000 | (mantissa << 13));
        continue;
      }
      double magnitude =
          exponent == 0x1f
              ? Double.POSITIVE_INFINITY
              : exponent == 0
                  ? Math.scalb((double) mantissa, -24)
                  : Math.scalb((double) (1024 + mantissa), exponent - 25);
      float expected = (float) (sign == 1 ? -magnitude : magnitude);
      assertThat(actualBits).as("0x%04x", bits).isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void widensBf16Exactly() throws IOException {
    Path file =
        craft(
            "bf16.safetensors",
            "{\"b\":{\"dtype\":\"BF16\",\"shape\":[7],\"data_offsets\":[0,14]}}",
            le16(0x3F80, 0xC020, 0x7F80, 0x0001, 0x7FC0, 0x8000, 0x4049));

    float[] v = SafeTensors.read(file).get("b").data();

    assertThat(v[0]).isEqualTo(1.0f);
    assertThat(v[1]).isEqualTo(-2.5f);
    assertThat(v[2]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(v[3]).isEqualTo(0x1p-133f);
    assertThat(v[4]).isNaN();
    assertThat(Float.floatToRawIntBits(v[5])).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(v[6]).isEqualTo(3.140625f);
  }

  @Test
  void widensF64() throws IOException {
    Path file =
        craft(
            "f64.safetensors",
            "{\"d\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,32]}}",
            le64d(1.5, -1e-3, 1e300, Math.PI));

    float[] v = SafeTensors.read(file).get("d").data();

    assertThat(v).containsExactly(1.5f, (float) -1e-3, Float.POSITIVE_INFINITY, (float) Math.PI);
  }

  @Test
  void skipsIntegerTensorsAndMetadata() throws IOException {
    byte[] data = concat(le64l(0, 1, 2), le32f(0.5f, -7f), new byte[] {1, 0});
    Path file =
        craft(
            "mixed.safetensors",
            "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"embeddings.position_ids\":{\"dtype\":\"I64\",\"shape\":[1,3],"
                + "\"data_offsets\":[0,24]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]},"
                + "\"mask\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[32,34]}}",
            data);

    LinkedHashMap<String, HostTensor> read = SafeTensors.read(file);

    assertThat(read).containsOnlyKeys("w");
    assertThat(read.get("w").data()).containsExactly(0.5f, -7f);
  }

  @Test
  void readsInOrderOfDataOffsets() throws IOException {
    Path file =
        craft(
            "order.safetensors",
            "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}  ",
            le32f(1f, 2f));

    LinkedHashMap<String, HostTensor> read = SafeTensors.read(file);

    assertThat(read.keySet()).containsExactly("a", "b", "c");
    assertThat(read.get("a").rank()).isZero();
    assertThat(read.get("a").data()).containsExactly(1f);
    assertThat(read.get("b").data()).containsExactly(2f);
    assertThat(read.get("c").data()).isEmpty();
  }

  @Test
  void overlappingTensorsDoNotCrash() throws IOException {
    Path file =
        craft(
            "overlap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            le32f(1f, 2f, 3f));

    LinkedHashMap<String, HostTensor> read = SafeTensors.read(file);

    assertThat(read.get("a").data()).containsExactly(1f, 2f);
    assertThat(read.get("b").data()).containsExactly(2f, 3f);
  }

  // ---------------------------------------------------------------- bad files

  @Test
  void missingFile() {
    assertFails(dir.resolve("missing.safetensors"), "no such file");
  }

  @Test
  void directoryInsteadOfFile() throws IOException {
    assertFails(Files.createDirectory(dir.resolve("folder.safetensors")), "directory");
  }

  @Test
  void fileShorterThanEightBytes() throws IOException {
    Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3, 4, 5});
    assertFails(file, "truncated: ", "5 bytes");
  }

  @Test
  void headerLengthBeyondTheFile() throws IOException {
    Path file = Files.write(dir.resolve("long.safetensors"), concat(le64l(1000), new byte[12]));
    assertFails(file, "corrupt header: header length 1000 exceeds file size 20");
  }

  @Test
  void headerLengthOverflowingSignedLong() throws IOException {
    Path file = Files.write(dir.resolve("huge.safetensors"), concat(le64l(-1), new byte[12]));
    assertFails(file, "corrupt header: header length 18446744073709551615 exceeds file size 20");
  }

  @Test
  void absurdHeaderLengthWithinTheFile() throws IOException {
    Path file = dir.resolve("absurd.safetensors");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(150_000_000L); // sparse: costs no disk and no time
      raf.write(le64l(120_000_000L));
    }
    assertFails(file, "corrupt header: header length 120000000 exceeds the limit");
  }

  @Test
  void headerNotJson() throws IOException {
    assertFails(craft("notjson.safetensors", "{\"a\": [1, 2", new byte[0]), "not valid JSON");
    assertFails(craft("trailing.safetensors", "{} x", new byte[0]), "not valid JSON");
    assertFails(craft("lenient.safetensors", "{a: 1}", new byte[0]), "not valid JSON");
  }

  @Test
  void headerNotUtf8() throws IOException {
    Path file = dir.resolve("latin1.safetensors");
    byte[] header = {'{', '"', (byte) 0xE9, '"', ':', '1', '}', ' '};
    Files.write(file, concat(le64l(header.length), header));
    assertFails(file, "not valid UTF-8");
  }

  @Test
  void headerNotAnObject() throws IOException {
    assertFails(craft("array.safetensors", "[1, 2]", new byte[0]), "not a JSON object");
    assertFails(craft("empty.safetensors", "", new byte[0]), "corrupt header");
  }

  @Test
  void entryNotAnObject() throws IOException {
    assertFails(craft("entry.safetensors", "{\"w\": 5}", new byte[0]), "'w'", "not a JSON object");
  }

  @Test
  void entryMissingFields() throws IOException {
    assertFails(
        craft("nodtype.safetensors", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", le32f(1)),
        "'w'",
        "no dtype");
    assertFails(
        craft(
            "noshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", le32f(1)),
        "'w'",
        "no shape");
    assertFails(
        craft("nooffsets.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", le32f(1)),
        "'w'",
        "no data_offsets");
  }

  @Test
  void entryWithWrongJsonTypes() throws IOException {
    assertFails(entry("dtypeint", "5", "[1]", "[0,4]", le32f(1)), "dtype must be a string");
    assertFails(entry("shapestr", "\"F32\"", "\"1\"", "[0,4]", le32f(1)), "shape must be an array");
    assertFails(entry("shapefrac", "\"F32\"", "[1.5]", "[0,4]", le32f(1)), "non-negative integers");
    assertFails(
        entry("shapenull", "\"F32\"", "[null]", "[0,4]", le32f(1)), "non-negative integers");
    assertFails(entry("offsetsone", "\"F32\"", "[1]", "[0]", le32f(1)), "data_offsets must be");
    assertFails(entry("offsetsobj", "\"F32\"", "[1]", "{}", le32f(1)), "data_offsets must be");
    assertFails(
        entry("offsetsstr", "\"F32\"", "[1]", "[\"0\",\"4\"]", le32f(1)), "data_offsets must be");
    assertFails(entry("offsetsneg", "\"F32\"", "[1]", "[-4,0]", le32f(1)), "data_offsets must be");
    assertFails(
        entry("offsetshuge", "\"F32\"", "[1]", "[0,1e30]", le32f(1)), "data_offsets must be");
    assertFails(
        entry("offsetsexp", "\"F32\"", "[1]", "[0,1e999999999]", le32f(1)), "data_offsets must be");
  }

  @Test
  void negativeDimension() throws IOException {
    assertFails(
        entry("negdim", "\"F32\"", "[2,-1]", "[0,4]", le32f(1)), "'w'", "negative dimension");
  }

  @Test
  void shapeTooLarge() throws IOException {
    assertFails(
        entry("overflow", "\"F32\"", "[4611686018427387904,4]", "[0,4]", le32f(1)),
        "'w'",
        "too large");
  }

  @Test
  void unsupportedDtype() throws IOException {
    assertFails(
        entry("f8", "\"F8_E4M3\"", "[4]", "[0,4]", le32f(1)),
        "tensor 'w'",
        "unsupported dtype F8_E4M3");
    assertFails(
        entry("c64", "\"C64\"", "[1]", "[0,8]", le32f(1, 2)),
        "tensor 'w'",
        "unsupported dtype C64");
  }

  @Test
  void offsetsOutsideTheDataArea() throws IOException {
    assertFails(
        entry("outside", "\"F32\"", "[2]", "[4,12]", le32f(1, 2)),
        "tensor 'w'",
        "[4, 12]",
        "outside the data area of 8 bytes");
  }

  @Test
  void offsetsEndBeforeBegin() throws IOException {
    assertFails(
        entry("backwards", "\"F32\"", "[1]", "[8,4]", le32f(1, 2, 3)),
        "tensor 'w'",
        "end 4 is before begin 8");
  }

  @Test
  void offsetsDisagreeWithShape() throws IOException {
    assertFails(
        entry("mismatch", "\"F32\"", "[2,3]", "[0,20]", le32f(1, 2, 3, 4, 5, 6)),
        "tensor 'w'",
        "needs 24 bytes",
        "span 20 bytes");
    assertFails(
        entry("mismatch16", "\"F16\"", "[3]", "[0,8]", le32f(1, 2)),
        "tensor 'w'",
        "needs 6 bytes",
        "span 8 bytes");
  }

  // ---------------------------------------------------------------- helpers

  private static void assertFails(Path file, String... phrases) {
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(file.getFileName().toString())
        .satisfies(
            e -> {
              for (String phrase : phrases) {
                assertThat(e.getMessage()).contains(phrase);
              }
            });
  }

  /** A file with one tensor 'w' whose header fields are the given raw JSON. */
  private Path entry(String stem, String dtype, String shape, String offsets, byte[] data)
      throws IOException {
    return craft(
        stem + ".safetensors",
        "{\"w\":{\"dtype\":"
            + dtype
            + ",\"shape\":"
            + shape
            + ",\"data_offsets\":"
            + offsets
            + "}}",
        data);
  }

  private Path craft(String name, String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(UTF_8);
    return Files.write(dir.resolve(name), concat(le64l(json.length), json, data));
  }

  /** Weights-like values, N(0, 0.05), within float16's range. */
  private static HostTensor gaussian(Random random, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) (random.nextGaussian() * 0.05);
    }
    return new HostTensor(shape, data);
  }

  private static HostTensor randomTensor(Random random, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] data = new float[(int) n];
    for (int i = 0; i < data.length; i++) {
      // Any bit pattern: normals, subnormals, infinities, NaNs with payloads.
      data[i] = Float.intBitsToFloat(random.nextInt());
    }
    if (data.length > 1) {
      data[1] = -0f;
    }
    return new HostTensor(shape, data);
  }

  private static int[] rawBits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }

  private static byte[] le16(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  private static byte[] le32f(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  private static byte[] le64d(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static byte[] le64l(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
