package io.vleval.cli;

import io.vleval.api.plugin.ModelProvider;
import io.vleval.api.plugin.Plugin;
import io.vleval.api.plugin.TaskProvider;
import io.vleval.api.spec.Doc;
import io.vleval.core.plugin.PluginKind;
import io.vleval.core.plugin.PluginRegistry;
import io.vleval.core.yaml.SpecKeys;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vleval list}: every plugin found on the class path. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "List every discovered plugin: kind, type name, description, and model capabilities.")
final class ListCommand implements Callable<Integer> {

  @ParentCommand VlevalCommand parent;
  @Mixin CommonOptions common;

  @Option(names = "--keys", description = "Also list each plugin's YAML keys.")
  boolean keys;

  @Override
  public Integer call() {
    PluginRegistry registry =
        PluginRegistry.discover(Thread.currentThread().getContextClassLoader());
    PrintWriter out = parent.console.out();
    for (PluginKind kind : PluginKind.values()) {
      List<Plugin<?>> plugins = registry.plugins(kind);
      out.println(kind.label() + "s (" + plugins.size() + "):");
      for (Plugin<?> p : plugins) {
        out.printf("  %-32s %s%n", p.type(), p.description());
        if (p instanceof ModelProvider<?> m) {
          out.printf("  %-32s   capabilities: %s%n", "", capabilityNames(m));
        }
        if (p instanceof TaskProvider<?> t) {
          out.printf("  %-32s   reads %s samples%n", "", t.sampleType().getSimpleName());
        }
        if (keys) {
          for (RecordComponent c : p.specType().getRecordComponents()) {
            Doc doc = c.getAnnotation(Doc.class);
            out.printf(
                "  %-32s   %s: %s%n",
                "", SpecKeys.keyOf(c.getName()), doc == null ? "" : doc.value());
          }
        }
      }
    }
    return ExitCode.OK;
  }

  /**
   * Capabilities with default options; a model whose capabilities depend on its spec says so
   * itself.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String capabilityNames(ModelProvider m) {
    try {
      Record defaults = defaultSpec(m.specType());
      List<String> names = new ArrayList<>();
      for (Object c : m.capabilities(defaults)) {
        names.add(((Class<?>) c).getSimpleName());
      }
      names.sort(String::compareTo);
      return String.join(", ", names);
    } catch (IllegalArgumentException e) {
      return "(not shown: the options have no complete default; " + e.getMessage() + ")";
    }
  }

  /** The spec with every optional key absent, as an empty YAML mapping would bind it. */
  static Record defaultSpec(Class<? extends Record> type) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      if (types[i].isPrimitive()) {
        throw new IllegalArgumentException(
            "'" + SpecKeys.keyOf(components[i].getName()) + "' has no default");
      }
    }
    try {
      var ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build default spec of " + type.getName(), e);
    }
  }
}
