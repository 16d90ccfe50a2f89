package io.vleval.core.plugin;

import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.Plugin;
import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.plugin.TaskProvider;

/** The four plugin kinds, each with the service interface ServiceLoader looks up. */
public enum PluginKind {
  MODEL("model", service(ModelProvider.class)),
  DATASET("dataset", service(DatasetProvider.class)),
  TASK("task", service(TaskProvider.class)),
  REPORTER("reporter", service(ReporterProvider.class));

  private final String label;
  private final Class<? extends Plugin<?>> service;

  PluginKind(String label, Class<? extends Plugin<?>> service) {
    this.label = label;
    this.service = service;
  }

  // The service interfaces are generic in their spec record, so their class literals are raw; the
  // cast is sound because each interface extends Plugin<S> for some S.
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<? extends Plugin<?>> service(Class<? extends Plugin> raw) {
    return (Class<? extends Plugin<?>>) raw;
  }

  /** How messages name the kind: "model", "dataset"... */
  public String label() {
    return label;
  }

  public Class<? extends Plugin<?>> service() {
    return service;
  }
}
