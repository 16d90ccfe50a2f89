package io.vleval.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.datasets.synth.SyntheticDatasetProvider.Part;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.text.ClipText;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.training.data.Examples;
import io.vleval.training.data.ImagePixels;
import io.vleval.training.data.ImageText;
import io.vleval.training.data.StageData;
import io.vleval.training.stage.CgStageModel;
import io.vleval.training.stage.GenerativeObjective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Stage 2's joint ITC/ITG pass must give row {@code i} (ITC) and row {@code B + i} (ITG) image
 * {@code i}. Its ITC part is recomputed here from the public inference path ({@code
 * clip_projector2(queryOutputs(vision))} against {@code textEmbeds}); the two agree only when every
 * ITC row cross-attends to its own image (in ITC rows the queries never see the text, and RoPE
 * makes the text's shift by {@code num_query_token} positions irrelevant). The stacking was once
 * {@code vision.repeat(0, 2)}, which DJL (like numpy) repeats element-wise — row {@code i} got
 * image {@code i / 2} — and stage 2 could not learn.
 */
class GenerativePairingTest {

  @Test
  void itcRowsCrossAttendToTheirOwnImage() {
    // 8 images with distinct single captions: no caption draw, one positive per row
    int size = Training.imageSize();
    ImagePixels pixels = new ImagePixels(size, 0);
    List<ImageText> picked = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (CaptionedImage c :
        SyntheticData.samples(Part.CAPTIONS_TRAIN, CaptionedImage.class, null)) {
      if (picked.size() < 8 && seen.add(c.captions().get(0))) {
        picked.add(new ImageText(c.id(), c.image(), null, List.of(List.of(c.captions().get(0)))));
      }
    }
    StageData data = StageData.ofImages(Examples.indexed(picked), pixels);
    int b = picked.size();
    Path stage1 = Path.of("..", "models", "tiny-internvl-c").toAbsolutePath().normalize();
    try (TextTokenizer tokenizer = Training.tinyTokenizer();
        CgStageModel model = CgStageModel.load(stage1, 0);
        NDManager batch = model.manager().newSubManager()) {
      InternVlCg cg = model.cg();
      int[] samples = new int[b];
      for (int i = 0; i < b; i++) {
        samples[i] = i;
      }
      Map<String, Float> parts = new HashMap<>();
      new GenerativeObjective(model, tokenizer, data, 0).loss(samples, 0, batch, parts);

      int n = 3 * size * size;
      float[] flat = new float[b * n];
      List<String> captions = new ArrayList<>();
      for (int i = 0; i < b; i++) {
        System.arraycopy(pixels.of(picked.get(i).image()), 0, flat, i * n, n);
        captions.add(picked.get(i).primaryCaptions().get(0));
      }
      NDArray vision = cg.vision(batch.create(flat, new Shape(b, 3, size, size)));
      NDArray img = InternVlCg.normalize(cg.clipProjector2().forward(cg.queryOutputs(vision)));
      long[][] ids =
          ClipText.encode(
              tokenizer,
              captions,
              cg.config().qllama().bosTokenId(),
              cg.config().qllama().eosTokenId());
      NDArray txt = InternVlCg.normalize(cg.textEmbeds(cg.textHidden(ids, batch), ids));
      NDArray scale = cg.headWeights().get("logit_scale").exp();
      scale.attach(batch);
      NDArray sim = img.matMul(txt.transpose()).mul(scale);
      NDArray eye = batch.eye(b);
      float i2t = sim.logSoftmax(1).mul(eye).sum().neg().getFloat() / b;
      float t2i = sim.transpose().logSoftmax(1).mul(eye).sum().neg().getFloat() / b;

      assertThat(parts.get("itc")).isCloseTo((i2t + t2i) / 2, within(1e-4f));
    }
  }
}
