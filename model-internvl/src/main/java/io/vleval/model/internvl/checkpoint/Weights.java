package io.vleval.model.internvl.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.TensorInfo;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.vision.CheckpointMismatchException;
import io.vleval.model.internvl.vision.TensorMismatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A component's weights by canonical key (no prefix), owned by one manager.
 *
 * <p>{@link #load} checks the whole key set of the component's namespace against the expected shape
 * table before copying anything, and throws one {@link CheckpointMismatchException} listing every
 * missing, unexpected and mis-shaped key. F16/BF16 tensors are decoded to float32.
 */
public final class Weights {

  private final Map<String, NDArray> arrays;

  private Weights(Map<String, NDArray> arrays) {
    this.arrays = arrays;
  }

  /**
   * Compares the tensors {@code prefix + key} with {@code expected}, loading nothing: keys under
   * {@code prefix} that are not expected (nor {@code ignored}), expected keys that are absent, and
   * present ones of the wrong shape or a non-float type.
   *
   * @param source the checkpoint
   * @param prefix the component's key prefix, e.g. {@code "qllama."}
   * @param expected canonical key → shape
   * @param ignored keys (prefix removed) that may be present and are skipped
   * @return the differences, with full key names
   */
  public static TensorMismatch check(
      TensorSource source, String prefix, Map<String, long[]> expected, Predicate<String> ignored) {
    List<String> unexpected = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String key : source.keys()) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      String rest = key.substring(prefix.length());
      long[] want = expected.get(rest);
      if (want == null) {
        if (!ignored.test(rest)) {
          unexpected.add(key);
        }
        continue;
      }
      seen.add(rest);
      TensorInfo info = source.info(key);
      if (!Arrays.equals(info.shape(), want) || !info.dtype().isFloatingPoint()) {
        misShaped.add(
            key
                + ": found "
                + info.dtype()
                + Arrays.toString(info.shape())
                + ", expected float "
                + Arrays.toString(want));
      }
    }
    List<String> missing = new ArrayList<>();
    for (String k : expected.keySet()) {
      if (!seen.contains(k)) {
        missing.add(prefix + k);
      }
    }
    return new TensorMismatch(missing, unexpected, misShaped);
  }

  /**
   * Loads the tensors {@code prefix + key} for every key of {@code expected}.
   *
   * @param source the checkpoint
   * @param prefix the component's key prefix, e.g. {@code "qllama."}
   * @param expected canonical key → shape
   * @param ignored keys (prefix removed) that may be present and are skipped, e.g. rotary buffers
   * @param component what is being loaded, for the message
   * @param manager owner of the arrays
   * @return the weights
   * @throws CheckpointMismatchException listing every problem
   */
  public static Weights load(
      TensorSource source,
      String prefix,
      Map<String, long[]> expected,
      Predicate<String> ignored,
      String component,
      NDManager manager) {
    String where =
        source.keys().isEmpty()
            ? "checkpoint"
            : source.fileOf(source.keys().iterator().next()).toString();
    check(source, prefix, expected, ignored).throwIfAny(where, component);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    try {
      for (String k : expected.keySet()) {
        NDArray a = source.toNDArray(prefix + k, manager);
        a.setName(k);
        arrays.put(k, a);
      }
    } catch (RuntimeException e) {
      arrays.values().forEach(NDArray::close);
      throw e;
    }
    return new Weights(arrays);
  }

  /**
   * Builds seeded random weights for a shape table: keys ending in {@code norm.weight}, {@code
   * layernorm.weight}, {@code _norm.weight} or {@code norm1/2.weight} (and other norm gains) are 1,
   * biases 0, everything else N(0, std). The same seed gives the same weights everywhere.
   *
   * @param expected key → shape, in a stable order
   * @param seed the seed
   * @param std standard deviation of the random weights
   * @param manager owner of the arrays
   * @return the weights
   */
  public static Weights random(
      Map<String, long[]> expected, long seed, double std, NDManager manager) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      String key = e.getKey();
      long n = 1;
      for (long d : e.getValue()) {
        n = Math.multiplyExact(n, d);
      }
      float[] values = new float[Math.toIntExact(n)];
      boolean gain = isNormGain(key);
      boolean bias = key.endsWith("bias");
      if (gain) {
        Arrays.fill(values, 1f);
      } else if (!bias) {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (rng.nextGaussian() * std);
        }
      }
      NDArray a = manager.create(values, new Shape(e.getValue()));
      a.setName(key);
      arrays.put(key, a);
    }
    return new Weights(arrays);
  }

  private static boolean isNormGain(String key) {
    String last = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : key;
    last = last.contains(".") ? last.substring(last.lastIndexOf('.') + 1) : last;
    return key.endsWith(".weight") && (last.contains("norm") || last.equals("input_layernorm"));
  }

  /**
   * Wraps arrays that were built elsewhere.
   *
   * @param arrays key → array; the map is copied
   * @return the weights
   */
  public static Weights of(Map<String, NDArray> arrays) {
    return new Weights(new LinkedHashMap<>(arrays));
  }

  /**
   * Returns a weight.
   *
   * @param key canonical key
   * @return the array (owned by the model; do not close it)
   * @throws IllegalStateException for an unknown key (a programming error: loading checked the set)
   */
  public NDArray get(String key) {
    NDArray a = arrays.get(key);
    if (a == null) {
      throw new IllegalStateException("no weight '" + key + "'");
    }
    return a;
  }

  /**
   * Returns whether a weight exists.
   *
   * @param key canonical key
   * @return true if present
   */
  public boolean has(String key) {
    return arrays.containsKey(key);
  }

  /**
   * Replaces a weight (used when fusing projections at load time); the old array is closed.
   *
   * @param key canonical key
   * @param value new array, owned by the same manager
   */
  public void put(String key, NDArray value) {
    NDArray old = arrays.put(key, value);
    if (old != null && old != value) {
      old.close();
    }
  }

  /**
   * Removes and closes a weight.
   *
   * @param key canonical key
   */
  public void remove(String key) {
    NDArray old = arrays.remove(key);
    if (old != null) {
      old.close();
    }
  }

  /**
   * Casts every weight (except the named ones, which stay float32) to a compute type, in place.
   *
   * @param dtype float32 or float16
   * @param keepFloat32 keys left as they are (e.g. a 0-d scale read back into Java)
   * @throws IllegalArgumentException when a value does not fit the compute type
   */
  public void cast(DataType dtype, Set<String> keepFloat32) {
    Precision.check(dtype);
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      if (!keepFloat32.contains(e.getKey())) {
        e.setValue(Precision.castWeight(e.getValue(), dtype, e.getKey()));
      }
    }
  }

  /**
   * Returns the weights as an unmodifiable view.
   *
   * @return key → array
   */
  public Map<String, NDArray> asMap() {
    return Collections.unmodifiableMap(arrays);
  }
}
