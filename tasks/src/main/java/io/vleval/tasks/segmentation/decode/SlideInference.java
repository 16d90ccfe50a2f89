package io.vleval.tasks.segmentation.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.sample.RgbImage;
import io.vleval.tasks.segmentation.pipeline.CvResize;
import io.vleval.tasks.segmentation.pipeline.Rescale;
import io.vleval.tasks.segmentation.pipeline.TrainTransform;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's test mode: the image resized (bilinear, cv2) so its short side is the crop
 * ({@code SETR_Resize} at the training scale; the few-shot configs use a plain keep-ratio {@code
 * Resize} instead), then up to a multiple of the patch ({@code ResizeToMultiple}); square windows
 * of the crop at the stride (mmseg's {@code slide_inference}: the last window flush with the end),
 * each window's logits resized bilinearly to the window and summed where windows overlap, divided
 * by the count, resized bilinearly to the label's size, argmax.
 *
 * <p>A window narrower than the crop (only when the keep-ratio resize leaves a side shorter than
 * the crop, where the reference's fixed-size backbone cannot run) is padded to the crop with {@link
 * TrainTransform#PAD_RGB} and its padding dropped from its logits.
 *
 * @param crop the window side
 * @param stride the step between windows
 * @param scaleLong the long side of the test scale (2016)
 * @param scaleShort the short side of the test scale (504)
 * @param setr {@code SETR_Resize} (short side at least the crop) rather than a keep-ratio resize
 * @param patch the backbone's patch side, the multiple the resized image is brought to
 * @param batch how many windows go to the backbone at once
 */
public record SlideInference(
    int crop, int stride, int scaleLong, int scaleShort, boolean setr, int patch, int batch) {

  /** The class of every pixel of a {@code width x height} label map of {@code image}. */
  public int[] predict(
      RgbImage image, int width, int height, DecodeHead head, BlockMaps maps, NDManager manager) {
    int[] size =
        setr
            ? Rescale.setr(image.width(), image.height(), scaleLong, scaleShort, crop)
            : Rescale.keepRatio(image.width(), image.height(), scaleLong, scaleShort);
    RgbImage resized = Rescale.toMultiple(CvResize.linear(image, size[0], size[1]), patch);
    int w = resized.width();
    int h = resized.height();
    List<int[]> windows = new ArrayList<>();
    for (int y : starts(h)) {
      for (int x : starts(w)) {
        windows.add(new int[] {x, y, Math.min(x + crop, w), Math.min(y + crop, h)});
      }
    }
    try (NDManager scope = manager.newSubManager()) {
      head.params().lendTo(scope);
      NDArray preds = null;
      float[] count = new float[w * h];
      for (int from = 0; from < windows.size(); from += batch) {
        List<int[]> chunk = windows.subList(from, Math.min(windows.size(), from + batch));
        List<RgbImage> crops = new ArrayList<>();
        for (int[] win : chunk) {
          crops.add(window(resized, win));
        }
        NDArray logits =
            head.forward(maps.of(crops, crop, head.blocks(), scope), false, null).logits();
        logits = Ops.bilinear(logits, crop, crop);
        if (preds == null) {
          preds = scope.zeros(new Shape(logits.getShape().get(1), h, w));
        }
        for (int i = 0; i < chunk.size(); i++) {
          int[] win = chunk.get(i);
          int ww = win[2] - win[0];
          int wh = win[3] - win[1];
          NDIndex at = new NDIndex(":, {}:{}, {}:{}", win[1], win[3], win[0], win[2]);
          NDArray part = logits.get(new NDIndex("{}, :, 0:{}, 0:{}", i, wh, ww));
          preds.set(at, preds.get(at).add(part));
          for (int y = win[1]; y < win[3]; y++) {
            for (int x = win[0]; x < win[2]; x++) {
              count[y * w + x]++;
            }
          }
        }
      }
      NDArray mean = preds.div(scope.create(count, new Shape(1, h, w)));
      NDArray out = Ops.bilinear(mean.expandDims(0), height, width).get(0).argMax(0);
      long[] classes = out.toType(DataType.INT64, false).toLongArray();
      int[] result = new int[classes.length];
      for (int i = 0; i < result.length; i++) {
        result[i] = (int) classes[i];
      }
      return result;
    }
  }

  /** Window origins along a side: every stride, the last one flush with the end (as mmseg). */
  public List<Integer> starts(int length) {
    List<Integer> out = new ArrayList<>();
    int grids = Math.max(length - crop + stride - 1, 0) / stride + 1;
    for (int i = 0; i < grids; i++) {
      out.add(Math.max(Math.min(i * stride + crop, length) - crop, 0));
    }
    return out;
  }

  private RgbImage window(RgbImage image, int[] win) {
    byte[] rgb = new byte[crop * crop * 3];
    for (int i = 0; i < crop * crop; i++) {
      System.arraycopy(TrainTransform.PAD_RGB, 0, rgb, i * 3, 3);
    }
    int ww = win[2] - win[0];
    for (int y = win[1]; y < win[3]; y++) {
      System.arraycopy(
          image.rgb(), (y * image.width() + win[0]) * 3, rgb, (y - win[1]) * crop * 3, ww * 3);
    }
    return new RgbImage(crop, crop, rgb);
  }
}
