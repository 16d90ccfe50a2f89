package io.vleval.datasets.imagefolder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads class display names: a JSON list (aligned with the label order), a JSON object mapping
 * folder name to display name, or a text file with one name per line (aligned). With no folders
 * given (index folders), a list of any length, which then defines the classes.
 */
final class ClassNames {
  private ClassNames() {}

  static List<String> read(Path file, List<String> folders) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetFormatException(
          file.toString(), "", "cannot read class names: " + FailureText.of(e), e);
    }
    String trimmed = text.strip();
    List<String> names = new ArrayList<>();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
      JsonNode json;
      try {
        json = new ObjectMapper().readTree(trimmed);
      } catch (JsonProcessingException e) {
        throw FailureText.invalidJson(file, e);
      }
      if (json.isArray()) {
        for (int i = 0; i < json.size(); i++) {
          if (!json.get(i).isTextual()) {
            throw new DatasetFormatException(
                file.toString(),
                "item " + i,
                "class names must be strings, found " + JsonKinds.of(json.get(i)));
          }
          names.add(json.get(i).asText());
        }
      } else {
        if (folders == null) {
          throw new DatasetFormatException(
              file.toString(),
              "",
              "index_folders needs the class names as a list in label order (a JSON list or one"
                  + " name per line), not a map");
        }
        for (String folder : folders) {
          JsonNode name = json.get(folder);
          if (name == null || !name.isTextual()) {
            throw new DatasetFormatException(
                file.toString(),
                "key '" + folder + "'",
                name == null
                    ? "no display name for class folder '" + folder + "'"
                    : "the display name of class folder '"
                        + folder
                        + "' must be a string, found "
                        + JsonKinds.of(name));
          }
          names.add(name.asText());
        }
        return names;
      }
    } else {
      for (String line : text.split("\r?\n")) {
        if (!line.isBlank()) {
          names.add(line.strip());
        }
      }
    }
    if (folders != null && names.size() != folders.size()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          names.size()
              + " class names for "
              + folders.size()
              + " class folders; a list must give one name per class, in label order");
    }
    return names;
  }
}
