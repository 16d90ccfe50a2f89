package io.vleval.model.internvl.chat;

import io.vleval.api.sample.RgbImage;
import io.vleval.preprocess.PilResample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code dynamic_preprocess} of InternVL-Chat v1.5+: choose the tile grid {@code (i, j)} with
 * {@code min <= i*j <= max} whose aspect ratio {@code i/j} is closest to the image's, resize the
 * image to {@code (size*i, size*j)} with PIL bicubic, cut it into tiles row-major, and append a
 * whole-image thumbnail when asked and there is more than one tile.
 *
 * <p>The candidate order matters on exact ties; it is Python's {@code sorted(set(...), key=i*j)},
 * whose order inside an area depends on CPython's set iteration. The lists for the two maxima the
 * reference uses (6 and 12) are hard-coded from INTERNVL.md §9; for other maxima candidates of
 * equal area are taken in (i, j) generation order, which may differ from CPython on exact ties.
 */
public final class DynamicTiling {

  private static final int[][] MAX6 = {
    {1, 1}, {1, 2}, {2, 1}, {3, 1}, {1, 3}, {4, 1}, {1, 4}, {2, 2}, {1, 5}, {5, 1}, {6, 1}, {2, 3},
    {1, 6}, {3, 2}
  };
  private static final int[][] MAX12 = {
    {1, 1}, {1, 2}, {2, 1}, {3, 1}, {1, 3}, {2, 2}, {4, 1}, {1, 4}, {5, 1}, {1, 5}, {1, 6}, {6, 1},
    {3, 2}, {2, 3}, {7, 1}, {1, 7}, {4, 2}, {2, 4}, {1, 8}, {8, 1}, {1, 9}, {3, 3}, {9, 1}, {2, 5},
    {5, 2}, {10, 1}, {1, 10}, {11, 1}, {1, 11}, {12, 1}, {3, 4}, {4, 3}, {1, 12}, {6, 2}, {2, 6}
  };

  private DynamicTiling() {}

  /**
   * The candidate grids {@code (columns i, rows j)} in the reference's order.
   *
   * @param min the minimum tile count
   * @param max the maximum tile count
   * @return the grids
   */
  public static List<int[]> targetRatios(int min, int max) {
    List<int[]> out = new ArrayList<>();
    int[][] known = max == 6 ? MAX6 : max == 12 ? MAX12 : null;
    if (known != null) {
      for (int[] r : known) {
        if (r[0] * r[1] >= min) {
          out.add(r);
        }
      }
      return out;
    }
    for (int i = 1; i <= max; i++) {
      for (int j = 1; j <= max; j++) {
        if (i * j >= min && i * j <= max) {
          out.add(new int[] {i, j});
        }
      }
    }
    out.sort(Comparator.comparingInt(r -> r[0] * r[1]));
    return out;
  }

  /**
   * Chooses the grid ({@code find_closest_aspect_ratio}).
   *
   * @param width image width
   * @param height image height
   * @param ratios candidates in order
   * @param size tile side
   * @return {@code (i, j)}
   */
  public static int[] closest(int width, int height, List<int[]> ratios, int size) {
    double aspect = (double) width / height;
    double bestDiff = Double.POSITIVE_INFINITY;
    int[] best = {1, 1};
    double area = (double) width * height;
    for (int[] r : ratios) {
      double diff = Math.abs(aspect - (double) r[0] / r[1]);
      if (diff < bestDiff) {
        bestDiff = diff;
        best = r;
      } else if (diff == bestDiff && area > 0.5 * size * size * r[0] * r[1]) {
        best = r;
      }
    }
    return best;
  }

  /**
   * Cuts an image into tiles.
   *
   * @param image the image
   * @param min the minimum tile count
   * @param max the maximum tile count
   * @param size the tile side
   * @param thumbnail whether to add a whole-image tile when there are several
   * @return {@code size x size} tiles, row-major, thumbnail last
   */
  public static List<RgbImage> tiles(
      RgbImage image, int min, int max, int size, boolean thumbnail) {
    int[] grid = closest(image.width(), image.height(), targetRatios(min, max), size);
    int tw = size * grid[0];
    int th = size * grid[1];
    RgbImage resized = PilResample.bicubic(image, tw, th);
    List<RgbImage> out = new ArrayList<>();
    int blocks = grid[0] * grid[1];
    for (int b = 0; b < blocks; b++) {
      int x0 = (b % grid[0]) * size;
      int y0 = (b / grid[0]) * size;
      byte[] rgb = new byte[size * size * 3];
      for (int y = 0; y < size; y++) {
        System.arraycopy(resized.rgb(), ((y0 + y) * tw + x0) * 3, rgb, y * size * 3, size * 3);
      }
      out.add(new RgbImage(size, size, rgb));
    }
    if (thumbnail && out.size() != 1) {
      out.add(PilResample.bicubic(image, size, size));
    }
    return out;
  }
}
