package io.vleval.training.sft;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.VlevalException;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.checkpoint.CheckpointFiles;
import io.vleval.model.internvl.checkpoint.ConfigJson;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.llm.DecoderConfig;
import io.vleval.model.internvl.provider.Presets;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.training.loop.StageModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An InternVL-Chat being trained. Parameter names: {@code vision_model.<HF key>}, {@code
 * mlp1.<key>}, {@code language_model.<fused internal name>} (see {@code Decoder.parameters});
 * {@link #save} writes the reference key names ({@code language_model.model.tok_embeddings.weight},
 * ...) with an {@code internvl_chat} config.json, which the {@code internvl} provider loads as a
 * chat checkpoint.
 *
 * <p>A new chat model ({@link #withVisionOf}) takes the InternViT of an InternVL-C/-G checkpoint
 * (stage 1/2) as it is, and builds a seeded random InternLM2-family LLM of the requested width and
 * depth (the tiny-chat preset's family, vocabulary, heads and tokenizer) and a random {@code mlp1}.
 * Images are one squashed tile ({@code dynamic_image_size: false}): the tiny tower's 56 px input
 * gives 4 x 4 patches, pixel-shuffled to 4 image tokens.
 */
public final class ChatStageModel implements StageModel {

  private final InternVlChat chat;

  private ChatStageModel(InternVlChat chat) {
    this.chat = chat;
    parameters().values().forEach(a -> a.setRequiresGradient(false));
  }

  /**
   * The architecture of a new tiny chat model around a vision tower.
   *
   * @param vision the InternViT (kept as it is)
   * @param llmHidden the LLM's width (a multiple of 4 heads x 2)
   * @param llmLayers the LLM's depth
   * @return the configuration
   */
  public static ChatConfig architecture(InternVitConfig vision, int llmHidden, int llmLayers) {
    return architecture(vision, llmHidden, llmLayers, vision.imageSize());
  }

  /**
   * As {@link #architecture(InternVitConfig, int, int)}, reading images of another side than the
   * tower was trained at ({@code force_image_size}; InternViT interpolates its position embeddings,
   * as InternVL-Chat does when it raises InternViT from 224 to 448 px).
   *
   * @param vision the InternViT (kept as it is)
   * @param llmHidden the LLM's width (a multiple of 4 heads x 2)
   * @param llmLayers the LLM's depth
   * @param imageSize the side the chat model reads (a multiple of twice the patch size)
   * @return the configuration
   */
  public static ChatConfig architecture(
      InternVitConfig vision, int llmHidden, int llmLayers, int imageSize) {
    DecoderConfig t = Presets.tinyChat().llm();
    int heads = 4;
    int intermediate = ((llmHidden * 11 / 4) + 15) / 16 * 16;
    DecoderConfig llm =
        new DecoderConfig(
            DecoderConfig.Family.INTERNLM2,
            t.vocabSize(),
            llmHidden,
            heads,
            2,
            intermediate,
            llmLayers,
            t.rmsNormEps(),
            t.ropeTheta(),
            t.maxPositionEmbeddings(),
            null,
            1.0,
            t.bosTokenId(),
            t.eosTokenId(),
            t.padTokenId(),
            0,
            0,
            0);
    return new ChatConfig(
        vision, llm, 0.5, "v2", -1, imageSize, "internlm2-chat", 1, 1, false, false);
  }

  /**
   * A new chat model whose vision tower is the one of an InternVL-C/-G (or chat) checkpoint.
   *
   * @param dir the checkpoint folder
   * @param llmHidden the new LLM's width
   * @param llmLayers the new LLM's depth
   * @param seed seeds the new LLM and projector
   * @return the model
   */
  public static ChatStageModel withVisionOf(Path dir, int llmHidden, int llmLayers, long seed) {
    return withVisionOf(dir, llmHidden, llmLayers, null, seed, Device.cpu(), DataType.FLOAT32);
  }

  private static ChatStageModel withVisionOf(
      Path dir,
      int llmHidden,
      int llmLayers,
      Integer imageSize,
      long seed,
      Device device,
      DataType dtype) {
    try (InternVit vit = InternVit.load(dir, device, dtype)) {
      ChatConfig config =
          architecture(
              vit.config(),
              llmHidden,
              llmLayers,
              imageSize == null ? vit.config().imageSize() : imageSize);
      InternVlChat chat = InternVlChat.random(config, seed, device, dtype);
      Map<String, NDArray> target = chat.vit().weights();
      Map<String, NDArray> source = vit.weights();
      if (!target.keySet().equals(source.keySet())) {
        chat.close();
        throw new VlevalException(dir + ": the vision tower's weights do not match its config");
      }
      target.forEach((k, a) -> a.muli(0).addi(source.get(k)));
      return new ChatStageModel(chat);
    }
  }

  /**
   * A new chat model with random weights of the tiny-chat shapes but the given LLM size.
   *
   * @param llmHidden the LLM's width
   * @param llmLayers the LLM's depth
   * @param seed the seed
   * @return the model
   */
  public static ChatStageModel random(int llmHidden, int llmLayers, long seed) {
    return random(llmHidden, llmLayers, seed, Device.cpu());
  }

  /**
   * As {@link #random(int, int, long)}, on a device.
   *
   * @param llmHidden the LLM's width
   * @param llmLayers the LLM's depth
   * @param seed the seed
   * @param device where it trains
   * @return the model
   */
  public static ChatStageModel random(int llmHidden, int llmLayers, long seed, Device device) {
    return random(llmHidden, llmLayers, seed, device, DataType.FLOAT32);
  }

  /**
   * As {@link #random(int, int, long, Device)}, its weights in a compute type.
   *
   * @param llmHidden the LLM's width
   * @param llmLayers the LLM's depth
   * @param seed the seed
   * @param device where it trains
   * @param dtype the weights' type
   * @return the model
   */
  public static ChatStageModel random(
      int llmHidden, int llmLayers, long seed, Device device, DataType dtype) {
    return random(llmHidden, llmLayers, null, seed, device, dtype);
  }

  /**
   * As {@link #random(int, int, long, Device, DataType)}, reading images of a given side.
   *
   * @param llmHidden the LLM's width
   * @param llmLayers the LLM's depth
   * @param imageSize the side it reads (null: the tiny-chat tower's)
   * @param seed the seed
   * @param device where it trains
   * @param dtype the weights' type
   * @return the model
   */
  public static ChatStageModel random(
      int llmHidden, int llmLayers, Integer imageSize, long seed, Device device, DataType dtype) {
    InternVitConfig vision = Presets.tinyChat().vision();
    ChatConfig c =
        architecture(
            vision, llmHidden, llmLayers, imageSize == null ? vision.imageSize() : imageSize);
    return new ChatStageModel(InternVlChat.random(c, seed, device, dtype));
  }

  /**
   * Loads a checkpoint: an InternVL-Chat one as it is, an InternVL-C/-G one through {@link
   * #withVisionOf}.
   *
   * @param dir the folder
   * @param llmHidden the width of a new LLM
   * @param llmLayers the depth of a new LLM
   * @param seed seeds new weights
   * @return the model
   */
  public static ChatStageModel load(Path dir, int llmHidden, int llmLayers, long seed) {
    return load(dir, llmHidden, llmLayers, seed, Device.cpu());
  }

  /**
   * As {@link #load(Path, int, int, long)}, on a device.
   *
   * @param dir the folder
   * @param llmHidden the width of a new LLM
   * @param llmLayers the depth of a new LLM
   * @param seed seeds new weights
   * @param device where it trains
   * @return the model
   */
  public static ChatStageModel load(
      Path dir, int llmHidden, int llmLayers, long seed, Device device) {
    return load(dir, llmHidden, llmLayers, seed, device, DataType.FLOAT32);
  }

  /**
   * As {@link #load(Path, int, int, long, Device)}, its weights in a compute type.
   *
   * @param dir the folder
   * @param llmHidden the width of a new LLM
   * @param llmLayers the depth of a new LLM
   * @param seed seeds new weights
   * @param device where it trains
   * @param dtype the weights' type
   * @return the model
   */
  public static ChatStageModel load(
      Path dir, int llmHidden, int llmLayers, long seed, Device device, DataType dtype) {
    return load(dir, llmHidden, llmLayers, null, seed, device, dtype);
  }

  /**
   * As {@link #load(Path, int, int, long, Device, DataType)}, a new chat model reading images of
   * another side.
   *
   * @param dir the folder
   * @param llmHidden the width of a new LLM
   * @param llmLayers the depth of a new LLM
   * @param imageSize the side a new chat model reads (null: the tower's); must be null or the
   *     checkpoint's for a chat checkpoint
   * @param seed seeds new weights
   * @param device where it trains
   * @param dtype the weights' type
   * @return the model
   */
  public static ChatStageModel load(
      Path dir,
      int llmHidden,
      int llmLayers,
      Integer imageSize,
      long seed,
      Device device,
      DataType dtype) {
    String type;
    try {
      type =
          new ObjectMapper()
              .readTree(Files.readString(dir.resolve("config.json")))
              .path("model_type")
              .asText("");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (ChatConfig.MODEL_TYPE.equals(type)) {
      InternVlChat chat = InternVlChat.load(dir, device, dtype);
      if (imageSize != null && imageSize != chat.config().imageSize()) {
        int had = chat.config().imageSize();
        chat.close();
        throw new VlevalException(
            dir
                + ": a chat checkpoint reads "
                + had
                + " px images; 'image_size' ("
                + imageSize
                + ") applies to a new chat model built from an InternVL-C/-G checkpoint");
      }
      return new ChatStageModel(chat);
    }
    return withVisionOf(dir, llmHidden, llmLayers, imageSize, seed, device, dtype);
  }

  /**
   * @return the chat model
   */
  public InternVlChat chat() {
    return chat;
  }

  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> p = new LinkedHashMap<>();
    chat.vit().weights().forEach((k, a) -> p.put("vision_model." + k, a));
    chat.projectorWeights().forEach((k, a) -> p.put("mlp1." + k, a));
    chat.llm().parameters().forEach((k, a) -> p.put("language_model." + k, a));
    return p;
  }

  @Override
  public int imageSize() {
    return chat.config().imageSize();
  }

  @Override
  public NDManager manager() {
    return chat.manager();
  }

  @Override
  public void save(Path dir) {
    try (NDManager tmp = chat.manager().newSubManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      chat.vit().weights().forEach((k, a) -> t.put("vision_model." + k, a));
      chat.projectorWeights().forEach((k, a) -> t.put("mlp1." + k, a));
      t.putAll(chat.llm().checkpointWeights("language_model.", tmp));
      CheckpointFiles.write(
          dir, ConfigJson.chat(chat.config()), t, Map.of("producer", "vleval train"));
    }
  }

  @Override
  public void close() {
    chat.close();
  }
}
