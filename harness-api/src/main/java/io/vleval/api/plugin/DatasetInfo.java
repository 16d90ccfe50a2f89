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
 */
public record DatasetInfo(String fingerprint, long size, List<String> classNames, String location) {
  public DatasetInfo {
    classNames = List.copyOf(classNames);
  }
}
