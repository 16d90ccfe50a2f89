package io.vleval.training.data;

import io.vleval.api.sample.ImageSource;
import io.vleval.preprocess.ImageTransform;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes and preprocesses the images of a batch when the batch is drawn: squashed to the model's
 * side with PIL-exact bicubic and normalized with the ImageNet mean/std ({@code
 * ImageTransform.Mode.SQUARE}), as every stage reads them. A least-recently-used cache of
 * preprocessed pixels, keyed by the image's origin and bounded in bytes, keeps a small dataset
 * decoded after its first epoch (the tiny recipe's images all fit), while a large one is decoded
 * batch by batch in bounded memory.
 */
public final class ImagePixels {

  /** The default bound of the cache: a quarter of the heap, at most 1 GiB. */
  public static long defaultCapacity() {
    return Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
  }

  private final int size;
  private final ImageTransform transform;
  private final long capacity;
  private final Map<String, float[]> cache = new LinkedHashMap<>(256, 0.75f, true);
  private long held;
  private long decoded;

  /**
   * @param size the side images are squashed to
   * @param capacity the most bytes of preprocessed pixels the cache holds (0: no cache)
   */
  public ImagePixels(int size, long capacity) {
    if (size < 1 || capacity < 0) {
      throw new IllegalArgumentException("size " + size + ", capacity " + capacity);
    }
    this.size = size;
    this.capacity = capacity;
    this.transform = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, size);
  }

  /**
   * @return the side images are squashed to
   */
  public int size() {
    return size;
  }

  /**
   * @param image an image
   * @return its {@code 3 x S x S} normalized values (shared with the cache: never modify them)
   */
  public float[] of(ImageSource image) {
    String key = image.origin();
    float[] px = cache.get(key);
    if (px != null) {
      return px;
    }
    px = transform.apply(image.load());
    decoded++;
    long bytes = 4L * px.length;
    if (bytes <= capacity) {
      cache.put(key, px);
      held += bytes;
      var it = cache.entrySet().iterator();
      while (held > capacity && it.hasNext()) {
        held -= 4L * it.next().getValue().length;
        it.remove();
      }
    }
    return px;
  }

  /**
   * @param images a batch's images
   * @return their values one after the other, {@code [n, 3, S, S]} flattened
   */
  public float[] batch(List<ImageSource> images) {
    int n = 3 * size * size;
    float[] flat = new float[images.size() * n];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(of(images.get(i)), 0, flat, i * n, n);
    }
    return flat;
  }

  /**
   * @return how many images were decoded so far (a cache miss each)
   */
  public long decoded() {
    return decoded;
  }

  /**
   * @return the bytes of pixels the cache holds now
   */
  public long held() {
    return held;
  }
}
