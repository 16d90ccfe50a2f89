package io.vleval.core.yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes spec records back to YAML in their normalized form: every key, defaults filled in, paths
 * relative to a base folder, enums in their YAML spelling. Binding that text again gives an equal
 * record.
 */
public final class SpecWriter {

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  private final Path baseDirectory;

  public SpecWriter(Path baseDirectory) {
    this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
  }

  /**
   * The record as an ordered map of YAML keys to plain values; {@code null} components are left
   * out.
   */
  public Map<String, Object> toMap(Record spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : spec.getClass().getRecordComponents()) {
      Object value;
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        value = accessor.invoke(spec);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "cannot read " + c.getName() + " of " + spec.getClass().getName(), e);
      }
      if (value != null) {
        out.put(SpecKeys.keyOf(c.getName()), plain(value));
      }
    }
    return out;
  }

  /** Any supported spec value as a plain YAML-ready value. */
  public Object plain(Object value) {
    if (value instanceof Record r) {
      return toMap(r);
    }
    if (value instanceof Path p) {
      Path abs = p.toAbsolutePath().normalize();
      if (baseDirectory.getRoot() == null || !baseDirectory.getRoot().equals(abs.getRoot())) {
        return abs.toString();
      }
      String relative = baseDirectory.relativize(abs).toString().replace('\\', '/');
      return relative.isEmpty() ? "." : relative;
    }
    if (value instanceof URI u) {
      return u.toString();
    }
    if (value instanceof Enum<?> e) {
      return SpecKeys.enumName(e);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(plain(o));
      }
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k.toString(), plain(v)));
      return out;
    }
    return value;
  }

  /** YAML text of a plain value tree. */
  public static String yaml(Object plainTree) {
    try {
      return YAML.writeValueAsString(plainTree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write YAML", e);
    }
  }
}
