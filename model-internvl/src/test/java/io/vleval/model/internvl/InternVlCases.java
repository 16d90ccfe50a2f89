package io.vleval.model.internvl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.clip.InternVlCgConfig;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.safetensors.SafetensorsFile;
import io.vleval.testkit.FixtureCases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The InternVL golden cases under the fixture root's {@code internvl/}, one per folder, sorted into
 * kinds by what they contain: the {@code model_type} and {@code architectures} of {@code
 * config.json}, the tensors of {@code inputs.safetensors} and {@code expected.safetensors}, and the
 * stored type of the weights. Folder names never matter. A folder that is no case of a known kind
 * fails discovery (so no case goes untested), and a kind with no case fails its tests (see {@link
 * FixtureCases}).
 */
public final class InternVlCases {

  private static final String AREA = "internvl";

  private InternVlCases() {}

  /** What a case holds, and the tensors that make a folder a case of it. */
  public enum Kind {
    /** A stand-alone InternViT ({@code model_type: intern_vit_6b}, {@code InternVisionModel}). */
    VISION(
        "internvl/vision",
        InternVitConfig.MODEL_TYPE,
        "InternVisionModel",
        Set.of("pixel_values"),
        Set.of("last_hidden_state", "pooler_output")),
    /** InternVL-C and -G from one checkpoint ({@code model_type: internvl}). */
    CONTRASTIVE(
        "internvl/contrastive",
        InternVlCgConfig.MODEL_TYPE,
        "InternVLModel",
        Set.of("pixel_values", "text_input_ids"),
        Set.of("vision_last_hidden_state", "image_embeds_c", "text_embeds")),
    /** InternVL-Chat, v1.5 layout ({@code model_type: internvl_chat}). */
    CHAT(
        "internvl/chat",
        ChatConfig.MODEL_TYPE,
        "InternVLChatModel",
        Set.of("pixel_values", "input_ids", "img_context_token_id"),
        Set.of("vit_embeds", "inputs_embeds", "logits", "next_token_logits"));

    private final String id;
    private final String modelType;
    private final String architecture;
    private final Set<String> inputs;
    private final Set<String> expected;

    Kind(
        String id,
        String modelType,
        String architecture,
        Set<String> inputs,
        Set<String> expected) {
      this.id = id;
      this.modelType = modelType;
      this.architecture = architecture;
      this.inputs = inputs;
      this.expected = expected;
    }

    /**
     * @return the kind's name in messages and in a root's {@code absent-kinds.txt}
     */
    public String id() {
      return id;
    }
  }

  /**
   * One case folder.
   *
   * @param name the folder's name
   * @param dir the folder ({@code config.json}, {@code model.safetensors}, {@code
   *     inputs.safetensors}, {@code expected.safetensors})
   * @param kind what it holds
   * @param config its {@code config.json}
   * @param weightTypes the stored types of its weights ({@code F32}, {@code F16}, {@code BF16})
   * @param inputs the names of its input tensors
   * @param expected the names of its expected tensors
   */
  public record Case(
      String name,
      Path dir,
      Kind kind,
      JsonNode config,
      Set<String> weightTypes,
      Set<String> inputs,
      Set<String> expected) {

    /**
     * @return whether it holds the inputs and references of InternVL-G's first captioning step
     */
    public boolean hasCaptioning() {
      return inputs.contains("caption_prefix_ids")
          && inputs.contains("caption_attention_mask")
          && expected.contains("caption_logits");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * @return every case of the root, each classified; fails on a folder that is no case of a known
   *     kind
   */
  public static List<Case> all() {
    FixtureCases root = FixtureCases.of();
    List<Case> cases = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path dir : root.folders(AREA)) {
      try {
        cases.add(classify(dir));
      } catch (IllegalArgumentException e) {
        problems.add(root.relative(dir) + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "folders under "
              + root.area(AREA)
              + " that are no InternVL case the tests check:\n  "
              + String.join("\n  ", problems));
    }
    return cases;
  }

  /**
   * @param kind a kind
   * @return its cases; fails when there is none (unless the root declares the kind absent)
   */
  public static List<Case> of(Kind kind) {
    return of(kind, c -> true, kind.id());
  }

  /**
   * @param kind a kind
   * @param filter which of its cases a test can use
   * @param what the name of that subset, for the message when it is empty
   * @return the cases of the kind that pass the filter; fails when there is none
   */
  public static List<Case> of(Kind kind, Predicate<Case> filter, String what) {
    return FixtureCases.of()
        .require(what, all().stream().filter(c -> c.kind() == kind).filter(filter).toList());
  }

  /**
   * Sorts one folder into its kind.
   *
   * @param dir a case folder
   * @return the case
   * @throws IllegalArgumentException saying why the folder is no case of a known kind
   */
  public static Case classify(Path dir) {
    Path configFile = dir.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new IllegalArgumentException("no config.json");
    }
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(configFile.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String modelType = config.path("model_type").asText();
    Kind kind = null;
    for (Kind k : Kind.values()) {
      if (k.modelType.equals(modelType)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException(
          "config.json has model_type '" + modelType + "', not one of " + modelTypes());
    }
    JsonNode architectures = config.path("architectures");
    if (architectures.isArray() && !architectures.isEmpty()) {
      String first = architectures.get(0).asText();
      if (!first.equals(kind.architecture)) {
        throw new IllegalArgumentException(
            "config.json has model_type '"
                + modelType
                + "' but architectures "
                + architectures
                + ", expected "
                + kind.architecture);
      }
    }
    Set<String> weightTypes = new TreeSet<>();
    try (SafetensorsFile weights = SafetensorsFile.open(require(dir, "model.safetensors"))) {
      for (String key : weights.keys()) {
        weightTypes.add(weights.info(key).dtype().name());
      }
    }
    Set<String> inputs = keys(require(dir, "inputs.safetensors"));
    Set<String> expected = keys(require(dir, "expected.safetensors"));
    if (!inputs.containsAll(kind.inputs) || !expected.containsAll(kind.expected)) {
      throw new IllegalArgumentException(
          "kind "
              + kind.id
              + " needs inputs "
              + new TreeSet<>(kind.inputs)
              + " and expected tensors "
              + new TreeSet<>(kind.expected)
              + "; it has inputs "
              + inputs
              + " and expected tensors "
              + expected);
    }
    return new Case(dir.getFileName().toString(), dir, kind, config, weightTypes, inputs, expected);
  }

  private static Path require(Path dir, String file) {
    Path path = dir.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no " + file);
    }
    return path;
  }

  private static Set<String> keys(Path file) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return new TreeSet<>(f.keys());
    }
  }

  private static List<String> modelTypes() {
    return List.of(Kind.values()).stream().map(k -> k.modelType).toList();
  }
}
