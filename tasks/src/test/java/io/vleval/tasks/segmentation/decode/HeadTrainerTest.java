package io.vleval.tasks.segmentation.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.djl.BackboneCopy;
import io.vleval.api.djl.BackboneParameter;
import io.vleval.api.djl.LayerDecay;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelMap;
import io.vleval.api.sample.LabelMapSource;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.sample.SegmentationPair;
import io.vleval.tasks.segmentation.TinyBackbone;
import io.vleval.tasks.segmentation.pipeline.TrainTransform;
import io.vleval.tasks.training.AdamW;
import io.vleval.tasks.training.LayerDecayGroups;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The trainer on scenes whose class is the colour of each 8-px patch: with block maps that are the
 * patches' mean colours, and with a toy trainable backbone fine-tuned under the head (layer-wise
 * decay, drop path), the losses fall, the trained head labels new scenes well through the sliding
 * windows, and no array outlives its step.
 */
class HeadTrainerTest {
  private static final int PATCH = 8;
  private static final int[][] COLOURS = {{200, 30, 30}, {30, 200, 30}, {30, 30, 200}};

  /** A scene of 8-px squares, each of one of three colours, labelled by colour. */
  private static SegmentationPair scene(int id, int side, SplittableRandom r) {
    byte[] rgb = new byte[side * side * 3];
    byte[] labels = new byte[side * side];
    for (int by = 0; by < side / PATCH; by++) {
      for (int bx = 0; bx < side / PATCH; bx++) {
        int c = r.nextInt(3);
        for (int y = by * PATCH; y < (by + 1) * PATCH; y++) {
          for (int x = bx * PATCH; x < (bx + 1) * PATCH; x++) {
            for (int k = 0; k < 3; k++) {
              rgb[(y * side + x) * 3 + k] = (byte) COLOURS[c][k];
            }
            labels[y * side + x] = (byte) c;
          }
        }
      }
    }
    RgbImage image = new RgbImage(side, side, rgb);
    LabelMap map = new LabelMap(side, side, labels);
    return new SegmentationPair(
        "s" + id,
        ImageSource.of(image, "s" + id),
        new LabelMapSource() {
          @Override
          public LabelMap load() {
            return map;
          }

          @Override
          public String origin() {
            return "s" + id;
          }
        });
  }

  /** Block maps of the patches' mean colours, centred ([B, 3, side/8, side/8]). */
  private static final BlockMaps MEAN_COLOURS =
      (crops, side, blocks, scope) -> {
        int g = side / PATCH;
        float[] v = new float[crops.size() * 3 * g * g];
        for (int i = 0; i < crops.size(); i++) {
          RgbImage c = crops.get(i);
          for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
              for (int k = 0; k < 3; k++) {
                v[((i * 3 + k) * g + y / PATCH) * g + x / PATCH] +=
                    (c.channel(x, y, k) / 255f - 0.5f) / (PATCH * PATCH);
              }
            }
          }
        }
        List<NDArray> out = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
          out.add(scope.create(v, new Shape(crops.size(), 3, g, g)));
        }
        return out;
      };

  @Test
  void learnsColourClassesAndKeepsNoArrayPastItsStep() {
    SplittableRandom r = new SplittableRandom(3);
    List<SegmentationPair> train = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      train.add(scene(i, 48, r));
    }
    TrainTransform transform = new TrainTransform(128, 32, 0.5, 2.0, 32, 0.75, 0.5, false);
    try (NDManager manager = NDManager.newBaseManager()) {
      try (LinearDecodeHead head = new LinearDecodeHead(manager, 3, 3, 0, 1)) {
        int before = manager.getManagedArrays().size();
        List<Double> losses =
            HeadTrainer.train(
                head,
                train,
                transform,
                MEAN_COLOURS,
                3,
                new HeadTrainer.Settings(60, 4, 0.05, 0.0, 5, 7),
                manager);
        assertThat(manager.getManagedArrays()).hasSize(before);
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(55, 60).stream().mapToDouble(d -> d).average().orElseThrow();
        // resized crops no longer align with the 8-px grid the maps average over, so the loss has a
        // floor well above 0
        assertThat(last).isLessThan(0.75 * first);

        SlideInference inference = new SlideInference(32, 20, 128, 32, true, PATCH, 2);
        // a 32 px scene is its own window, so the maps see whole squares
        SegmentationPair test = scene(99, 32, r);
        int[] pred = inference.predict(test.image().load(), 32, 32, head, MEAN_COLOURS, manager);
        byte[] truth = test.labels().load().values();
        int hit = 0;
        for (int i = 0; i < pred.length; i++) {
          hit += pred[i] == truth[i] ? 1 : 0;
        }
        assertThat((double) hit / pred.length).isGreaterThan(0.8);
        assertThat(manager.getManagedArrays()).hasSize(before);
      }
    }
  }

  @Test
  void fineTunesATrainableBackboneWithTheHeadAndKeepsTheLiveArraysFlat() {
    SplittableRandom r = new SplittableRandom(5);
    List<SegmentationPair> train = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      train.add(scene(i, 48, r));
    }
    TrainTransform transform = new TrainTransform(128, 32, 0.5, 2.0, 32, 0.75, 0.5, false);
    TinyBackbone backbone = new TinyBackbone(2, 8, PATCH, 3);
    try (NDManager probe = NDManager.newBaseManager();
        BackboneCopy copy = backbone.copy(32);
        NDManager manager = copy.manager().newSubManager()) {
      NDManager engine = probe.getParentManager(); // sees every live array
      LayerDecay decay = new LayerDecay(0.9, 2);
      List<AdamW.Group> groups = LayerDecayGroups.of(copy.parameters(), decay, 0.05);
      Map<String, float[]> before = new HashMap<>();
      copy.parameters().forEach(p -> before.put(p.name(), p.parameter().getArray().toFloatArray()));
      TrainableBlockMaps maps =
          TrainableBlockMaps.training(copy, backbone.pixelMean(), backbone.pixelStd(), 0.2, 11);
      List<Integer> live = new ArrayList<>();
      BlockMaps counted =
          new BlockMaps() {
            @Override
            public List<NDArray> of(
                List<RgbImage> crops, int side, List<Integer> blocks, NDManager scope) {
              live.add(engine.getManagedArrays().size());
              return maps.of(crops, side, blocks, scope);
            }

            @Override
            public boolean differentiable() {
              return maps.differentiable();
            }
          };
      try (LinearDecodeHead head = new LinearDecodeHead(manager, 8, 3, 1, 1)) {
        List<Double> losses =
            HeadTrainer.train(
                head,
                groups,
                train,
                transform,
                counted,
                3,
                new HeadTrainer.Settings(40, 4, 0.01, 0.05, 4, 7),
                manager);
        assertThat(live).hasSize(40).containsOnly(live.get(0));
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(35, 40).stream().mapToDouble(d -> d).average().orElseThrow();
        assertThat(last).isLessThan(0.75 * first);
        for (BackboneParameter p : copy.parameters()) {
          assertThat(p.parameter().getArray().toFloatArray())
              .as(p.name() + " trained")
              .isNotEqualTo(before.get(p.name()));
        }

        int settled = engine.getManagedArrays().size();
        SlideInference inference = new SlideInference(32, 20, 128, 32, true, PATCH, 2);
        SegmentationPair test = scene(99, 32, r);
        int[] pred =
            inference.predict(
                test.image().load(),
                32,
                32,
                head,
                TrainableBlockMaps.inference(copy, backbone.pixelMean(), backbone.pixelStd()),
                manager);
        byte[] truth = test.labels().load().values();
        int hit = 0;
        for (int i = 0; i < pred.length; i++) {
          hit += pred[i] == truth[i] ? 1 : 0;
        }
        assertThat((double) hit / pred.length).isGreaterThan(0.8);
        assertThat(engine.getManagedArrays()).hasSize(settled);
      }
    }
  }
}
