package dev.reranker.internal.io;

/**
 * Widens IEEE half precision (F16) and bfloat16 (BF16) values to float32, exactly, and narrows
 * float32 to F16 (round to nearest even), for writing half-size checkpoints.
 *
 * <p>Checkpoint readers widen before anything reaches DJL: DJL 0.36's PyTorch engine aborts the JVM
 * on a BF16 array.
 */
public final class HalfFloats {
  /** The largest finite F16 value. */
  public static final float F16_MAX = 65504f;

  private HalfFloats() {}

  /**
   * Narrows a float32 to IEEE half precision, rounding to nearest even: overflow gives infinity,
   * tiny values give subnormals or signed zero, NaN stays NaN. {@link #f16ToFloat} of the result is
   * the F16 value nearest to {@code value}.
   */
  public static short toF16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) { // infinity or NaN (keep a quiet NaN)
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00); // overflow
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // below half the smallest subnormal
      }
      int m = mantissa | 0x800000; // implicit bit
      int shift = 14 - e; // 14..24
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (half & 1) != 0)) {
        half++; // may carry into the smallest normal, which is the right encoding
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, up to infinity: both right
    }
    return (short) (sign | half);
  }

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
