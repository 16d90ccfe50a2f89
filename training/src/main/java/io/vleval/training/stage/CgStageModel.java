package io.vleval.training.stage;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.vleval.model.internvl.checkpoint.CheckpointFiles;
import io.vleval.model.internvl.checkpoint.ConfigJson;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.clip.InternVlCgConfig;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.training.loop.StageModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * An InternVL-C/-G being trained, plus the {@code itm_head} (Linear(hidden → 2)) that stage 2
 * trains and inference never uses. Parameter names: {@code vision_model.<HF key>}, {@code
 * qllama.<fused internal name>} (see {@code Decoder.parameters}), {@code clip_projector[2].<key>},
 * {@code query_tokens}, {@code text_projection}, {@code logit_scale}, {@code
 * itm_head.{weight,bias}}. {@link #save} writes the reference key names.
 */
public final class CgStageModel implements StageModel {

  private final InternVlCg cg;
  private final NDManager itmManager;
  private final Map<String, NDArray> itm;

  private CgStageModel(InternVlCg cg, Map<String, NDArray> itm, NDManager itmManager) {
    this.cg = cg;
    this.itm = itm;
    this.itmManager = itmManager;
    parameters().values().forEach(a -> a.setRequiresGradient(false));
  }

  /**
   * A model with seeded random weights.
   *
   * @param config the architecture
   * @param seed the seed
   * @return the model
   */
  public static CgStageModel random(InternVlCgConfig config, long seed) {
    return random(config, seed, Device.cpu());
  }

  /**
   * A model with seeded random weights on a device.
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where it trains
   * @return the model
   */
  public static CgStageModel random(InternVlCgConfig config, long seed, Device device) {
    return random(config, seed, device, DataType.FLOAT32);
  }

  /**
   * A model with seeded random weights on a device, its weights in a compute type (float16 for
   * mixed precision: the loop keeps float32 masters).
   *
   * @param config the architecture
   * @param seed the seed
   * @param device where it trains
   * @param dtype the weights' type
   * @return the model
   */
  public static CgStageModel random(
      InternVlCgConfig config, long seed, Device device, DataType dtype) {
    InternVlCg cg = InternVlCg.random(config, seed, device, dtype);
    return withItm(cg, null, seed, dtype);
  }

  /**
   * Loads a checkpoint (with its {@code itm_head} when it has one, else a new random one).
   *
   * @param dir the folder
   * @param seed seeds a new {@code itm_head}
   * @return the model
   */
  public static CgStageModel load(Path dir, long seed) {
    return load(dir, seed, Device.cpu());
  }

  /**
   * Loads a checkpoint onto a device (with its {@code itm_head} when it has one, else a new random
   * one).
   *
   * @param dir the folder
   * @param seed seeds a new {@code itm_head}
   * @param device where it trains
   * @return the model
   */
  public static CgStageModel load(Path dir, long seed, Device device) {
    return load(dir, seed, device, DataType.FLOAT32);
  }

  /**
   * As {@link #load(Path, long, Device)}, its weights in a compute type.
   *
   * @param dir the folder
   * @param seed seeds a new {@code itm_head}
   * @param device where it trains
   * @param dtype the weights' type
   * @return the model
   */
  public static CgStageModel load(Path dir, long seed, Device device, DataType dtype) {
    InternVlCg cg = InternVlCg.load(dir, device, dtype);
    return withItm(cg, dir, seed, dtype);
  }

  private static CgStageModel withItm(InternVlCg cg, Path dir, long seed, DataType dtype) {
    NDManager m = cg.manager().newSubManager();
    int h = cg.config().qllama().hiddenSize();
    Map<String, NDArray> itm = new LinkedHashMap<>();
    boolean loaded = false;
    if (dir != null) {
      try (SafetensorsCheckpoint t = SafetensorsCheckpoint.open(dir)) {
        if (t.keys().contains("itm_head.weight") && t.keys().contains("itm_head.bias")) {
          itm.put("itm_head.weight", t.toNDArray("itm_head.weight", m));
          itm.put("itm_head.bias", t.toNDArray("itm_head.bias", m));
          loaded = true;
        }
      }
    }
    if (!loaded) {
      SplittableRandom rng = new SplittableRandom(seed + 5);
      float[] w = new float[2 * h];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (rng.nextGaussian() * 0.02);
      }
      itm.put("itm_head.weight", m.create(w, new Shape(2, h)));
      itm.put("itm_head.bias", m.zeros(new Shape(2)));
    }
    itm.replaceAll((k, a) -> Precision.castWeight(a, dtype, k));
    return new CgStageModel(cg, itm, m);
  }

  /**
   * @return the InternVL-C/-G model
   */
  public InternVlCg cg() {
    return cg;
  }

  /**
   * @return the ITM head's weight {@code [2, hidden]} and bias {@code [2]}
   */
  public Map<String, NDArray> itmHead() {
    return itm;
  }

  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> p = new LinkedHashMap<>();
    cg.vit().weights().forEach((k, a) -> p.put("vision_model." + k, a));
    cg.qllama().parameters().forEach((k, a) -> p.put("qllama." + k, a));
    cg.clipProjector().weights().forEach((k, a) -> p.put("clip_projector." + k, a));
    cg.clipProjector2().weights().forEach((k, a) -> p.put("clip_projector2." + k, a));
    p.putAll(cg.headWeights());
    p.putAll(itm);
    return p;
  }

  @Override
  public int imageSize() {
    return cg.config().vision().imageSize();
  }

  @Override
  public NDManager manager() {
    return cg.manager();
  }

  @Override
  public void save(Path dir) {
    try (NDManager tmp = cg.manager().newSubManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      cg.vit().weights().forEach((k, a) -> t.put("vision_model." + k, a));
      t.putAll(cg.qllama().checkpointWeights("qllama.", tmp));
      cg.clipProjector().weights().forEach((k, a) -> t.put("clip_projector." + k, a));
      cg.clipProjector2().weights().forEach((k, a) -> t.put("clip_projector2." + k, a));
      t.putAll(cg.headWeights());
      t.putAll(itm);
      CheckpointFiles.write(
          dir, ConfigJson.internVl(cg.config()), t, Map.of("producer", "vleval train"));
    }
  }

  @Override
  public void close() {
    itmManager.close();
    cg.close();
  }
}
