package io.vleval.model.internvl.vision;

import io.vleval.api.error.VlevalException;
import java.util.List;

/**
 * A checkpoint whose tensors do not fit the model. The one-line message names the checkpoint file
 * and what the architecture expected, then gives the count of missing, unexpected and mis-shaped
 * keys and the first {@value #SHOWN} of each, sorted; the accessors hold every key, sorted.
 */
public class CheckpointMismatchException extends VlevalException {

  private static final long serialVersionUID = 1L;

  /** How many keys of each list the message shows. */
  static final int SHOWN = 8;

  /** Keys the model needs that the checkpoint lacks. */
  private final List<String> missing;

  /** Keys in the model's namespace that the model does not have. */
  private final List<String> unexpected;

  /** Keys present with the wrong shape or type, as "key: found ..., expected ...". */
  private final List<String> misShaped;

  /**
   * Creates the exception.
   *
   * @param source the checkpoint location
   * @param missing missing keys
   * @param unexpected unexpected keys
   * @param misShaped mis-shaped keys with found and expected shapes
   */
  public CheckpointMismatchException(
      String source, List<String> missing, List<String> unexpected, List<String> misShaped) {
    this(source, "the InternViT config", missing, unexpected, misShaped);
  }

  /**
   * Creates the exception for any component.
   *
   * @param source the checkpoint location
   * @param component what the checkpoint was checked against, e.g. "the QLLaMA config"
   * @param missing missing keys
   * @param unexpected unexpected keys
   * @param misShaped mis-shaped keys with found and expected shapes
   */
  public CheckpointMismatchException(
      String source,
      String component,
      List<String> missing,
      List<String> unexpected,
      List<String> misShaped) {
    super(message(source, component, sorted(missing), sorted(unexpected), sorted(misShaped)));
    this.missing = sorted(missing);
    this.unexpected = sorted(unexpected);
    this.misShaped = sorted(misShaped);
  }

  private static List<String> sorted(List<String> keys) {
    return keys.stream().sorted().toList();
  }

  private static String message(
      String source,
      String component,
      List<String> missing,
      List<String> unexpected,
      List<String> misShaped) {
    StringBuilder sb =
        new StringBuilder(source).append(": checkpoint does not fit ").append(component);
    sb.append("; ")
        .append(missing.size())
        .append(" missing, ")
        .append(unexpected.size())
        .append(" unexpected");
    if (!misShaped.isEmpty()) {
      sb.append(", ").append(misShaped.size()).append(" mis-shaped");
    }
    part(sb, "missing", missing);
    part(sb, "unexpected", unexpected);
    part(sb, "mis-shaped", misShaped);
    return sb.toString();
  }

  private static void part(StringBuilder sb, String what, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    sb.append("; ").append(what).append(": ");
    sb.append(String.join(", ", keys.subList(0, Math.min(SHOWN, keys.size()))));
    if (keys.size() > SHOWN) {
      sb.append(" and ").append(keys.size() - SHOWN).append(" more");
    }
  }

  /**
   * @return keys the model needs that the checkpoint lacks
   */
  public List<String> missing() {
    return missing;
  }

  /**
   * @return keys in the model's namespace that the model does not have
   */
  public List<String> unexpected() {
    return unexpected;
  }

  /**
   * @return mis-shaped keys with found and expected shapes
   */
  public List<String> misShaped() {
    return misShaped;
  }
}
