package io.vleval.api.sample;

/** A lazily decoded label map. */
public interface LabelMapSource {
  LabelMap load();

  String origin();
}
