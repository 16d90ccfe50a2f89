package io.vleval.model.internvl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The architecture of one InternViT, with the field names and defaults of the reference {@code
 * InternVisionConfig} (the {@code internvl_chat} copy, which adds {@code norm_type}).
 *
 * <p>Instances are always consistent: the constructor refuses, naming every offending field, a
 * hidden size not divisible by the head count, an image size not divisible by the patch size,
 * non-positive sizes, an activation other than exact {@code gelu}, a non-positive epsilon or a rate
 * outside [0, 1).
 *
 * @param numChannels {@code num_channels}, input channels (3)
 * @param patchSize {@code patch_size}, the square patch side in pixels
 * @param imageSize {@code image_size}, the pre-training resolution that sizes the position
 *     embedding
 * @param qkvBias {@code qkv_bias}, whether the fused qkv projection has a bias
 * @param hiddenSize {@code hidden_size}, the width C
 * @param numAttentionHeads {@code num_attention_heads}
 * @param intermediateSize {@code intermediate_size}, the MLP width
 * @param qkNormalization {@code qk_normalization}, RMSNorm over all heads of q and of k jointly
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param hiddenAct {@code hidden_act}; only exact-erf {@code gelu} is supported
 * @param normType {@code norm_type}
 * @param layerNormEps {@code layer_norm_eps}, for norm1/norm2 and the QK norms
 * @param dropout {@code dropout}, after the attention projection (training only)
 * @param attentionDropout {@code attention_dropout}, on attention weights (training only)
 * @param dropPathRate {@code drop_path_rate}, stochastic depth rising linearly to this value
 * @param initializerRange {@code initializer_range}, std of freshly initialized weights
 * @param initializerFactor {@code initializer_factor}, initial LayerScale value
 */
public record InternVitConfig(
    int numChannels,
    int patchSize,
    int imageSize,
    boolean qkvBias,
    int hiddenSize,
    int numAttentionHeads,
    int intermediateSize,
    boolean qkNormalization,
    int numHiddenLayers,
    String hiddenAct,
    NormType normType,
    double layerNormEps,
    double dropout,
    double attentionDropout,
    double dropPathRate,
    double initializerRange,
    double initializerFactor) {

  /** The {@code model_type} of a stand-alone InternViT config. */
  public static final String MODEL_TYPE = "intern_vit_6b";

  private static final Map<String, InternVitConfig> PRESETS = presets();

  /** Validates the fields; see the class comment. */
  public InternVitConfig {
    List<String> problems =
        validate(
            numChannels,
            patchSize,
            imageSize,
            hiddenSize,
            numAttentionHeads,
            intermediateSize,
            numHiddenLayers,
            hiddenAct,
            normType,
            layerNormEps,
            dropout,
            attentionDropout,
            dropPathRate);
    if (!problems.isEmpty()) {
      throw new InternVitConfigException("InternViT config", problems);
    }
  }

  private static List<String> validate(
      int numChannels,
      int patchSize,
      int imageSize,
      int hiddenSize,
      int numAttentionHeads,
      int intermediateSize,
      int numHiddenLayers,
      String hiddenAct,
      NormType normType,
      double layerNormEps,
      double dropout,
      double attentionDropout,
      double dropPathRate) {
    List<String> p = new ArrayList<>();
    positive(p, "num_channels", numChannels);
    positive(p, "patch_size", patchSize);
    positive(p, "image_size", imageSize);
    positive(p, "hidden_size", hiddenSize);
    positive(p, "num_attention_heads", numAttentionHeads);
    positive(p, "intermediate_size", intermediateSize);
    positive(p, "num_hidden_layers", numHiddenLayers);
    if (hiddenSize > 0 && numAttentionHeads > 0 && hiddenSize % numAttentionHeads != 0) {
      p.add(
          "field 'hidden_size' = "
              + hiddenSize
              + " is not divisible by num_attention_heads = "
              + numAttentionHeads
              + "; expected a multiple of it");
    }
    if (imageSize > 0 && patchSize > 0 && imageSize % patchSize != 0) {
      p.add(
          "field 'image_size' = "
              + imageSize
              + " is not divisible by patch_size = "
              + patchSize
              + "; expected a multiple of it");
    }
    if (!"gelu".equals(hiddenAct)) {
      p.add(
          "field 'hidden_act' = '"
              + hiddenAct
              + "'; expected 'gelu' (exact erf GELU, the only one InternViT uses)");
    }
    if (normType == null) {
      p.add("field 'norm_type' is null; expected 'rms_norm' or 'layer_norm'");
    }
    if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
      p.add(
          "field 'layer_norm_eps' = "
              + layerNormEps
              + "; expected a small positive number such as 1e-6");
    }
    rate(p, "dropout", dropout);
    rate(p, "attention_dropout", attentionDropout);
    rate(p, "drop_path_rate", dropPathRate);
    return p;
  }

  private static void positive(List<String> p, String field, int value) {
    if (value <= 0) {
      p.add("field '" + field + "' = " + value + "; expected a positive integer");
    }
  }

  private static void rate(List<String> p, String field, double value) {
    if (!(value >= 0 && value < 1)) {
      p.add("field '" + field + "' = " + value + "; expected a rate in [0, 1)");
    }
  }

  /**
   * Returns the per-head width.
   *
   * @return {@code hidden_size / num_attention_heads}
   */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * Returns the side of the pre-training patch grid.
   *
   * @return {@code image_size / patch_size}
   */
  public int gridSize() {
    return imageSize / patchSize;
  }

  /**
   * Returns the number of tokens at the pre-training resolution.
   *
   * @return {@code 1 + gridSize()^2} (CLS first)
   */
  public int numPositions() {
    return 1 + gridSize() * gridSize();
  }

  /**
   * Returns a builder that starts from this configuration.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns a builder that starts from the reference defaults (InternViT-6B-224px).
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder(null);
  }

  // ---------------------------------------------------------------- presets

  /**
   * Returns a named preset: {@code tiny} (hidden 64, 4 heads, MLP 256, 2 layers, patch 16, 224 px,
   * RMSNorm, QK-norm; for tests and the synthetic suite), {@code internvit-300m-448px}, {@code
   * internvit-6b-224px} (48 layers) and {@code internvit-6b-448px} (45 layers, the V1-2/V1-5
   * layout).
   *
   * @param name the preset name
   * @return the configuration
   * @throws InternVitConfigException for an unknown name, listing the known ones
   */
  public static InternVitConfig preset(String name) {
    InternVitConfig c = PRESETS.get(name);
    if (c == null) {
      throw new InternVitConfigException(
          "preset '" + name + "'", List.of("unknown preset; expected one of " + PRESETS.keySet()));
    }
    return c;
  }

  /**
   * Returns the preset names.
   *
   * @return the names, in documentation order
   */
  public static Set<String> presetNames() {
    return PRESETS.keySet();
  }

  private static Map<String, InternVitConfig> presets() {
    Map<String, InternVitConfig> m = new LinkedHashMap<>();
    m.put(
        "tiny",
        builder()
            .hiddenSize(64)
            .numAttentionHeads(4)
            .intermediateSize(256)
            .numHiddenLayers(2)
            .patchSize(16)
            .imageSize(224)
            .initializerFactor(0.1)
            .build());
    m.put(
        "internvit-300m-448px",
        builder()
            .imageSize(448)
            .qkvBias(true)
            .hiddenSize(1024)
            .numAttentionHeads(16)
            .intermediateSize(4096)
            .qkNormalization(false)
            .numHiddenLayers(24)
            .normType(NormType.LAYER_NORM)
            .dropPathRate(0.1)
            .initializerFactor(1.0)
            .build());
    m.put("internvit-6b-224px", builder().build());
    m.put(
        "internvit-6b-448px",
        builder().imageSize(448).numHiddenLayers(45).initializerRange(1e-10).build());
    return Collections.unmodifiableMap(m);
  }

  // ---------------------------------------------------------------- parameter table

  /**
   * Returns every parameter's HF key (without a prefix) and shape, in checkpoint order: the
   * embeddings, then each layer's norm1, attention, MLP and layer scales.
   *
   * @return key → shape
   */
  public Map<String, long[]> parameterShapes() {
    long c = hiddenSize;
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("embeddings.class_embedding", new long[] {1, 1, c});
    m.put("embeddings.patch_embedding.weight", new long[] {c, numChannels, patchSize, patchSize});
    m.put("embeddings.patch_embedding.bias", new long[] {c});
    m.put("embeddings.position_embedding", new long[] {1, numPositions(), c});
    for (int i = 0; i < numHiddenLayers; i++) {
      String p = "encoder.layers." + i + ".";
      m.put(p + "norm1.weight", new long[] {c});
      if (normType == NormType.LAYER_NORM) {
        m.put(p + "norm1.bias", new long[] {c});
      }
      m.put(p + "attn.qkv.weight", new long[] {3 * c, c});
      if (qkvBias) {
        m.put(p + "attn.qkv.bias", new long[] {3 * c});
      }
      if (qkNormalization) {
        m.put(p + "attn.q_norm.weight", new long[] {c});
        m.put(p + "attn.k_norm.weight", new long[] {c});
      }
      m.put(p + "attn.proj.weight", new long[] {c, c});
      m.put(p + "attn.proj.bias", new long[] {c});
      m.put(p + "mlp.fc1.weight", new long[] {intermediateSize, c});
      m.put(p + "mlp.fc1.bias", new long[] {intermediateSize});
      m.put(p + "mlp.fc2.weight", new long[] {c, intermediateSize});
      m.put(p + "mlp.fc2.bias", new long[] {c});
      m.put(p + "norm2.weight", new long[] {c});
      if (normType == NormType.LAYER_NORM) {
        m.put(p + "norm2.bias", new long[] {c});
      }
      m.put(p + "ls1", new long[] {c});
      m.put(p + "ls2", new long[] {c});
    }
    return m;
  }

  /**
   * Returns the number of parameters, computed from the shape table without allocating anything.
   *
   * @return the parameter count
   */
  public long parameterCount() {
    long n = 0;
    for (long[] shape : parameterShapes().values()) {
      long s = 1;
      for (long d : shape) {
        s = Math.multiplyExact(s, d);
      }
      n += s;
    }
    return n;
  }

  // ---------------------------------------------------------------- config.json

  /**
   * Reads a checkpoint's {@code config.json}. A stand-alone InternViT config is read as is; a
   * composite InternVL config ({@code internvl_chat}, {@code internvl}) contributes its {@code
   * vision_config}. Unknown fields are ignored; missing ones take the reference defaults; wrong
   * types and inconsistent values are refused, all at once, naming each field.
   *
   * @param file the config.json
   * @return the configuration
   * @throws InternVitConfigException when the file is unreadable or invalid
   */
  public static InternVitConfig fromJson(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new InternVitConfigException(
          file.toString(),
          List.of("cannot read: " + e.getMessage().lines().findFirst().orElse("")));
    }
    if (root == null || !root.isObject()) {
      throw new InternVitConfigException(file.toString(), List.of("not a JSON object"));
    }
    JsonNode vision = root.get("vision_config");
    if (vision != null) {
      if (!vision.isObject()) {
        throw new InternVitConfigException(
            file.toString(), List.of("field 'vision_config' is not an object"));
      }
      return fromJson(vision, file + " (vision_config)");
    }
    return fromJson(root, file.toString());
  }

  /**
   * Reads an InternViT config from parsed JSON.
   *
   * @param node the config object
   * @param source where it came from, for messages
   * @return the configuration
   * @throws InternVitConfigException when a field has the wrong type or the values are inconsistent
   */
  public static InternVitConfig fromJson(JsonNode node, String source) {
    List<String> p = new ArrayList<>();
    InternVitConfig d = builder().build();
    JsonNode modelType = node.get("model_type");
    if (modelType != null && !modelType.isNull() && !MODEL_TYPE.equals(modelType.asText())) {
      p.add("field 'model_type' = '" + modelType.asText() + "'; expected '" + MODEL_TYPE + "'");
    }
    int numChannels = intField(node, "num_channels", d.numChannels, p);
    int patchSize = intField(node, "patch_size", d.patchSize, p);
    int imageSize = intField(node, "image_size", d.imageSize, p);
    boolean qkvBias = boolField(node, "qkv_bias", d.qkvBias, p);
    int hidden = intField(node, "hidden_size", d.hiddenSize, p);
    int heads = intField(node, "num_attention_heads", d.numAttentionHeads, p);
    int inter = intField(node, "intermediate_size", d.intermediateSize, p);
    boolean qkNorm = boolField(node, "qk_normalization", d.qkNormalization, p);
    int layers = intField(node, "num_hidden_layers", d.numHiddenLayers, p);
    String act = stringField(node, "hidden_act", d.hiddenAct, p);
    String norm = stringField(node, "norm_type", d.normType.configName(), p);
    NormType normType = null;
    for (NormType t : NormType.values()) {
      if (t.configName().equals(norm)) {
        normType = t;
      }
    }
    if (normType == null) {
      p.add("field 'norm_type' = '" + norm + "'; expected 'rms_norm' or 'layer_norm'");
      normType = NormType.RMS_NORM;
    }
    double eps = doubleField(node, "layer_norm_eps", d.layerNormEps, p);
    double dropout = doubleField(node, "dropout", d.dropout, p);
    double attnDropout = doubleField(node, "attention_dropout", d.attentionDropout, p);
    double dropPath = doubleField(node, "drop_path_rate", d.dropPathRate, p);
    double initRange = doubleField(node, "initializer_range", d.initializerRange, p);
    double initFactor = doubleField(node, "initializer_factor", d.initializerFactor, p);
    p.addAll(
        validate(
            numChannels,
            patchSize,
            imageSize,
            hidden,
            heads,
            inter,
            layers,
            act,
            normType,
            eps,
            dropout,
            attnDropout,
            dropPath));
    if (!p.isEmpty()) {
      throw new InternVitConfigException(source, p);
    }
    return new InternVitConfig(
        numChannels,
        patchSize,
        imageSize,
        qkvBias,
        hidden,
        heads,
        inter,
        qkNorm,
        layers,
        act,
        normType,
        eps,
        dropout,
        attnDropout,
        dropPath,
        initRange,
        initFactor);
  }

  private static int intField(JsonNode node, String name, int dflt, List<String> p) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      p.add("field '" + name + "' = " + v + "; expected an integer");
      return dflt;
    }
    return v.intValue();
  }

  private static boolean boolField(JsonNode node, String name, boolean dflt, List<String> p) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      p.add("field '" + name + "' = " + v + "; expected true or false");
      return dflt;
    }
    return v.booleanValue();
  }

  private static double doubleField(JsonNode node, String name, double dflt, List<String> p) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      p.add("field '" + name + "' = " + v + "; expected a number");
      return dflt;
    }
    return v.doubleValue();
  }

  private static String stringField(JsonNode node, String name, String dflt, List<String> p) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      p.add("field '" + name + "' = " + v + "; expected a string");
      return dflt;
    }
    return v.asText();
  }

  /**
   * Builds a configuration field by field, starting from the reference defaults or another config.
   */
  public static final class Builder {
    private int numChannels = 3;
    private int patchSize = 14;
    private int imageSize = 224;
    private boolean qkvBias;
    private int hiddenSize = 3200;
    private int numAttentionHeads = 25;
    private int intermediateSize = 12800;
    private boolean qkNormalization = true;
    private int numHiddenLayers = 48;
    private String hiddenAct = "gelu";
    private NormType normType = NormType.RMS_NORM;
    private double layerNormEps = 1e-6;
    private double dropout;
    private double attentionDropout;
    private double dropPathRate;
    private double initializerRange = 0.02;
    private double initializerFactor = 0.1;

    private Builder(InternVitConfig c) {
      if (c != null) {
        numChannels = c.numChannels;
        patchSize = c.patchSize;
        imageSize = c.imageSize;
        qkvBias = c.qkvBias;
        hiddenSize = c.hiddenSize;
        numAttentionHeads = c.numAttentionHeads;
        intermediateSize = c.intermediateSize;
        qkNormalization = c.qkNormalization;
        numHiddenLayers = c.numHiddenLayers;
        hiddenAct = c.hiddenAct;
        normType = c.normType;
        layerNormEps = c.layerNormEps;
        dropout = c.dropout;
        attentionDropout = c.attentionDropout;
        dropPathRate = c.dropPathRate;
        initializerRange = c.initializerRange;
        initializerFactor = c.initializerFactor;
      }
    }

    /**
     * @param v num_channels @return this builder
     */
    public Builder numChannels(int v) {
      numChannels = v;
      return this;
    }

    /**
     * @param v patch_size @return this builder
     */
    public Builder patchSize(int v) {
      patchSize = v;
      return this;
    }

    /**
     * @param v image_size @return this builder
     */
    public Builder imageSize(int v) {
      imageSize = v;
      return this;
    }

    /**
     * @param v qkv_bias @return this builder
     */
    public Builder qkvBias(boolean v) {
      qkvBias = v;
      return this;
    }

    /**
     * @param v hidden_size @return this builder
     */
    public Builder hiddenSize(int v) {
      hiddenSize = v;
      return this;
    }

    /**
     * @param v num_attention_heads @return this builder
     */
    public Builder numAttentionHeads(int v) {
      numAttentionHeads = v;
      return this;
    }

    /**
     * @param v intermediate_size @return this builder
     */
    public Builder intermediateSize(int v) {
      intermediateSize = v;
      return this;
    }

    /**
     * @param v qk_normalization @return this builder
     */
    public Builder qkNormalization(boolean v) {
      qkNormalization = v;
      return this;
    }

    /**
     * @param v num_hidden_layers @return this builder
     */
    public Builder numHiddenLayers(int v) {
      numHiddenLayers = v;
      return this;
    }

    /**
     * @param v hidden_act @return this builder
     */
    public Builder hiddenAct(String v) {
      hiddenAct = v;
      return this;
    }

    /**
     * @param v norm_type @return this builder
     */
    public Builder normType(NormType v) {
      normType = v;
      return this;
    }

    /**
     * @param v layer_norm_eps @return this builder
     */
    public Builder layerNormEps(double v) {
      layerNormEps = v;
      return this;
    }

    /**
     * @param v dropout @return this builder
     */
    public Builder dropout(double v) {
      dropout = v;
      return this;
    }

    /**
     * @param v attention_dropout @return this builder
     */
    public Builder attentionDropout(double v) {
      attentionDropout = v;
      return this;
    }

    /**
     * @param v drop_path_rate @return this builder
     */
    public Builder dropPathRate(double v) {
      dropPathRate = v;
      return this;
    }

    /**
     * @param v initializer_range @return this builder
     */
    public Builder initializerRange(double v) {
      initializerRange = v;
      return this;
    }

    /**
     * @param v initializer_factor @return this builder
     */
    public Builder initializerFactor(double v) {
      initializerFactor = v;
      return this;
    }

    /**
     * Builds and validates.
     *
     * @return the configuration
     * @throws InternVitConfigException when the fields are inconsistent
     */
    public InternVitConfig build() {
      return new InternVitConfig(
          numChannels,
          patchSize,
          imageSize,
          qkvBias,
          hiddenSize,
          numAttentionHeads,
          intermediateSize,
          qkNormalization,
          numHiddenLayers,
          hiddenAct,
          normType,
          layerNormEps,
          dropout,
          attentionDropout,
          dropPathRate,
          initializerRange,
          initializerFactor);
    }
  }
}
