package io.vleval.model.internvl.provider;

import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.model.BackboneShape;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.Model;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.model.internvl.clip.InternVlCgConfig;
import io.vleval.model.internvl.config.InternVitConfig;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code internvl} model: InternViT, InternVL-C/-G and InternVL-Chat checkpoints (or
 * random-weight presets) on DJL's PyTorch engine. Cheap to construct; {@link #capabilities} reads
 * at most the checkpoint's {@code config.json}; {@link #load} loads the weights.
 *
 * <p>Capabilities by checkpoint kind: InternViT alone → image embedding (the CLS token), dense
 * features, block features, a trainable backbone (copies of the InternViT to fine-tune), video
 * embedding (mean of frame embeddings); InternVL-C/-G with {@code head: c} → image and text
 * embedding, video embedding, dense and block features and the trainable backbone of its InternViT;
 * {@code head: g} → the same plus captioning; InternVL-Chat (v1.5+ {@code internvl_chat} and the
 * v1.0 LLaVA-style {@code llava_llama}) → captioning and multiple-choice chat.
 */
public final class InternVlProvider implements ModelProvider<InternVlSpec> {

  /**
   * The reference InternVL-G captioning decoding: 5 beams, 8 to 30 new tokens, length penalty 1.
   */
  public static final GenerationSettings G_CAPTION_SETTINGS = new GenerationSettings(5, 8, 30, 1.0);

  /** The reference InternVL-G captioning prompt. */
  public static final String G_CAPTION_PROMPT = "English caption:";

  static final Set<Class<? extends Capability>> VISION =
      Set.of(
          ImageEmbedder.class,
          DenseFeatureExtractor.class,
          BlockFeatureExtractor.class,
          TrainableBackbone.class,
          VideoEmbedder.class);
  static final Set<Class<? extends Capability>> HEAD_C =
      Set.of(
          ImageEmbedder.class,
          TextEmbedder.class,
          VideoEmbedder.class,
          DenseFeatureExtractor.class,
          BlockFeatureExtractor.class,
          TrainableBackbone.class);
  static final Set<Class<? extends Capability>> HEAD_G =
      Set.of(
          ImageEmbedder.class,
          TextEmbedder.class,
          VideoEmbedder.class,
          DenseFeatureExtractor.class,
          BlockFeatureExtractor.class,
          TrainableBackbone.class,
          CaptionGenerator.class);
  static final Set<Class<? extends Capability>> CHAT =
      Set.of(CaptionGenerator.class, MultipleChoiceChat.class, ImageChat.class);

  @Override
  public String type() {
    return "internvl";
  }

  @Override
  public String description() {
    return "InternVL on PyTorch: InternViT checkpoints (ImageEmbedder, DenseFeatureExtractor, BlockFeatureExtractor, TrainableBackbone, VideoEmbedder), "
        + "InternVL-C/-G (head c: + TextEmbedder; head g: + CaptionGenerator), "
        + "InternVL-Chat v1.0 (llava_llama) and v1.5+ (CaptionGenerator, MultipleChoiceChat, ImageChat); checkpoint or preset required";
  }

  @Override
  public Class<InternVlSpec> specType() {
    return InternVlSpec.class;
  }

  @Override
  public Set<Class<? extends Capability>> capabilities(InternVlSpec spec) {
    return capabilities(kind(spec), spec.head());
  }

  /**
   * InternViT's shape, from the checkpoint's {@code config.json} (its {@code vision_config} for
   * InternVL-C/-G) or the preset, for the kinds that offer {@link BlockFeatureExtractor}; {@code
   * image_size} overrides the input side.
   */
  @Override
  public Optional<BackboneShape> backboneShape(InternVlSpec spec) {
    CheckpointKind kind = kind(spec);
    InternVitConfig vit =
        switch (kind) {
          case VISION ->
              spec.preset() != null
                  ? InternVitConfig.preset(spec.preset())
                  : InternVitConfig.fromJson(spec.checkpoint().resolve("config.json"));
          case CONTRASTIVE ->
              spec.preset() != null
                  ? Presets.tinyInternVl().vision()
                  : InternVlCgConfig.fromJson(spec.checkpoint().resolve("config.json")).vision();
          case CHAT, LLAVA_CHAT -> null;
        };
    if (vit == null) {
      return Optional.empty();
    }
    return Optional.of(
        new BackboneShape(
            vit.numHiddenLayers(),
            vit.hiddenSize(),
            vit.patchSize(),
            spec.imageSize() != null ? spec.imageSize() : vit.imageSize()));
  }

  static CheckpointKind kind(InternVlSpec spec) {
    return spec.preset() != null
        ? Presets.kind(spec.preset())
        : CheckpointKind.of(spec.checkpoint());
  }

  static Set<Class<? extends Capability>> capabilities(
      CheckpointKind kind, InternVlSpec.Head head) {
    return switch (kind) {
      case VISION -> VISION;
      case CONTRASTIVE -> head == InternVlSpec.Head.G ? HEAD_G : HEAD_C;
      case CHAT, LLAVA_CHAT -> CHAT;
    };
  }

  @Override
  public Model load(InternVlSpec spec, PluginContext context) {
    return InternVlModel.load(spec, context);
  }
}
