package io.vleval.core.plugin;

import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.Plugin;
import io.vleval.api.plugin.ReporterProvider;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.core.yaml.SpecKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every plugin found on the class path, by kind and type name. Built once per command from {@link
 * ServiceLoader} and passed to whoever needs it (never a static map). Duplicate or malformed type
 * names are refused naming the classes involved.
 */
public final class PluginRegistry {

  /** Type names users write in YAML: lower case letters, digits and '-', starting with a letter. */
  public static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  private final Map<PluginKind, Map<String, Plugin<?>>> byKind = new EnumMap<>(PluginKind.class);

  private PluginRegistry() {
    for (PluginKind kind : PluginKind.values()) {
      byKind.put(kind, new TreeMap<>());
    }
  }

  /** Discovers plugins visible to {@code loader}. */
  public static PluginRegistry discover(ClassLoader loader) {
    PluginRegistry registry = new PluginRegistry();
    for (PluginKind kind : PluginKind.values()) {
      try {
        for (Plugin<?> plugin : ServiceLoader.load(kind.service(), loader)) {
          registry.add(kind, plugin);
        }
      } catch (ServiceConfigurationError e) {
        throw new PluginException(
            "a " + kind.label() + " plugin failed to load: " + e.getMessage(), e);
      }
    }
    return registry;
  }

  /** A registry of exactly the given plugins, for tests. */
  public static PluginRegistry of(List<? extends Plugin<?>> plugins) {
    PluginRegistry registry = new PluginRegistry();
    for (Plugin<?> p : plugins) {
      registry.add(kindOf(p), p);
    }
    return registry;
  }

  public static PluginKind kindOf(Plugin<?> plugin) {
    for (PluginKind kind : PluginKind.values()) {
      if (kind.service().isInstance(plugin)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        plugin.getClass().getName() + " implements none of the plugin kinds");
  }

  private void add(PluginKind kind, Plugin<?> plugin) {
    String type = plugin.type();
    if (type == null || !TYPE_NAME.matcher(type).matches()) {
      throw new PluginException(
          kind.label()
              + " plugin "
              + plugin.getClass().getName()
              + " has type name '"
              + type
              + "'; type names are lower case letters, digits and '-', starting with a letter");
    }
    if (plugin.specType() == null || !plugin.specType().isRecord()) {
      throw new PluginException(
          kind.label()
              + " plugin "
              + plugin.getClass().getName()
              + " must declare a record spec type");
    }
    Plugin<?> previous = byKind.get(kind).putIfAbsent(type, plugin);
    if (previous != null && previous.getClass() != plugin.getClass()) {
      throw new PluginException(
          "two "
              + kind.label()
              + " plugins claim type '"
              + type
              + "': "
              + previous.getClass().getName()
              + " and "
              + plugin.getClass().getName());
    }
  }

  /** The plugins of one kind, sorted by type name. */
  public List<Plugin<?>> plugins(PluginKind kind) {
    return Collections.unmodifiableList(new ArrayList<>(byKind.get(kind).values()));
  }

  public Optional<Plugin<?>> find(PluginKind kind, String type) {
    return Optional.ofNullable(byKind.get(kind).get(type));
  }

  /** Known type names of a kind, sorted. */
  public List<String> typeNames(PluginKind kind) {
    return List.copyOf(byKind.get(kind).keySet());
  }

  /** The message for a type nobody provides: nearest names first, then the full list. */
  public String unknownTypeMessage(PluginKind kind, String type) {
    List<String> known = typeNames(kind);
    return "unknown "
        + kind.label()
        + " type '"
        + type
        + "'; "
        + SpecKeys.suggestion(type, known)
        + "known "
        + kind.label()
        + " types: "
        + (known.isEmpty() ? "(none)" : String.join(", ", known));
  }

  public ModelProvider<?> model(String type) {
    return (ModelProvider<?>) require(PluginKind.MODEL, type);
  }

  public DatasetProvider<?> dataset(String type) {
    return (DatasetProvider<?>) require(PluginKind.DATASET, type);
  }

  public TaskProvider<?> task(String type) {
    return (TaskProvider<?>) require(PluginKind.TASK, type);
  }

  public ReporterProvider<?> reporter(String type) {
    return (ReporterProvider<?>) require(PluginKind.REPORTER, type);
  }

  private Plugin<?> require(PluginKind kind, String type) {
    return find(kind, type).orElseThrow(() -> new PluginException(unknownTypeMessage(kind, type)));
  }
}
