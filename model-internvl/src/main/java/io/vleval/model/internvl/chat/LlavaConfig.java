package io.vleval.model.internvl.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.config.JsonFields;
import io.vleval.model.internvl.config.ModelConfigException;
import io.vleval.model.internvl.config.NormType;
import io.vleval.model.internvl.llm.DecoderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The architecture of an InternVL-Chat v1.0 checkpoint, the paper's LLaVA-1.5-codebase models
 * ({@code model_type: llava_llama}, INTERNVL.md §4.1): the LLaMA/Vicuna fields at the top level
 * plus LLaVA's {@code mm_*} fields; the vision tower's own config.json is read from {@code
 * mm_vision_tower}.
 *
 * @param vision the InternViT, from {@code <mm_vision_tower>/config.json}
 * @param llm the LLaMA decoder (the top-level LLaMA fields)
 * @param visionTower {@code mm_vision_tower} as written in the file
 * @param visionTowerDir that directory, resolved against the checkpoint directory when relative
 * @param selectLayer {@code mm_vision_select_layer}: a Python index into [embeddings, layer 1..L]
 *     (v1.0: -4)
 * @param keepCls {@code mm_vision_select_feature}: false for {@code patch} (CLS dropped), true for
 *     {@code cls_patch}
 * @param projectorDepth N of {@code mm_projector_type: mlpNx_gelu} (v1.0: 2)
 * @param padToSquare {@code image_aspect_ratio: pad}: pad with the mean colour before resizing
 * @param imageSize the crop side: 448 when the tower name contains "448", else 336, as the
 *     reference's {@code CLIPVisionTower.load_model} decides
 */
public record LlavaConfig(
    InternVitConfig vision,
    DecoderConfig llm,
    String visionTower,
    Path visionTowerDir,
    int selectLayer,
    boolean keepCls,
    int projectorDepth,
    boolean padToSquare,
    int imageSize) {

  /**
   * The {@code model_type} of these checkpoints ({@code LlavaConfig} in {@code llava_llama.py}).
   */
  public static final String MODEL_TYPE = "llava_llama";

  /** The conversation template the v1.0 evaluation scripts pass ({@code --conv-mode vicuna_v1}). */
  public static final String TEMPLATE = "vicuna_v1";

  private static final Pattern MLP_GELU = Pattern.compile("mlp(\\d+)x_gelu");
  // clip_encoder.py: is_intern_vit_6b_model / is_internvl_14b_model
  private static final List<String> INTERN_VIT_NAMES =
      List.of("intern_vit_6b", "internvit_6b", "InternViT-6B", "internvit6b");
  private static final List<String> INTERNVL_14B_NAMES =
      List.of("internvl_14b", "intern_vl_14b", "InternVL-14B", "internvl14b");

  /**
   * Reads a checkpoint's config.json and its vision tower's.
   *
   * @param checkpoint the checkpoint directory
   * @return the configuration
   * @throws ModelConfigException naming the file and every wrong field
   */
  public static LlavaConfig fromJson(Path checkpoint) {
    Path file = checkpoint.resolve("config.json");
    JsonNode root = JsonFields.read(file);
    String source = file.toString();
    if (root == null || !root.isObject()) {
      throw new ModelConfigException(source, List.of("not a JSON object"));
    }
    List<String> p = new ArrayList<>();
    JsonFields f = new JsonFields(root, p);
    String type = f.text("model_type", "");
    if (!MODEL_TYPE.equals(type)) {
      p.add("field 'model_type' = '" + type + "'; expected '" + MODEL_TYPE + "'");
    }
    String tower = f.text("mm_vision_tower", null);
    Path towerDir = null;
    if (tower == null) {
      p.add("field 'mm_vision_tower' is missing; it names the InternViT directory");
    } else if (INTERNVL_14B_NAMES.stream().anyMatch(tower::contains)) {
      p.add(
          "field 'mm_vision_tower' = '"
              + tower
              + "' is an InternVL-14B tower (queries + TwoMLP), which is not supported");
    } else if (INTERN_VIT_NAMES.stream().noneMatch(tower::contains)) {
      p.add(
          "field 'mm_vision_tower' = '"
              + tower
              + "'; the reference loads InternViT only for a name containing one of "
              + INTERN_VIT_NAMES
              + " (CLIP and EVA towers are not supported)");
    } else {
      towerDir = checkpoint.resolve(tower).normalize();
      if (!Files.isRegularFile(towerDir.resolve("config.json"))) {
        p.add(
            "field 'mm_vision_tower' = '"
                + tower
                + "': no "
                + towerDir.resolve("config.json")
                + " (a relative tower is resolved against the checkpoint directory)");
        towerDir = null;
      }
    }
    String projector = f.text("mm_projector_type", "linear");
    Matcher mlp = MLP_GELU.matcher(projector);
    int depth = 0;
    if (!mlp.matches() || Integer.parseInt(mlp.group(1)) < 1) {
      p.add(
          "field 'mm_projector_type' = '"
              + projector
              + "'; only 'mlpNx_gelu' (v1.0: 'mlp2x_gelu') is supported");
    } else {
      depth = Integer.parseInt(mlp.group(1));
    }
    if (!f.has("mm_vision_select_layer")) {
      p.add("field 'mm_vision_select_layer' is missing (v1.0: -4)");
    }
    int select = f.integer("mm_vision_select_layer", -4);
    String feature = f.text("mm_vision_select_feature", "patch");
    if (!feature.equals("patch") && !feature.equals("cls_patch")) {
      p.add(
          "field 'mm_vision_select_feature' = '" + feature + "'; expected 'patch' or 'cls_patch'");
    }
    String aspect = f.text("image_aspect_ratio", "square");
    if (!aspect.equals("pad") && !aspect.equals("square")) {
      p.add("field 'image_aspect_ratio' = '" + aspect + "'; expected 'pad' or 'square'");
    }
    if (f.bool("mm_use_im_start_end", false)) {
      p.add(
          "field 'mm_use_im_start_end' = true; image start/end tokens are not supported (v1.0: false)");
    }
    if (f.bool("tie_word_embeddings", false)) {
      p.add("field 'tie_word_embeddings' = true; LLaMA/Vicuna has an untied lm_head");
    }
    Integer mmHidden = f.has("mm_hidden_size") ? f.integer("mm_hidden_size", 0) : null;
    if (mmHidden == null) {
      p.add("field 'mm_hidden_size' is missing; it is the InternViT width the projector reads");
    }
    if (!p.isEmpty()) {
      throw new ModelConfigException(source, p);
    }
    InternVitConfig vision = InternVitConfig.fromJson(towerDir.resolve("config.json"));
    ObjectNode llmNode = ((ObjectNode) root).deepCopy();
    llmNode.put("model_type", "llama"); // LlavaConfig is a LlamaConfig
    DecoderConfig llm = DecoderConfig.fromJson(llmNode, source, false, 0, null, null);
    if (vision.normType() != NormType.RMS_NORM) {
      p.add(
          "the vision tower "
              + towerDir.resolve("config.json")
              + " asks for norm_type '"
              + vision.normType().configName()
              + "', but the v1.0 InternViT (llava/.../intern_vit_6b) has RMSNorm only");
    }
    if (mmHidden != vision.hiddenSize()) {
      p.add(
          "field 'mm_hidden_size' = "
              + mmHidden
              + " but the vision tower's hidden_size is "
              + vision.hiddenSize());
    }
    int states = vision.numHiddenLayers() + 1;
    if (select >= states || select < -states) {
      p.add(
          "field 'mm_vision_select_layer' = "
              + select
              + " is outside the "
              + states
              + " hidden states of the tower");
    }
    if (!p.isEmpty()) {
      throw new ModelConfigException(source, p);
    }
    return new LlavaConfig(
        vision,
        llm,
        tower,
        towerDir,
        select,
        feature.equals("cls_patch"),
        depth,
        aspect.equals("pad"),
        tower.contains("448") ? 448 : 336);
  }

  /**
   * @return the index of the selected hidden state in [embeddings, layer 1..L]
   */
  public int selectedIndex() {
    return selectLayer < 0 ? vision.numHiddenLayers() + 1 + selectLayer : selectLayer;
  }
}
