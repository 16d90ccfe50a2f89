package io.vleval.tasks.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.RgbImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** Reads the segmentation reference fixtures of {@code src/test/resources/segmentation/}. */
public final class Reference {
  private Reference() {}

  /** The fixture file {@code segmentation/NAME} from the test class path. */
  public static JsonNode load(String name) {
    try (InputStream in = Reference.class.getResourceAsStream("/segmentation/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture segmentation/" + name + " on the class path");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"shape": [...], "data": base64}} of unsigned bytes. */
  public static byte[] bytes(JsonNode a) {
    return Base64.getDecoder().decode(a.get("data").asText());
  }

  /** {@code {"shape": [...], "data": base64}} of little-endian float32. */
  public static float[] floats(JsonNode a) {
    byte[] b = bytes(a);
    float[] out = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** The shape of an array node. */
  public static int[] shape(JsonNode a) {
    int[] s = new int[a.get("shape").size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = a.get("shape").get(i).intValue();
    }
    return s;
  }

  /** An (h, w, 3) RGB array node as an image. */
  public static RgbImage image(JsonNode a) {
    int[] s = shape(a);
    return new RgbImage(s[1], s[0], bytes(a));
  }

  /** An (h, w) array node as a label map. */
  public static LabelMap labels(JsonNode a) {
    int[] s = shape(a);
    return new LabelMap(s[1], s[0], bytes(a));
  }

  /** The largest absolute difference between two byte arrays read as unsigned. */
  public static int maxAbsDiff(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    int max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
    }
    return max;
  }

  /** The largest absolute difference between two float arrays. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
