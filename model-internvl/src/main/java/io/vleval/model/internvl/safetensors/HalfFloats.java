package io.vleval.model.internvl.safetensors;

/**
 * Conversions between float32 and the two 16-bit float formats (IEEE half and bfloat16), done in
 * Java because converting to bfloat16 inside DJL 0.36's PyTorch engine aborts the JVM.
 */
public final class HalfFloats {

  private HalfFloats() {}

  /**
   * Decodes an IEEE 754 half-precision value exactly.
   *
   * @param bits the 16 bits
   * @return the same value as a float
   */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal or zero: exact in float32
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /**
   * Encodes a float as IEEE half precision, rounding to nearest even (as PyTorch does).
   *
   * @param value the value
   * @return the 16 bits
   */
  public static short floatToF16(float value) {
    int x = Float.floatToRawIntBits(value);
    int sign = (x >>> 16) & 0x8000;
    int e = (x >>> 23) & 0xff;
    int m = x & 0x7fffff;
    if (e == 0xff) {
      return (short) (sign | 0x7c00 | (m != 0 ? 0x200 | (m >>> 13) : 0));
    }
    int he = e - 112;
    if (he >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (he <= 0) {
      if (he < -10) {
        return (short) sign;
      }
      int full = m | 0x800000;
      int shift = 14 - he;
      int half = full >>> shift;
      int rem = full & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (he << 10) | (m >>> 13);
    int rem = m & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // a carry into the exponent is the correct result, up to infinity
    }
    return (short) (sign | half);
  }

  /**
   * Decodes a bfloat16 value exactly.
   *
   * @param bits the 16 bits
   * @return the same value as a float
   */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /**
   * Encodes a float as bfloat16, rounding to nearest even (as PyTorch does).
   *
   * @param value the value
   * @return the 16 bits
   */
  public static short floatToBf16(float value) {
    int x = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((x >>> 16) | 0x40);
    }
    return (short) ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16);
  }
}
