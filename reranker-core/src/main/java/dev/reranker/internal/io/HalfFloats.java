package dev.reranker.internal.io;

/**
 * Widens IEEE half precision (F16) and bfloat16 (BF16) values to float32, exactly.
 *
 * <p>Checkpoint readers widen before anything reaches DJL: DJL 0.36's PyTorch engine aborts the JVM
 * on a BF16 array.
 */
public final class HalfFloats {
  private HalfFloats() {}

  /** Widens one 16-bit value: bfloat16 if {@code bf16}, else IEEE half precision. */
  public static float widen(short bits, boolean bf16) {
    return bf16 ? bf16ToFloat(bits) : f16ToFloat(bits);
  }

  /** Widens a bfloat16: its bits are the high half of a float32. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** Widens an IEEE 754 half precision value, subnormals, infinities and NaN included. */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) { // infinity or NaN; keep the NaN payload
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign); // signed zero
      }
      // subnormal: mantissa * 2^-24, exact in float32
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
