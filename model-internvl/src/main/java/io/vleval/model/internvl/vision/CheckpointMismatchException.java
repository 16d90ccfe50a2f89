package io.vleval.model.internvl.vision;

import io.vleval.api.error.VlevalException;
import java.util.List;

/**
 * A checkpoint whose tensors do not fit the model: the message lists the missing, unexpected and
 * mis-shaped keys (each list capped at 20 entries, with the total).
 */
public class CheckpointMismatchException extends VlevalException {

  private static final long serialVersionUID = 1L;

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
    super(message(source, component, missing, unexpected, misShaped));
    this.missing = List.copyOf(missing);
    this.unexpected = List.copyOf(unexpected);
    this.misShaped = List.copyOf(misShaped);
  }

  private static String message(
      String source,
      String component,
      List<String> missing,
      List<String> unexpected,
      List<String> misShaped) {
    StringBuilder sb =
        new StringBuilder(source).append(": checkpoint does not fit ").append(component);
    part(sb, "missing", missing);
    part(sb, "unexpected", unexpected);
    part(sb, "mis-shaped", misShaped);
    return sb.toString();
  }

  private static void part(StringBuilder sb, String what, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    sb.append("; ").append(keys.size()).append(' ').append(what).append(": ");
    sb.append(String.join(", ", keys.subList(0, Math.min(20, keys.size()))));
    if (keys.size() > 20) {
      sb.append(", …");
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
