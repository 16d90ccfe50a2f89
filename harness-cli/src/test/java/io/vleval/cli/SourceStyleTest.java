package io.vleval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * House rule the formatter cannot keep: no inline fully qualified type names in code. A type is
 * imported and named simply, unless its simple name is taken in that file (another import of the
 * same name, or a type of that name in the file or its package), where the qualified name is the
 * only way to tell the two apart.
 */
class SourceStyleTest {

  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(?<![.\\w\"/])((?:java|javax|ai\\.djl|io\\.vleval|org|com|picocli)(?:\\.[a-z][a-z0-9_]*)+)\\.([A-Z]\\w*)");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import ([\\w.]+)\\.(\\w+);");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern DECLARED =
      Pattern.compile("\\b(?:class|interface|record|enum)\\s+(\\w+)");

  @Test
  void noInlineFullyQualifiedNames() throws IOException {
    Path root = Path.of(System.getProperty("vleval.repoRoot", "..")).toAbsolutePath().normalize();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> p.toString().contains("/src/"))
          .filter(p -> !p.toString().contains("/target/"))
          .forEach(p -> found.addAll(check(root, p)));
    }
    assertThat(found).as("inline qualified names; import the type instead").isEmpty();
  }

  private static List<String> check(Path root, Path file) {
    String src;
    try {
      src = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher pm = PACKAGE.matcher(src);
    String pkg = pm.find() ? pm.group(1) : "";
    Map<String, String> imports = new HashMap<>();
    Matcher im = IMPORT.matcher(src);
    while (im.find()) {
      imports.put(im.group(2), im.group(1));
    }
    Set<String> local = new HashSet<>();
    Matcher dm = DECLARED.matcher(src);
    while (dm.find()) {
      local.add(dm.group(1));
    }
    try (Stream<Path> siblings = Files.list(file.getParent())) {
      siblings
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".java"))
          .forEach(n -> local.add(n.substring(0, n.length() - 5)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    boolean inComment = false;
    String[] lines = src.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String t = line.strip();
      if (inComment) {
        inComment = !line.contains("*/");
        continue;
      }
      if (t.startsWith("/*")) {
        inComment = !t.contains("*/");
        continue;
      }
      if (t.startsWith("//")
          || t.startsWith("*")
          || t.startsWith("import ")
          || t.startsWith("package ")) {
        continue;
      }
      Matcher m = QUALIFIED.matcher(line);
      while (m.find()) {
        String before = line.substring(0, m.start());
        if (before.chars().filter(c -> c == '"').count() % 2 == 1 || before.contains("//")) {
          continue; // inside a string or a trailing comment
        }
        String name = m.group(2);
        boolean clash =
            (imports.containsKey(name) && !imports.get(name).equals(m.group(1)))
                || (local.contains(name) && !m.group(1).equals(pkg));
        if (!clash) {
          out.add(root.relativize(file) + ":" + (i + 1) + ": " + m.group());
        }
      }
    }
    return out;
  }
}
