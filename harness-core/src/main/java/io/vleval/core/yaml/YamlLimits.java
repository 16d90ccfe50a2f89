package io.vleval.core.yaml;

/**
 * Bounds that keep a hostile or mistaken YAML file from exhausting memory: a config is small, so
 * anything past these is refused with its location rather than parsed.
 *
 * @param maxBytes largest file accepted
 * @param maxNodes most nodes after alias expansion (defeats "billion laughs" alias bombs)
 * @param maxAliases most alias references in one file
 * @param maxDepth deepest nesting
 */
public record YamlLimits(long maxBytes, int maxNodes, int maxAliases, int maxDepth) {
  public static final YamlLimits DEFAULT = new YamlLimits(4L << 20, 100_000, 200, 64);
}
