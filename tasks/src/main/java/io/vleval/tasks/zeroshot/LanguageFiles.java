package io.vleval.tasks.zeroshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * CLIP_benchmark's class names and templates of one {@link Language}, read unchanged: {@code
 * <code>_classnames.json} and {@code <code>_zeroshot_classification_templates.json}, each a JSON
 * object whose key {@code imagenet1k} holds a list of strings (class names in ImageNet's label
 * order; templates filled with Python's {@code str.format(c=name)}). Other keys are ignored.
 *
 * <p>The files are looked up in a folder the task names ({@code language_files}), else on the class
 * path under {@value #RESOURCE_FOLDER}, where files dropped into {@value #SOURCE_FOLDER} land when
 * the tasks module is built.
 */
public final class LanguageFiles {

  /** Where the files are looked up on the class path. */
  public static final String RESOURCE_FOLDER = "io/vleval/tasks/zeroshot/languages/";

  /** The source folder whose files the build puts there. */
  public static final String SOURCE_FOLDER = "tasks/src/main/resources/" + RESOURCE_FOLDER;

  /** The key both files are read at (the only key the multilingual files have). */
  public static final String KEY = "imagenet1k";

  private final Language language;
  private final Source classNames;
  private final Source templates;

  /** One file: where it was found, and how to name it in messages. */
  private record Source(String name, Path file, URL resource) {
    InputStream open() throws IOException {
      return file != null ? Files.newInputStream(file) : resource.openStream();
    }
  }

  private LanguageFiles(Language language, Source classNames, Source templates) {
    this.language = language;
    this.classNames = classNames;
    this.templates = templates;
  }

  /**
   * Why the language's files cannot be used: one of them is missing (the message names the
   * language, the missing file and where to put it); {@code null} when both are there.
   *
   * @param folder the folder named by {@code language_files}, or {@code null} for the built-in ones
   */
  public static String missing(Language language, Path folder) {
    return missing(language, folder, LanguageFiles.class.getClassLoader());
  }

  /** {@link #missing(Language, Path)}, with the built-in files looked up in {@code classes}. */
  static String missing(Language language, Path folder, ClassLoader classes) {
    List<String> absent = new ArrayList<>();
    for (String name : List.of(language.classNamesFile(), language.templatesFile())) {
      if (find(name, folder, classes) == null) {
        absent.add(name);
      }
    }
    if (absent.isEmpty()) {
      return null;
    }
    String what =
        absent.size() == 1
            ? absent.get(0) + " is missing"
            : String.join(" and ", absent) + " are missing";
    String where =
        folder != null
            ? " from " + folder + " (language_files); put CLIP_benchmark's file there unchanged"
            : " (not built in); put CLIP_benchmark's "
                + language.classNamesFile()
                + " and "
                + language.templatesFile()
                + " unchanged into "
                + SOURCE_FOLDER
                + " and rebuild, or name a folder holding them with language_files";
    return "language '"
        + language.code()
        + "' needs its class names and templates: "
        + what
        + where;
  }

  /**
   * The language's files.
   *
   * @throws IllegalArgumentException naming the missing file (see {@link #missing})
   */
  public static LanguageFiles of(Language language, Path folder) {
    return of(language, folder, LanguageFiles.class.getClassLoader());
  }

  /** {@link #of(Language, Path)}, with the built-in files looked up in {@code classes}. */
  static LanguageFiles of(Language language, Path folder, ClassLoader classes) {
    String why = missing(language, folder, classes);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    return new LanguageFiles(
        language,
        find(language.classNamesFile(), folder, classes),
        find(language.templatesFile(), folder, classes));
  }

  private static Source find(String name, Path folder, ClassLoader classes) {
    if (folder != null) {
      Path file = folder.resolve(name);
      return Files.isRegularFile(file) ? new Source(file.toString(), file, null) : null;
    }
    URL url = classes.getResource(RESOURCE_FOLDER + name);
    return url == null ? null : new Source(RESOURCE_FOLDER + name + " (built in)", null, url);
  }

  public Language language() {
    return language;
  }

  /** The class names at {@code imagenet1k}, checked against the dataset's number of classes. */
  public List<String> classNames(int expected) {
    List<String> names = strings(classNames, "class name");
    if (names.size() != expected) {
      throw new DatasetFormatException(
          classNames.name(),
          "key '" + KEY + "'",
          names.size()
              + " class names for a dataset of "
              + expected
              + " classes; expected one name per class, in label order");
    }
    return names;
  }

  /** The templates at {@code imagenet1k}, each checked as a Python format string. */
  public List<String> templates() {
    List<String> out = strings(templates, "template");
    for (int i = 0; i < out.size(); i++) {
      String problem = PromptTemplates.formatProblem(out.get(i));
      if (problem != null) {
        throw new DatasetFormatException(templates.name(), "key '" + KEY + "'[" + i + "]", problem);
      }
    }
    return out;
  }

  private static List<String> strings(Source source, String what) {
    JsonNode root;
    try (InputStream in = source.open()) {
      root = new ObjectMapper().readTree(in);
    } catch (JsonProcessingException e) {
      throw new DatasetFormatException(
          source.name(),
          e.getLocation() == null
              ? ""
              : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(),
          "invalid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new DatasetFormatException(source.name(), "", "cannot read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new DatasetFormatException(
          source.name(),
          "",
          "expected a JSON object whose key '" + KEY + "' holds a list of " + what + "s");
    }
    JsonNode list = root.get(KEY);
    if (list == null) {
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = root.fieldNames(); it.hasNext() && keys.size() < 20; ) {
        keys.add(it.next());
      }
      throw new DatasetFormatException(
          source.name(),
          "",
          "no key '" + KEY + "'; expected it to hold the " + what + "s (keys found: " + keys + ")");
    }
    if (!list.isArray() || list.isEmpty()) {
      throw new DatasetFormatException(
          source.name(),
          "key '" + KEY + "'",
          "expected a non-empty list of " + what + "s, found " + kind(list));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isTextual()) {
        throw new DatasetFormatException(
            source.name(),
            "key '" + KEY + "'[" + i + "]",
            "expected a " + what + " (a string), found " + kind(item));
      }
      out.add(item.asText());
    }
    return out;
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return node.isEmpty() ? "an empty list" : "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNull()) {
      return "null";
    }
    return node.isNumber() ? "the number " + node.asText() : "the value " + node.asText();
  }
}
