package io.vleval.core.yaml;

import io.vleval.api.error.VlevalException;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds YAML nodes onto spec records, strictly: unknown keys, wrong types and missing required keys
 * are all reported, with their place, before anything runs. A key whose value is {@code null}
 * ({@code ~}, or nothing) is treated as absent, for every type. Paths are resolved against the
 * config file's folder after {@code ${VAR}} (or {@code ${VAR:-default}}) expansion; an empty or
 * blank path (after expansion) is an error, since it would resolve to the config's folder. URLs
 * ({@link URI} components) expand {@code ${VAR}} too and must be absolute.
 */
public final class SpecBinder {

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Path baseDirectory;
  private final UnaryOperator<String> environment;

  /**
   * @param baseDirectory relative paths are resolved against it (the config file's folder)
   * @param environment looks up environment variables; returns {@code null} for unset ones
   */
  public SpecBinder(Path baseDirectory, UnaryOperator<String> environment) {
    this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
    this.environment = environment;
  }

  public Path baseDirectory() {
    return baseDirectory;
  }

  /**
   * Binds {@code node} onto {@code type}. Keys in {@code consumed} belong to the caller (such as
   * {@code name} and {@code type}) and are neither bound nor reported as unknown.
   *
   * @param what how messages name the thing being bound ("model 'tiny' (type internvl)")
   * @return the record, or {@code null} when a problem was recorded
   */
  public <R extends Record> R bind(
      Class<R> type, YamlNode.Mapping node, Set<String> consumed, String what, Problems problems) {
    RecordComponent[] components = type.getRecordComponents();
    Map<String, RecordComponent> byKey = new LinkedHashMap<>();
    for (RecordComponent c : components) {
      byKey.put(SpecKeys.keyOf(c.getName()), c);
    }
    int before = problems.size();
    for (Map.Entry<String, YamlNode> e : node.entries().entrySet()) {
      String key = e.getKey();
      if (!byKey.containsKey(key) && !consumed.contains(key)) {
        List<String> allowed = new ArrayList<>(consumed);
        allowed.addAll(byKey.keySet());
        problems.add(
            node.keyMark(key),
            "unknown key '"
                + key
                + "' in "
                + what
                + "; "
                + SpecKeys.suggestion(key, allowed)
                + "allowed keys: "
                + String.join(", ", allowed));
      }
    }
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      String key = SpecKeys.keyOf(c.getName());
      YamlNode value = node.get(key);
      boolean absent = value == null || isNull(value);
      if (absent) {
        if (c.getType().isPrimitive() || c.isAnnotationPresent(Required.class)) {
          problems.add(
              value == null ? node.mark() : value.mark(),
              "missing required key '" + key + "' in " + what);
        } else {
          args[i] = null;
        }
        continue;
      }
      args[i] = value(c.getGenericType(), value, key, what, problems);
      if (args[i] instanceof Path p && c.isAnnotationPresent(MustExist.class) && !Files.exists(p)) {
        problems.add(
            value.mark(), "'" + key + "' in " + what + " names " + p + ", which does not exist");
        args[i] = null;
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return construct(type, components, args, node.mark(), what, problems);
  }

  private <R extends Record> R construct(
      Class<R> type,
      RecordComponent[] components,
      Object[] args,
      YamlNode.Mark mark,
      String what,
      Problems problems) {
    try {
      Class<?>[] types =
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException || cause instanceof VlevalException) {
        problems.add(mark, "invalid " + what + ": " + cause.getMessage());
        return null;
      }
      throw new IllegalStateException("constructing " + type.getName() + " failed", cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("spec type " + type.getName() + " cannot be constructed", e);
    }
  }

  private static boolean isNull(YamlNode node) {
    return node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.NULL;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object value(Type type, YamlNode node, String key, String what, Problems problems) {
    Class<?> raw = rawClass(type);
    if (raw == String.class) {
      if (node instanceof YamlNode.Scalar s) {
        return s.text();
      }
      return wrongType(node, key, what, "a text value", problems);
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.INTEGER) {
        try {
          long v = Long.parseLong(s.text().replace("_", ""));
          if ((raw == int.class || raw == Integer.class)
              && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            problems.add(
                node.mark(),
                "'" + key + "' in " + what + " is " + s.text() + ", outside the range of an int");
            return null;
          }
          return (raw == int.class || raw == Integer.class) ? (Object) (int) v : (Object) v;
        } catch (NumberFormatException e) {
          problems.add(
              node.mark(),
              "'" + key + "' in " + what + " must be an integer, found " + node.describe());
          return null;
        }
      }
      return wrongType(node, key, what, "an integer", problems);
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      if (node instanceof YamlNode.Scalar s
          && (s.kind() == YamlNode.ScalarKind.INTEGER || s.kind() == YamlNode.ScalarKind.FLOAT)) {
        double v = Double.parseDouble(s.text().replace("_", ""));
        return (raw == float.class || raw == Float.class) ? (Object) (float) v : (Object) v;
      }
      return wrongType(node, key, what, "a number", problems);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      if (node instanceof YamlNode.Scalar s && s.kind() == YamlNode.ScalarKind.BOOLEAN) {
        return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
      }
      return wrongType(node, key, what, "true or false", problems);
    }
    if (raw == URI.class) {
      if (node instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
        String expanded = expand(s.text(), node.mark(), key, what, problems);
        if (expanded == null) {
          return null;
        }
        try {
          URI uri = new URI(expanded.strip());
          if (uri.isAbsolute()) {
            return uri;
          }
        } catch (URISyntaxException e) {
          problems.add(
              node.mark(),
              "'"
                  + key
                  + "' in "
                  + what
                  + " is not a valid URL: "
                  + e.getReason()
                  + " in '"
                  + expanded
                  + "'");
          return null;
        }
        problems.add(
            node.mark(),
            "'"
                + key
                + "' in "
                + what
                + " must be an absolute URL (scheme://host/...), found '"
                + expanded
                + "'");
        return null;
      }
      return wrongType(node, key, what, "a URL", problems);
    }
    if (raw == Path.class) {
      if (node instanceof YamlNode.Scalar s && s.kind() != YamlNode.ScalarKind.NULL) {
        String expanded = expand(s.text(), node.mark(), key, what, problems);
        if (expanded == null) {
          return null;
        }
        if (expanded.isBlank()) {
          // resolved, an empty path would be the config's own folder: never what was meant
          problems.add(
              node.mark(),
              "'"
                  + key
                  + "' in "
                  + what
                  + " is an empty path"
                  + (s.text().equals(expanded) ? "" : " ('" + s.text() + "' expands to nothing)")
                  + "; name a file or folder, or leave the key out");
          return null;
        }
        try {
          return baseDirectory.resolve(expanded).normalize();
        } catch (InvalidPathException e) {
          problems.add(
              node.mark(), "'" + key + "' in " + what + " is not a valid path: " + e.getReason());
          return null;
        }
      }
      return wrongType(node, key, what, "a path", problems);
    }
    if (raw.isEnum()) {
      if (node instanceof YamlNode.Scalar s) {
        String want = s.text().strip().toUpperCase(Locale.ROOT).replace('-', '_');
        List<String> names = new ArrayList<>();
        for (Object constant : raw.getEnumConstants()) {
          Enum<?> e = (Enum<?>) constant;
          names.add(SpecKeys.enumName(e));
          if (e.name().equals(want)) {
            return e;
          }
        }
        problems.add(
            node.mark(),
            "'"
                + key
                + "' in "
                + what
                + " is '"
                + s.text()
                + "'; "
                + SpecKeys.suggestion(s.text(), names)
                + "allowed values: "
                + String.join(", ", names));
        return null;
      }
      return wrongType(node, key, what, "one of the allowed names", problems);
    }
    if (raw == List.class) {
      Type element = typeArgument(type, 0);
      if (node instanceof YamlNode.Sequence seq) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
          out.add(value(element, seq.items().get(i), key + "[" + i + "]", what, problems));
        }
        return List.copyOf(out.stream().filter(Objects::nonNull).toList());
      }
      return wrongType(node, key, what, "a list", problems);
    }
    if (raw == Map.class) {
      Type valueType = typeArgument(type, 1);
      if (node instanceof YamlNode.Mapping map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
          Object v = value(valueType, e.getValue(), key + "." + e.getKey(), what, problems);
          if (v != null) {
            out.put(e.getKey(), v);
          }
        }
        return Collections.unmodifiableMap(out);
      }
      return wrongType(node, key, what, "a mapping", problems);
    }
    if (raw.isRecord()) {
      if (node instanceof YamlNode.Mapping map) {
        return bind((Class) raw, map, Set.of(), "'" + key + "' of " + what, problems);
      }
      return wrongType(
          node, key, what, "a mapping with keys " + SpecKeys.keysOf((Class) raw), problems);
    }
    throw new IllegalStateException(
        "spec component type " + type + " is not supported (key " + key + ")");
  }

  private Object wrongType(
      YamlNode node, String key, String what, String expected, Problems problems) {
    problems.add(
        node.mark(),
        "'" + key + "' in " + what + " must be " + expected + ", found " + node.describe());
    return null;
  }

  /**
   * Expands {@code ${VAR}} and {@code ${VAR:-default}}; records a problem for an unset variable.
   */
  public String expand(
      String text, YamlNode.Mark mark, String key, String what, Problems problems) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    while (m.find()) {
      String value = environment.apply(m.group(1));
      if (value == null || value.isEmpty()) {
        value = m.group(2);
      }
      if (value == null) {
        problems.add(
            mark,
            "'"
                + key
                + "' in "
                + what
                + " uses ${"
                + m.group(1)
                + "}, but that environment variable is not set (set it, or write ${"
                + m.group(1)
                + ":-default})");
        ok = false;
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return ok ? out.toString() : null;
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalStateException("unsupported spec type " + type);
  }

  private static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[index];
    }
    throw new IllegalStateException("raw collection type in a spec: " + type);
  }
}
