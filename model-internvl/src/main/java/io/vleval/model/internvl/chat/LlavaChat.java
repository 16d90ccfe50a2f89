package io.vleval.model.internvl.chat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.checkpoint.Weights;
import io.vleval.model.internvl.llm.Decoder;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.nd.FusedLinear;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.safetensors.TensorSource;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.model.internvl.vision.TensorMismatch;
import io.vleval.preprocess.ImageTransform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * InternVL-Chat v1.0 (INTERNVL.md §4.1, the LLaVA-1.5 codebase): InternViT → {@code
 * hidden_states[mm_vision_select_layer]} → CLS dropped ({@code patch}) → {@code mm_projector}
 * (Linear, then (erf GELU, Linear) × (N − 1)) → the image tokens spliced into the prompt where the
 * {@code <image>} placeholder was → the LLaMA/Vicuna decoder. No pixel shuffle.
 *
 * <p>Checkpoint keys are those of {@code LlavaLlamaForCausalLM.state_dict()}: {@code
 * model.vision_tower.vision_tower.*} (InternViT), {@code model.mm_projector.{0,2,..}.*}, the HF
 * LLaMA keys {@code model.*} and {@code lm_head.weight}. Without {@code model.vision_tower.*} keys
 * the tower's weights are read from the {@code mm_vision_tower} directory, as the reference's
 * {@code load_model} does.
 *
 * <p>Recipe: {@link #tokenize} the templated prompt (the placeholder becomes {@link
 * #IMAGE_TOKEN_INDEX}); per batch open a sub-manager of {@link #manager()}; {@link #encodeImages}
 * the {@link #pixels}; {@link #inputEmbeddings}; then {@link #logits} or a {@link #decoding} state
 * for {@link io.vleval.model.internvl.generation.Generator}.
 */
public final class LlavaChat implements AutoCloseable {

  /** The id that stands for one image in {@link #tokenize}'s output ({@code IMAGE_TOKEN_INDEX}). */
  public static final long IMAGE_TOKEN_INDEX = -200;

  static final String VISION_PREFIX = "model.vision_tower.vision_tower.";
  static final String PROJECTOR_PREFIX = "model.mm_projector.";

  /**
   * {@code tuple(int(x * 255) for x in image_mean)} of the ImageNet mean, as Python computes it:
   * (123, 116, 103).
   */
  static final int[] MEAN_COLOUR = {(int) (0.485 * 255), (int) (0.456 * 255), (int) (0.406 * 255)};

  private final LlavaConfig config;
  private final NDManager manager;
  private final InternVit vit;
  private final Decoder llm;
  private final Weights projector;

  private LlavaChat(
      LlavaConfig config, NDManager manager, InternVit vit, Decoder llm, Weights projector) {
    this.config = config;
    this.manager = manager;
    this.vit = vit;
    this.llm = llm;
    this.projector = projector;
  }

  private static Map<String, long[]> projectorShapes(LlavaConfig c) {
    long in = c.vision().hiddenSize();
    long h = c.llm().hiddenSize();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("0.weight", new long[] {h, in});
    m.put("0.bias", new long[] {h});
    for (int i = 1; i < c.projectorDepth(); i++) {
      m.put(2 * i + ".weight", new long[] {h, h}); // index 2i - 1 is the parameter-free GELU
      m.put(2 * i + ".bias", new long[] {h});
    }
    return m;
  }

  /**
   * Loads a checkpoint directory.
   *
   * @param dir the directory ({@code config.json}, safetensors; the tower directory {@code
   *     mm_vision_tower})
   * @param device where the weights live
   * @return the model
   */
  public static LlavaChat load(Path dir, Device device) {
    return load(dir, device, DataType.FLOAT32);
  }

  /**
   * Loads a checkpoint directory to compute in {@code dtype}.
   *
   * @param dir the directory ({@code config.json}, safetensors; the tower directory {@code
   *     mm_vision_tower})
   * @param device where the weights live
   * @param dtype the compute type, float32 or float16
   * @return the model
   */
  public static LlavaChat load(Path dir, Device device, DataType dtype) {
    LlavaConfig config = LlavaConfig.fromJson(dir);
    try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
      boolean towerInside = tensors.keys().stream().anyMatch(k -> k.startsWith(VISION_PREFIX));
      // the decoder owns every other key: hide the tower's and the projector's from it
      TensorSource decoderKeys =
          TensorSource.filtered(
              tensors, k -> !k.startsWith(VISION_PREFIX) && !k.startsWith(PROJECTOR_PREFIX));
      // every component's differences at once, before any weight is copied
      int visionCount = towerInside ? config.vision().parameterShapes().size() : 0;
      int projectorCount = projectorShapes(config).size();
      int llmCount = config.llm().parameterShapes().size();
      (towerInside ? InternVit.check(config.vision(), tensors, VISION_PREFIX) : TensorMismatch.NONE)
          .plus(Weights.check(tensors, PROJECTOR_PREFIX, projectorShapes(config), k -> false))
          .plus(Decoder.check(config.llm(), decoderKeys, ""))
          .throwIfAny(
              TensorMismatch.describe(tensors),
              "the LLaVA-style InternVL-Chat v1.0 architecture of its config.json, which expects "
                  + (visionCount + projectorCount + llmCount)
                  + " tensors: "
                  + (towerInside
                      ? visionCount + " under " + VISION_PREFIX + " (InternViT), "
                      : "(the vision tower from " + config.visionTowerDir() + ") ")
                  + projectorCount
                  + " under "
                  + PROJECTOR_PREFIX
                  + " (mlp"
                  + config.projectorDepth()
                  + "x_gelu), "
                  + llmCount
                  + " for the "
                  + config.llm().family().name().toLowerCase(Locale.ROOT)
                  + " decoder ("
                  + config.llm().numHiddenLayers()
                  + " layers)");
      InternVit vit =
          towerInside
              ? InternVit.fromTensors(config.vision(), tensors, VISION_PREFIX, device, dtype)
              : InternVit.load(config.visionTowerDir(), device, dtype);
      NDManager m = NDManager.newBaseManager(device, "PyTorch");
      try {
        Weights mlp =
            Weights.load(
                tensors,
                PROJECTOR_PREFIX,
                projectorShapes(config),
                k -> false,
                "the mm_projector (mlp" + config.projectorDepth() + "x_gelu)",
                m);
        Decoder llm = Decoder.load(config.llm(), decoderKeys, "", m);
        mlp.cast(dtype, Set.of());
        llm.cast(dtype);
        return new LlavaChat(config, m, vit, llm, mlp);
      } catch (RuntimeException e) {
        m.close();
        vit.close();
        throw e;
      }
    }
  }

  /**
   * Whether a checkpoint lacks its own vision weights, so that {@link #load} reads them from the
   * {@code mm_vision_tower} directory.
   *
   * @param dir the checkpoint directory
   * @return true when no key starts with {@code model.vision_tower.vision_tower.}
   */
  public static boolean readsTowerFromItsDirectory(Path dir) {
    try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
      return tensors.keys().stream().noneMatch(k -> k.startsWith(VISION_PREFIX));
    }
  }

  /**
   * @return the architecture
   */
  public LlavaConfig config() {
    return config;
  }

  /**
   * @return the manager to open batch sub-managers from
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * @return the language model
   */
  public Decoder llm() {
    return llm;
  }

  /**
   * The vision hidden state at {@code mm_vision_select_layer}, CLS included.
   *
   * @param pixels normalized images {@code [N, 3, S, S]}
   * @return {@code [N, 1 + hw, width]}
   */
  public NDArray selectedHiddenState(NDArray pixels) {
    return vit.forward(pixels, true).hiddenStates().get(config.selectedIndex());
  }

  /**
   * {@code CLIPVisionTower.forward}: the selected hidden state, CLS dropped for {@code patch}.
   *
   * @param pixels normalized images {@code [N, 3, S, S]}
   * @return {@code [N, hw, width]} ({@code [N, 1 + hw, width]} for {@code cls_patch})
   */
  public NDArray selectedFeatures(NDArray pixels) {
    NDArray h = selectedHiddenState(pixels);
    return config.keepCls() ? h : h.get(":, 1:, :");
  }

  /**
   * {@code mm_projector}: Linear, then (erf GELU, Linear) for each further layer.
   *
   * @param features {@link #selectedFeatures} output
   * @return the image tokens {@code [N, T, hidden]}
   */
  public NDArray project(NDArray features) {
    NDArray x = FusedLinear.apply(features, projector.get("0.weight"), projector.get("0.bias"));
    for (int i = 1; i < config.projectorDepth(); i++) {
      x =
          FusedLinear.apply(
              Activation.gelu(x), projector.get(2 * i + ".weight"), projector.get(2 * i + ".bias"));
    }
    return x;
  }

  /**
   * {@code encode_images}: {@link #project} of {@link #selectedFeatures}.
   *
   * @param pixels normalized images {@code [N, 3, S, S]}
   * @return {@code [N, T, hidden]}
   */
  public NDArray encodeImages(NDArray pixels) {
    return project(selectedFeatures(pixels));
  }

  /**
   * {@code process_images} for one image: with {@code image_aspect_ratio: pad}, {@link
   * #expandToSquare} with the ImageNet mean colour; then CLIPImageProcessor (shortest edge and
   * centre crop {@code size}, bicubic, ImageNet mean/std).
   *
   * @param image the image
   * @param size the crop side ({@link LlavaConfig#imageSize()} unless overridden)
   * @return channel-first {@code float[3 * size * size]}
   */
  public float[] pixels(RgbImage image, int size) {
    ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.CLIP_IMAGE_PROCESSOR, size);
    if (config.padToSquare()) {
      image = expandToSquare(image, MEAN_COLOUR);
    }
    return t.apply(image);
  }

  /**
   * The reference's {@code expand2square}: a square of the longer side filled with {@code colour},
   * the image pasted centred ({@code (long - short) // 2}) along the shorter side.
   *
   * @param image the image
   * @param colour R, G, B in 0..255
   * @return the square image (the same object when already square)
   */
  public static RgbImage expandToSquare(RgbImage image, int[] colour) {
    int w = image.width();
    int h = image.height();
    if (w == h) {
      return image;
    }
    int side = Math.max(w, h);
    byte[] out = new byte[side * side * 3];
    for (int i = 0; i < side * side; i++) {
      for (int c = 0; c < 3; c++) {
        out[i * 3 + c] = (byte) colour[c];
      }
    }
    int left = w > h ? 0 : (h - w) / 2;
    int top = w > h ? (w - h) / 2 : 0;
    for (int y = 0; y < h; y++) {
      System.arraycopy(image.rgb(), y * w * 3, out, ((top + y) * side + left) * 3, w * 3);
    }
    return new RgbImage(side, side, out);
  }

  /**
   * {@code tokenizer_image_token}: the prompt split at {@code <image>}, each piece tokenized on its
   * own with the tokenizer's special tokens (an empty piece is {@code [bos]}), the first piece's
   * BOS kept once, every piece's first token dropped when the first piece starts with BOS, and
   * {@link #IMAGE_TOKEN_INDEX} between the pieces.
   *
   * @param tokenizer the tokenizer
   * @param prompt the templated prompt
   * @param bos the BOS id
   * @return the ids, one {@link #IMAGE_TOKEN_INDEX} per placeholder
   */
  public static long[] tokenize(TextTokenizer tokenizer, String prompt, long bos) {
    List<long[]> chunks = new ArrayList<>();
    for (String piece : prompt.split("<image>", -1)) {
      chunks.add(piece.isEmpty() ? new long[] {bos} : tokenizer.encode(piece, true));
    }
    List<Long> ids = new ArrayList<>();
    int offset = 0;
    if (chunks.get(0).length > 0 && chunks.get(0)[0] == bos) {
      offset = 1;
      ids.add(bos);
    }
    for (int i = 0; i < chunks.size(); i++) {
      if (i > 0) {
        ids.add(
            IMAGE_TOKEN_INDEX); // the separator [IMAGE] * (offset + 1), cut by offset like every
        // piece
      }
      long[] x = chunks.get(i);
      for (int j = offset; j < x.length; j++) {
        ids.add(x[j]);
      }
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * {@code prepare_inputs_labels_for_multimodal} for one sample: the token embeddings with every
   * {@link #IMAGE_TOKEN_INDEX} replaced by the next image's tokens, so the sequence grows by {@code
   * T - 1} per image.
   *
   * @param ids prompt ids of one sample
   * @param images {@link #encodeImages} output {@code [N, T, hidden]}, one image per placeholder in
   *     order, or null
   * @param batch the manager for the result
   * @return {@code [1, L + N (T - 1), hidden]}
   */
  public NDArray inputEmbeddings(long[] ids, NDArray images, NDManager batch) {
    int markers = 0;
    long[] text = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      boolean image = ids[i] == IMAGE_TOKEN_INDEX;
      markers += image ? 1 : 0;
      text[i] = image ? 0 : ids[i]; // the placeholder's own row is never used
    }
    long n = images == null ? 0 : images.getShape().get(0);
    if (markers != n) {
      throw new IllegalArgumentException(
          "the prompt has " + markers + " <image> placeholders but " + n + " images");
    }
    NDArray embedded = llm.embed(new long[][] {text}, batch).reshape(ids.length, -1);
    if (markers == 0) {
      return embedded.reshape(1, ids.length, -1);
    }
    long t = images.getShape().get(1);
    NDArray table =
        NDArrays.concat(
            new NDList(embedded, images.reshape(n * t, -1).toDevice(embedded.getDevice(), false)),
            0);
    long[] pick = new long[Math.toIntExact(ids.length + markers * (t - 1))];
    int at = 0;
    int image = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == IMAGE_TOKEN_INDEX) {
        for (int j = 0; j < t; j++) {
          pick[at++] = ids.length + image * t + j;
        }
        image++;
      } else {
        pick[at++] = i;
      }
    }
    NDArray index = batch.create(pick).toDevice(table.getDevice(), false);
    return table.get(new NDIndex("{}", index)).reshape(1, pick.length, -1);
  }

  /**
   * The LLM's logits for every position (causal mask, positions {@code 0..L-1}).
   *
   * @param embeddings {@code [1, L, hidden]}
   * @return {@code [1, L, vocab]}
   */
  public NDArray logits(NDArray embeddings) {
    int l = (int) embeddings.getShape().get(1);
    long[][] pos = {positions(l)};
    return llm.logits(
        llm.forward(embeddings, pos, Decoder.causalMask(1, l, 0, null, 0), null, null));
  }

  /**
   * A decoding state continuing a prompt.
   *
   * @param embeddings {@link #inputEmbeddings} output
   * @param useCache whether to decode with the key/value cache
   * @param parent the manager the state hangs from
   * @return the state; close it
   */
  public PromptDecoding decoding(NDArray embeddings, boolean useCache, NDManager parent) {
    return new PromptDecoding(
        llm, embeddings, positions((int) embeddings.getShape().get(1)), 0, null, useCache, parent);
  }

  private static long[] positions(int l) {
    long[] pos = new long[l];
    for (int i = 0; i < l; i++) {
      pos[i] = i;
    }
    return pos;
  }

  /** Releases every weight. */
  @Override
  public void close() {
    manager.close();
    vit.close();
  }
}
