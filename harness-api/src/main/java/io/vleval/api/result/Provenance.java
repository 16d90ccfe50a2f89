package io.vleval.api.result;

import java.util.List;

/** Everything needed to tell whether two results are comparable and to reproduce them. */
public record Provenance(
    String harnessVersion,
    String javaVersion,
    String os,
    long seed,
    List<ModelProvenance> models,
    List<DatasetProvenance> datasets) {

  public Provenance {
    models = List.copyOf(models);
    datasets = List.copyOf(datasets);
  }
}
