package io.vleval.model.internvl.safetensors;

import java.util.Arrays;
import java.util.Optional;

/** The element types this reader understands, named as the safetensors header spells them. */
public enum SafetensorsDtype {
  /** IEEE 754 single precision. */
  F32(4, true),
  /** IEEE 754 half precision; decoded to float32 on load. */
  F16(2, true),
  /** bfloat16 (the upper half of a float32); decoded to float32 on load. */
  BF16(2, true),
  /** Signed 64-bit integer. */
  I64(8, false),
  /** Signed 32-bit integer. */
  I32(4, false),
  /** Unsigned byte. */
  U8(1, false);

  private final int byteSize;
  private final boolean floatingPoint;

  SafetensorsDtype(int byteSize, boolean floatingPoint) {
    this.byteSize = byteSize;
    this.floatingPoint = floatingPoint;
  }

  /**
   * Returns the size of one element in bytes.
   *
   * @return bytes per element
   */
  public int byteSize() {
    return byteSize;
  }

  /**
   * Returns whether the type holds floating-point values (F32, F16, BF16).
   *
   * @return true for floating-point types
   */
  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  /**
   * Looks a header name up.
   *
   * @param name the dtype string from a header, such as {@code "BF16"}
   * @return the type, or empty when this reader does not know it
   */
  public static Optional<SafetensorsDtype> fromHeader(String name) {
    return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
  }
}
