package io.vleval.api.plugin;

import java.util.List;

/**
 * What a dataset says about itself before it is streamed.
 *
 * @param fingerprint a digest of the files and annotations the samples come from, so that a gate
 *     can refuse to compare scores computed on different data
 * @param size the number of samples, or -1 when it is not known without reading everything
 * @param classNames display names by label index, empty when the samples have no labels
 * @param location where the data lives, for reports
 * @param warnings what the loader noticed and the results should show (for example videos listed in
 *     an annotation file but missing on disk)
 */
public record DatasetInfo(
    String fingerprint,
    long size,
    List<String> classNames,
    String location,
    List<String> warnings) {
  public DatasetInfo {
    classNames = List.copyOf(classNames);
    warnings = List.copyOf(warnings);
  }

  public DatasetInfo(String fingerprint, long size, List<String> classNames, String location) {
    this(fingerprint, size, classNames, location, List.of());
  }
}
