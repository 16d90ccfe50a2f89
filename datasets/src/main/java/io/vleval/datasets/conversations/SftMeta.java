package io.vleval.datasets.conversations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * InternVL's SFT meta file ({@code --meta_path}): a JSON object whose entries name annotation
 * files, {@code {"name": {"root": ..., "annotation": ..., "repeat_time": 1, "data_augment": false,
 * "max_dynamic_patch": 6, "length": 1000}}}. Relative {@code root} and {@code annotation} paths are
 * resolved against the meta file's folder. Other keys ({@code length}...) are read by InternVL's
 * tools and passed over here.
 */
public final class SftMeta {
  private SftMeta() {}

  /**
   * @return the entries in file order
   * @throws DatasetFormatException naming the file and entry for every problem, all at once
   */
  public static List<SftSource> read(Path file) {
    JsonNode top;
    try {
      top = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    if (top == null || !top.isObject() || top.isEmpty()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "expected a JSON object of named entries with 'root', 'annotation' and 'repeat_time',"
              + " found "
              + (top != null && top.isObject() ? "an empty object" : JsonKinds.of(top)));
    }
    Path base = file.toAbsolutePath().getParent();
    List<SftSource> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = top.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      String place = "entry '" + name + "'";
      if (!v.isObject()) {
        problems.add(
            place
                + ": expected an object with 'root', 'annotation' and 'repeat_time',"
                + " found "
                + JsonKinds.of(v));
        continue;
      }
      int before = problems.size();
      String root = text(v, "root", place, problems);
      String annotation = text(v, "annotation", place, problems);
      double repeat = 1;
      JsonNode r = v.get("repeat_time");
      if (r != null && !r.isNull()) {
        if (!r.isNumber() || r.asDouble() <= 0) {
          problems.add(place + ".repeat_time: expected a number above 0, found " + JsonKinds.of(r));
        } else if (r.asDouble() > 1 && r.asDouble() != Math.rint(r.asDouble())) {
          problems.add(
              place
                  + ".repeat_time: "
                  + r.asText()
                  + " is above 1 but not a whole number; expected a fraction below 1 (part of"
                  + " the file) or a whole number of passes");
        } else {
          repeat = r.asDouble();
        }
      }
      Boolean augment = null;
      JsonNode a = v.get("data_augment");
      if (a != null && !a.isNull()) {
        if (!a.isBoolean()) {
          problems.add(place + ".data_augment: expected true or false, found " + JsonKinds.of(a));
        } else {
          augment = a.asBoolean();
        }
      }
      Integer patches = null;
      JsonNode p = v.get("max_dynamic_patch");
      if (p != null && !p.isNull()) {
        if (!p.isIntegralNumber() || p.asLong() < 1 || p.asLong() > 1_000) {
          problems.add(
              place
                  + ".max_dynamic_patch: expected a whole number from 1, found "
                  + JsonKinds.of(p));
        } else {
          patches = p.asInt();
        }
      }
      if (problems.size() > before) {
        continue;
      }
      Path rootPath = base.resolve(root).normalize();
      Path annotationPath = base.resolve(annotation).normalize();
      if (!Files.isDirectory(rootPath)) {
        problems.add(place + ".root: folder " + rootPath + " not found");
      }
      if (!Files.isRegularFile(annotationPath)) {
        problems.add(place + ".annotation: file " + annotationPath + " not found");
      }
      out.add(new SftSource(name, rootPath, annotationPath, repeat, augment, patches));
    }
    if (!problems.isEmpty()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          problems.size() == 1
              ? problems.get(0)
              : problems.size()
                  + " problems:\n"
                  + file
                  + ": "
                  + String.join("\n" + file + ": ", problems));
    }
    return out;
  }

  private static String text(JsonNode v, String key, String place, List<String> problems) {
    JsonNode t = v.get(key);
    if (t == null || t.isNull()) {
      problems.add(place + ": missing '" + key + "', expected a path");
      return null;
    }
    if (!t.isTextual() || t.asText().isBlank()) {
      problems.add(place + "." + key + ": expected a path, found " + JsonKinds.of(t));
      return null;
    }
    return t.asText();
  }
}
