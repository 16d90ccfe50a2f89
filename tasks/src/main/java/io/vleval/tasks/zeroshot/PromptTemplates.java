package io.vleval.tasks.zeroshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt templates with a {@code {c}} placeholder for the class name. Built in: the 80 templates
 * OpenAI's CLIP uses for ImageNet (which CLIP_benchmark and InternVL use, and fall back to for
 * datasets without their own). Custom ones come from a file: a JSON list of strings, or one
 * template per line; {@code {}} is accepted for {@code {c}}.
 */
public final class PromptTemplates {
  private PromptTemplates() {}

  /** OpenAI's 80 ImageNet templates. */
  public static final List<String> IMAGENET =
      List.of(
          "a bad photo of a {c}.",
          "a photo of many {c}.",
          "a sculpture of a {c}.",
          "a photo of the hard to see {c}.",
          "a low resolution photo of the {c}.",
          "a rendering of a {c}.",
          "graffiti of a {c}.",
          "a bad photo of the {c}.",
          "a cropped photo of the {c}.",
          "a tattoo of a {c}.",
          "the embroidered {c}.",
          "a photo of a hard to see {c}.",
          "a bright photo of a {c}.",
          "a photo of a clean {c}.",
          "a photo of a dirty {c}.",
          "a dark photo of the {c}.",
          "a drawing of a {c}.",
          "a photo of my {c}.",
          "the plastic {c}.",
          "a photo of the cool {c}.",
          "a close-up photo of a {c}.",
          "a black and white photo of the {c}.",
          "a painting of the {c}.",
          "a painting of a {c}.",
          "a pixelated photo of the {c}.",
          "a sculpture of the {c}.",
          "a bright photo of the {c}.",
          "a cropped photo of a {c}.",
          "a plastic {c}.",
          "a photo of the dirty {c}.",
          "a jpeg corrupted photo of a {c}.",
          "a blurry photo of the {c}.",
          "a photo of the {c}.",
          "a good photo of the {c}.",
          "a rendering of the {c}.",
          "a {c} in a video game.",
          "a photo of one {c}.",
          "a doodle of a {c}.",
          "a close-up photo of the {c}.",
          "a photo of a {c}.",
          "the origami {c}.",
          "the {c} in a video game.",
          "a sketch of a {c}.",
          "a doodle of the {c}.",
          "a origami {c}.",
          "a low resolution photo of a {c}.",
          "the toy {c}.",
          "a rendition of the {c}.",
          "a photo of the clean {c}.",
          "a photo of a large {c}.",
          "a rendition of a {c}.",
          "a photo of a nice {c}.",
          "a photo of a weird {c}.",
          "a blurry photo of a {c}.",
          "a cartoon {c}.",
          "art of a {c}.",
          "a sketch of the {c}.",
          "a embroidered {c}.",
          "a pixelated photo of a {c}.",
          "itap of the {c}.",
          "a jpeg corrupted photo of the {c}.",
          "a good photo of a {c}.",
          "a plushie {c}.",
          "a photo of the nice {c}.",
          "a photo of the small {c}.",
          "a photo of the weird {c}.",
          "the cartoon {c}.",
          "art of the {c}.",
          "a drawing of the {c}.",
          "a photo of the large {c}.",
          "a black and white photo of a {c}.",
          "the plushie {c}.",
          "a dark photo of a {c}.",
          "itap of a {c}.",
          "graffiti of the {c}.",
          "a toy {c}.",
          "itap of my {c}.",
          "a photo of a cool {c}.",
          "a photo of a small {c}.",
          "a tattoo of the {c}.");

  /** Templates from a file, or the ImageNet ones when {@code file} is null. */
  public static List<String> load(Path file) {
    if (file == null) {
      return IMAGENET;
    }
    List<String> out = new ArrayList<>();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.strip().startsWith("[")) {
        JsonNode list = new ObjectMapper().readTree(text);
        for (int i = 0; i < list.size(); i++) {
          out.add(check(list.get(i).asText(), file, "item " + i));
        }
      } else {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
          if (!lines.get(i).isBlank()) {
            out.add(check(lines.get(i).strip(), file, "line " + (i + 1)));
          }
        }
      }
    } catch (IOException e) {
      throw new DatasetFormatException(
          file.toString(), "", "cannot read templates: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new DatasetFormatException(file.toString(), "", "no templates");
    }
    return out;
  }

  private static String check(String template, Path file, String place) {
    String t = template.replace("{}", "{c}");
    String problem = formatProblem(t);
    if (problem != null) {
      throw new DatasetFormatException(file.toString(), place, problem);
    }
    if (fill(t, "").equals(fill(t, "x"))) {
      throw new DatasetFormatException(
          file.toString(), place, "template '" + template + "' has no {c} placeholder");
    }
    return t;
  }

  /**
   * The template filled as CLIP_benchmark fills it, Python's {@code template.format(c=name)}: every
   * {@code {c}} becomes the class name, and a doubled brace becomes a single one.
   *
   * @throws IllegalArgumentException for a template {@link #formatProblem} refuses
   */
  public static String fill(String template, String className) {
    String problem = formatProblem(template);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    StringBuilder out = new StringBuilder(template.length() + className.length());
    for (int i = 0; i < template.length(); ) {
      char ch = template.charAt(i);
      if (ch == '{' && template.startsWith("{{", i) || ch == '}') {
        out.append(ch);
        i += 2;
      } else if (ch == '{') {
        out.append(className);
        i += 3;
      } else {
        out.append(ch);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Why Python's {@code template.format(c=name)} would not fill the template as a template, or
   * {@code null} when it would: only {@code {c}} fields and doubled braces are accepted (a field of
   * another name fails in Python; conversions and format specs are not used by any reference
   * template).
   */
  public static String formatProblem(String template) {
    for (int i = 0; i < template.length(); ) {
      char ch = template.charAt(i);
      if (ch == '{') {
        if (template.startsWith("{{", i)) {
          i += 2;
        } else if (template.startsWith("{c}", i)) {
          i += 3;
        } else {
          int close = template.indexOf('}', i);
          String field = close < 0 ? template.substring(i) : template.substring(i, close + 1);
          return "template '"
              + template
              + "' has the field '"
              + field
              + "' at character "
              + (i + 1)
              + "; expected only {c} (the class name) and {{ or }} for a literal brace, as"
              + " Python's str.format(c=name) fills templates";
        }
      } else if (ch == '}') {
        if (!template.startsWith("}}", i)) {
          return "template '"
              + template
              + "' has a single '}' at character "
              + (i + 1)
              + "; expected }} for a literal brace, as Python's str.format(c=name) requires";
        }
        i += 2;
      } else {
        i++;
      }
    }
    return null;
  }

  /** Class names from a file: a JSON list or one per line, in label order. */
  public static List<String> classNames(Path file, int expected) {
    List<String> out = new ArrayList<>();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.strip().startsWith("[")) {
        new ObjectMapper().readTree(text).forEach(n -> out.add(n.asText()));
      } else {
        text.lines().filter(l -> !l.isBlank()).forEach(l -> out.add(l.strip()));
      }
    } catch (IOException e) {
      throw new DatasetFormatException(
          file.toString(), "", "cannot read class names: " + e.getMessage());
    }
    if (out.size() != expected) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          out.size() + " class names for a dataset of " + expected + " classes");
    }
    return out;
  }
}
