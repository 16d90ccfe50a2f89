package io.vleval.model.internvl.safetensors;

import java.util.Arrays;

/**
 * One validated header entry: a tensor's name, element type, shape and byte range relative to the
 * start of the data area.
 *
 * @param name the tensor key
 * @param dtype the element type
 * @param shape the shape, row-major; empty for a 0-d tensor
 * @param begin first byte, relative to the data area
 * @param end one past the last byte, relative to the data area
 */
public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

  /** Copies the shape so that the record stays immutable. */
  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Returns the number of elements (1 for a 0-d tensor).
   *
   * @return the element count
   */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /**
   * Returns the number of bytes the tensor occupies.
   *
   * @return {@code end - begin}
   */
  public long byteSize() {
    return end - begin;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + "," + end + ")";
  }
}
