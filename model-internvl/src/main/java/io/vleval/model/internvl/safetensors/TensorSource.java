package io.vleval.model.internvl.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/** Named tensors read from one safetensors file or a sharded checkpoint, decoded on demand. */
public interface TensorSource extends AutoCloseable {

  /**
   * Returns every tensor key, in a stable order.
   *
   * @return the keys
   */
  Set<String> keys();

  /**
   * Returns the header entry of a tensor.
   *
   * @param key the tensor key
   * @return its validated header entry
   * @throws SafetensorsException when the key is absent
   */
  TensorInfo info(String key);

  /**
   * Returns the file that holds a tensor.
   *
   * @param key the tensor key
   * @return the file
   */
  Path fileOf(String key);

  /**
   * Reads a floating-point tensor as float32 values, row-major (F16 and BF16 are decoded exactly).
   *
   * @param key the tensor key
   * @return the values
   */
  float[] floats(String key);

  /**
   * Reads an integer tensor (I64, I32, U8) as longs, row-major.
   *
   * @param key the tensor key
   * @return the values
   */
  long[] longs(String key);

  /**
   * Copies a tensor into a new array of {@code manager}. Floating-point tensors always come out as
   * float32 (F16 and BF16 are decoded in Java); integer tensors keep their type.
   *
   * @param key the tensor key
   * @param manager the manager that will own the array
   * @return the array, owned by {@code manager}
   */
  NDArray toNDArray(String key, NDManager manager);

  /** Releases the files; arrays already copied out stay valid. */
  @Override
  void close();

  /**
   * A view of some of a source's keys, e.g. one component's weights, so that loading it reports
   * only that component's missing and unexpected keys. Closing the view leaves the source open.
   *
   * @param source the checkpoint
   * @param keep which keys the view shows
   * @return the view
   */
  static TensorSource filtered(TensorSource source, Predicate<String> keep) {
    return new TensorSource() {
      @Override
      public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (String k : source.keys()) {
          if (keep.test(k)) {
            keys.add(k);
          }
        }
        return keys;
      }

      @Override
      public TensorInfo info(String key) {
        return source.info(key);
      }

      @Override
      public Path fileOf(String key) {
        return source.fileOf(key);
      }

      @Override
      public float[] floats(String key) {
        return source.floats(key);
      }

      @Override
      public long[] longs(String key) {
        return source.longs(key);
      }

      @Override
      public NDArray toNDArray(String key, NDManager manager) {
        return source.toNDArray(key, manager);
      }

      @Override
      public void close() {
        // the caller closes the source
      }
    };
  }
}
