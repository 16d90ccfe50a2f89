package io.vleval.model.internvl.vision;

import io.vleval.model.internvl.safetensors.TensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a checkpoint's tensors differ from what an architecture expects, found before any weight is
 * copied: keys it lacks, keys it holds that nothing expects, and keys of the wrong shape or type.
 * Components check their own keys; a composite model adds their results up, with the keys that
 * belong to no component, so that one message lists every difference.
 *
 * @param missing keys the architecture expects that the checkpoint lacks
 * @param unexpected keys the checkpoint holds that the architecture does not expect
 * @param misShaped keys with the wrong shape or type, as "key: found ..., expected ..."
 */
public record TensorMismatch(
    List<String> missing, List<String> unexpected, List<String> misShaped) {

  /** No difference. */
  public static final TensorMismatch NONE = new TensorMismatch(List.of(), List.of(), List.of());

  /** Copies the lists. */
  public TensorMismatch {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    misShaped = List.copyOf(misShaped);
  }

  /**
   * @param keys keys that belong to no component
   * @return a mismatch of only unexpected keys
   */
  public static TensorMismatch unexpected(List<String> keys) {
    return new TensorMismatch(List.of(), keys, List.of());
  }

  /**
   * @param other another component's mismatch
   * @return both together
   */
  public TensorMismatch plus(TensorMismatch other) {
    return new TensorMismatch(
        concat(missing, other.missing),
        concat(unexpected, other.unexpected),
        concat(misShaped, other.misShaped));
  }

  /**
   * @return whether the checkpoint fits
   */
  public boolean isEmpty() {
    return missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty();
  }

  /**
   * Throws when the checkpoint does not fit.
   *
   * @param source the checkpoint file, for the message
   * @param component what was expected, e.g. "the InternViT config (34 tensors)"
   * @throws CheckpointMismatchException listing every difference
   */
  public void throwIfAny(String source, String component) {
    if (!isEmpty()) {
      throw new CheckpointMismatchException(source, component, missing, unexpected, misShaped);
    }
  }

  /**
   * Names a checkpoint for messages: its safetensors file, or the folder of its shards.
   *
   * @param tensors the checkpoint
   * @return e.g. {@code /models/x/model.safetensors} or {@code /models/x (3 safetensors shards)}
   */
  public static String describe(TensorSource tensors) {
    Set<Path> files = new TreeSet<>();
    for (String k : tensors.keys()) {
      files.add(tensors.fileOf(k));
    }
    if (files.isEmpty()) {
      return "checkpoint (no tensors)";
    }
    Path first = files.iterator().next();
    if (files.size() == 1 || first.getParent() == null) {
      return first.toString();
    }
    return first.getParent() + " (" + files.size() + " safetensors shards)";
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
