package io.vleval.model.internvl.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two key-naming schemes InternViT checkpoints use, and how each maps to the canonical
 * (HuggingFace) names of {@link io.vleval.model.internvl.config.InternVitConfig#parameterShapes()}.
 */
public enum CheckpointLayout {
  /**
   * HuggingFace {@code InternVisionModel}: {@code embeddings.*}, {@code encoder.layers.N.*}, {@code
   * ls1}.
   */
  HF("embeddings.class_embedding"),
  /**
   * Plain PyTorch / timm style: {@code cls_token}, {@code pos_embed}, {@code patch_embed.proj.*},
   * {@code blocks.N.*}, {@code ls1.gamma}.
   */
  TIMM("cls_token");

  private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(.+)");

  /** Groups of the plain InternVL-C file that belong to other towers and are skipped. */
  private static final List<String> OTHER_TOWERS =
      List.of(
          "clip_projector.", "clip_projector2.", "transformer.", "text_projection", "logit_scale");

  private final String marker;

  CheckpointLayout(String marker) {
    this.marker = marker;
  }

  /**
   * Converts a key of this layout (prefix removed) to its canonical HF name.
   *
   * @param key the key without prefix
   * @return the canonical name (unchanged for {@link #HF})
   */
  public String toCanonical(String key) {
    if (this == HF) {
      return key;
    }
    switch (key) {
      case "cls_token":
        return "embeddings.class_embedding";
      case "pos_embed":
        return "embeddings.position_embedding";
      case "patch_embed.proj.weight":
        return "embeddings.patch_embedding.weight";
      case "patch_embed.proj.bias":
        return "embeddings.patch_embedding.bias";
      default:
        break;
    }
    Matcher m = BLOCK.matcher(key);
    if (m.matches()) {
      String rest = m.group(2);
      if (rest.equals("ls1.gamma") || rest.equals("ls2.gamma")) {
        rest = rest.substring(0, 3);
      }
      return "encoder.layers." + m.group(1) + "." + rest;
    }
    return key;
  }

  /**
   * Returns whether a key of this layout (prefix removed) belongs to another part of a composite
   * checkpoint and is to be skipped rather than refused.
   *
   * @param key the key without prefix
   * @return true for keys of other towers
   */
  boolean isOtherTower(String key) {
    return this == TIMM && OTHER_TOWERS.stream().anyMatch(key::startsWith);
  }

  /** A detected layout and key prefix. */
  record Detected(CheckpointLayout layout, String prefix) {}

  /**
   * Finds the layout and prefix from the class-token key, which every InternViT checkpoint has.
   *
   * @param keys all checkpoint keys
   * @param source the checkpoint, for messages
   * @return the layout and prefix; the HF layout at the root when no class-token key is found
   * @throws CheckpointMismatchException when several vision towers are found
   */
  static Detected detect(Set<String> keys, String source) {
    List<Detected> found = new ArrayList<>();
    for (String k : keys) {
      for (CheckpointLayout l : values()) {
        if (k.equals(l.marker) || k.endsWith("." + l.marker)) {
          found.add(new Detected(l, k.substring(0, k.length() - l.marker.length())));
        }
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      // no tower at all: compare the whole file with the HF layout, so that the caller lists every
      // missing and every unexpected key
      return new Detected(HF, "");
    }
    Set<String> markers = new TreeSet<>();
    found.forEach(d -> markers.add(d.prefix() + d.layout().marker));
    throw new CheckpointMismatchException(
        source,
        List.of(),
        List.of("several InternViT towers " + markers + "; pass the prefix explicitly"),
        List.of());
  }
}
