package io.vleval.model.internvl.config;

/**
 * The normalization used for InternViT's {@code norm1}/{@code norm2} ({@code norm_type} in
 * config.json).
 */
public enum NormType {
  /** {@code rms_norm}: weight only, {@code w * x / sqrt(mean(x^2) + eps)} (InternViT-6B). */
  RMS_NORM("rms_norm"),
  /** {@code layer_norm}: weight and bias (InternViT-300M). */
  LAYER_NORM("layer_norm");

  private final String configName;

  NormType(String configName) {
    this.configName = configName;
  }

  /**
   * Returns the name config.json uses.
   *
   * @return {@code rms_norm} or {@code layer_norm}
   */
  public String configName() {
    return configName;
  }
}
