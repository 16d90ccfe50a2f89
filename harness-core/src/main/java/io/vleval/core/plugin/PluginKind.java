package io.vleval.core.plugin;

import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.Plugin;
import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.plugin.TaskProvider;

/** The four plugin kinds, each with the service interface ServiceLoader looks up. */
public enum PluginKind {
  MODEL("model", ModelProvider.class),
  DATASET("dataset", DatasetProvider.class),
  TASK("task", TaskProvider.class),
  REPORTER("reporter", ReporterProvider.class);

  private final String label;
  private final Class<? extends Plugin> service;

  PluginKind(String label, Class<? extends Plugin> service) {
    this.label = label;
    this.service = service;
  }

  /** How messages name the kind: "model", "dataset"... */
  public String label() {
    return label;
  }

  @SuppressWarnings("rawtypes")
  public Class<? extends Plugin> service() {
    return service;
  }
}
