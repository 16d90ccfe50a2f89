package io.vleval.datasets.imagefolder;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ImageNet-ReaL's {@code real.json} (Beyer et al. 2020, google-research/reassessed-imagenet): a
 * JSON list with one entry per validation image, in the order of the images' file names ({@code
 * ILSVRC2012_val_00000001.JPEG} first), each the list of class indices that are a correct answer
 * for that image; an empty list means no label holds and the image is left out of the evaluation.
 */
final class RealLabels {
  private final List<List<Integer>> entries;

  private RealLabels(List<List<Integer>> entries) {
    this.entries = entries;
  }

  static RealLabels read(Path file, int classes) {
    JsonNode json;
    try {
      json = new ObjectMapper().readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    if (json == null || !json.isArray()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "expected a JSON list with one list of labels per image, found "
              + (json == null ? "nothing" : JsonKinds.of(json)));
    }
    List<List<Integer>> entries = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      JsonNode entry = json.get(i);
      if (!entry.isArray()) {
        throw new DatasetFormatException(
            file.toString(),
            "entry " + i,
            "expected a list of class indices, found " + JsonKinds.of(entry));
      }
      List<Integer> labels = new ArrayList<>(entry.size());
      for (JsonNode label : entry) {
        if (!label.isInt() || label.asInt() < 0 || label.asInt() >= classes) {
          throw new DatasetFormatException(
              file.toString(),
              "entry " + i,
              "label "
                  + label
                  + " is not a class index; expected integers from 0 to "
                  + (classes - 1)
                  + " (the dataset has "
                  + classes
                  + " classes)");
        }
        labels.add(label.asInt());
      }
      entries.add(List.copyOf(labels));
    }
    return new RealLabels(entries);
  }

  /**
   * The labels of each file: entry {@code k} belongs to the {@code k}-th file name in sorted order.
   *
   * @param file the real.json, for messages
   */
  List<List<Integer>> perFile(List<Path> files, Path file) {
    Map<String, Path> byName = new HashMap<>();
    for (Path f : files) {
      Path other = byName.put(f.getFileName().toString(), f);
      if (other != null) {
        throw new DatasetFormatException(
            file.toString(),
            "",
            "two images are named "
                + f.getFileName()
                + " ("
                + other
                + " and "
                + f
                + "); ReaL labels are matched to images by file name, which must be unique");
      }
    }
    if (byName.size() != entries.size()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "holds "
              + entries.size()
              + " entries but the dataset has "
              + byName.size()
              + " images; real.json lists one entry per validation image, in file-name order");
    }
    List<String> sorted = new ArrayList<>(byName.keySet());
    sorted.sort(null);
    Map<String, Integer> index = new HashMap<>();
    for (int k = 0; k < sorted.size(); k++) {
      index.put(sorted.get(k), k);
    }
    List<List<Integer>> out = new ArrayList<>(files.size());
    for (Path f : files) {
      out.add(entries.get(index.get(f.getFileName().toString())));
    }
    return out;
  }
}
