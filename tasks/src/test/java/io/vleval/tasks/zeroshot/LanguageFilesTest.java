package io.vleval.tasks.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.ConfigException;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.testkit.SpecYaml;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIP_benchmark's language files, read as the reference reads them: {@code <lang>_classnames.json}
 * and {@code <lang>_zeroshot_classification_templates.json}, JSON objects whose key {@code
 * imagenet1k} holds the class names and the templates. The files here are small stand-ins written
 * in that format (3 classes, 2 templates per language).
 */
class LanguageFilesTest {

  @TempDir Path temp;

  /** Three class names and two templates per language, as CLIP_benchmark lays its files out. */
  static final Map<Language, List<String>> NAMES =
      Map.of(
          Language.EN, List.of("tench", "goldfish", "great white shark"),
          Language.CN, List.of("丁鲷", "金鱼", "大白鲨"),
          Language.JP, List.of("テンチ", "金魚", "ホホジロザメ"),
          Language.AR, List.of("سمك التنش", "السمكة الذهبية", "القرش الأبيض الكبير"),
          Language.IT, List.of("una tinca", "un pesce rosso", "un grande squalo bianco"));

  static final Map<Language, List<String>> TEMPLATES =
      Map.of(
          Language.EN, List.of("a bad photo of a {c}.", "a photo of many {c}."),
          Language.CN, List.of("{c}的照片。", "质量差的{c}的照片。"),
          Language.JP, List.of("{c}の悪い写真", "多くの{c}の写真"),
          Language.AR, List.of("{c}", "صورة سيئة لـ {c}"),
          Language.IT, List.of("una brutta foto di {c}", "una scultura di {c}"));

  private static String jsonList(List<String> items) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < items.size(); i++) {
      sb.append(i == 0 ? "" : ", ")
          .append('"')
          .append(items.get(i).replace("\"", "\\\""))
          .append('"');
    }
    return sb.append(']').toString();
  }

  /** Writes every language's two files into {@code dir}; the English ones with other keys too. */
  static Path writeFiles(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Language l : Language.values()) {
      String others = l == Language.EN ? "\"cifar10\": [\"airplane\"], " : "";
      Files.writeString(
          dir.resolve(l.classNamesFile()),
          "{" + others + "\"imagenet1k\": " + jsonList(NAMES.get(l)) + "}",
          StandardCharsets.UTF_8);
      Files.writeString(
          dir.resolve(l.templatesFile()),
          "{" + others + "\"imagenet1k\": " + jsonList(TEMPLATES.get(l)) + "}",
          StandardCharsets.UTF_8);
    }
    return dir;
  }

  @Test
  void everyLanguageReadsItsImagenetClassNamesAndTemplates() throws IOException {
    Path dir = writeFiles(temp.resolve("files"));
    for (Language l : Language.values()) {
      LanguageFiles files = LanguageFiles.of(l, dir);
      assertThat(files.classNames(3)).as(l.code()).containsExactlyElementsOf(NAMES.get(l));
      assertThat(files.templates()).as(l.code()).containsExactlyElementsOf(TEMPLATES.get(l));
    }
    assertThat(Language.CN.classNamesFile()).isEqualTo("cn_classnames.json");
    assertThat(Language.JP.templatesFile()).isEqualTo("jp_zeroshot_classification_templates.json");
  }

  @Test
  void templatesAreFilledAsPythonsStrFormatFillsThem() {
    assertThat(PromptTemplates.fill("{c}的照片。", "金鱼")).isEqualTo("金鱼的照片。");
    assertThat(PromptTemplates.fill("{c}", "x")).isEqualTo("x");
    assertThat(PromptTemplates.fill("{{c}} is {c}, {c}!", "a {c}"))
        .isEqualTo("{c} is a {c}, a {c}!");
    assertThat(PromptTemplates.fill("no placeholder", "x")).isEqualTo("no placeholder");
    assertThat(PromptTemplates.formatProblem("a {name} photo"))
        .isEqualTo(
            "template 'a {name} photo' has the field '{name}' at character 3; expected only {c}"
                + " (the class name) and {{ or }} for a literal brace, as Python's"
                + " str.format(c=name) fills templates");
    assertThat(PromptTemplates.formatProblem("a } photo of {c}"))
        .isEqualTo(
            "template 'a } photo of {c}' has a single '}' at character 3; expected }} for a literal"
                + " brace, as Python's str.format(c=name) requires");
    assertThat(PromptTemplates.formatProblem("a {c")).contains("has the field '{c'");
  }

  @Test
  void malformedFilesNameTheFileTheKeyAndWhatWasExpected() throws IOException {
    Path dir = writeFiles(temp.resolve("bad"));
    Path names = dir.resolve("cn_classnames.json");
    assertThatThrownBy(() -> LanguageFiles.of(Language.CN, dir).classNames(1000))
        .isInstanceOf(DatasetFormatException.class)
        .hasMessage(
            names
                + ": key 'imagenet1k': 3 class names for a dataset of 1000 classes; expected one"
                + " name per class, in label order");
    Files.writeString(names, "{\"imagenet\": [\"a\"]}");
    assertThatThrownBy(() -> LanguageFiles.of(Language.CN, dir).classNames(1))
        .hasMessage(
            names
                + ": no key 'imagenet1k'; expected it to hold the class names (keys found:"
                + " [imagenet])");
    Files.writeString(names, "{\"imagenet1k\": [\"a\", 7]}");
    assertThatThrownBy(() -> LanguageFiles.of(Language.CN, dir).classNames(2))
        .hasMessage(
            names + ": key 'imagenet1k'[1]: expected a class name (a string), found the number 7");
    Files.writeString(names, "[\"a\"]");
    assertThatThrownBy(() -> LanguageFiles.of(Language.CN, dir).classNames(1))
        .hasMessage(
            names + ": expected a JSON object whose key 'imagenet1k' holds a list of class names");
    Path templates = dir.resolve("cn_zeroshot_classification_templates.json");
    Files.writeString(templates, "{\"imagenet1k\": [\"{c}的照片。\", \"{0}的照片\"]}");
    assertThatThrownBy(() -> LanguageFiles.of(Language.CN, dir).templates())
        .hasMessageStartingWith(
            templates + ": key 'imagenet1k'[1]: template '{0}的照片' has the field '{0}'");
  }

  @Test
  void aLanguageWithoutItsFilesFailsValidationSayingWhichFileAndWhere() throws IOException {
    Path dir = writeFiles(temp.resolve("some"));
    Files.delete(dir.resolve("jp_zeroshot_classification_templates.json"));
    SpecYaml yaml = new SpecYaml(temp);
    assertThatThrownBy(
            () ->
                yaml.bind(
                    ZeroShotClassificationProvider.Spec.class,
                    "language: jp\nlanguage_files: " + dir + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "language 'jp' needs its class names and templates:"
                + " jp_zeroshot_classification_templates.json is missing from "
                + dir
                + " (language_files); put CLIP_benchmark's file there unchanged");
    // with both present the spec binds
    assertThat(
            yaml.bind(
                    ZeroShotClassificationProvider.Spec.class,
                    "language: cn\nlanguage_files: " + dir + "\n")
                .language())
        .isEqualTo(Language.CN);
    assertThatThrownBy(
            () ->
                yaml.bind(
                    ZeroShotClassificationProvider.Spec.class, "language_files: " + dir + "\n"))
        .hasMessageContaining(
            "language_files names the folder of a language's files; set language");
    assertThatThrownBy(() -> yaml.bind(ZeroShotClassificationProvider.Spec.class, "language: de\n"))
        .hasMessageContaining("language");
  }

  @Test
  void theBuiltInFilesAreLookedUpInTheTasksResourcesAndTheMessageSaysWhereToPutThem()
      throws IOException {
    try (URLClassLoader none = new URLClassLoader(new URL[0], null)) {
      assertThat(LanguageFiles.missing(Language.AR, null, none))
          .isEqualTo(
              "language 'ar' needs its class names and templates: ar_classnames.json and"
                  + " ar_zeroshot_classification_templates.json are missing (not built in); put"
                  + " CLIP_benchmark's ar_classnames.json and"
                  + " ar_zeroshot_classification_templates.json unchanged into"
                  + " tasks/src/main/resources/io/vleval/tasks/zeroshot/languages/ and rebuild, or"
                  + " name a folder holding them with language_files");
    }
    // files dropped, unchanged, into the resource folder are found with no code change
    Path classes = temp.resolve("classes");
    writeFiles(classes.resolve(LanguageFiles.RESOURCE_FOLDER));
    try (URLClassLoader built = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      assertThat(LanguageFiles.missing(Language.AR, null, built)).isNull();
      LanguageFiles ar = LanguageFiles.of(Language.AR, null, built);
      assertThat(ar.classNames(3)).containsExactlyElementsOf(NAMES.get(Language.AR));
      assertThat(ar.templates()).containsExactlyElementsOf(TEMPLATES.get(Language.AR));
    }
  }
}
