package io.vleval.datasets.captions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO-format caption annotations ({@code images[]} with {@code id} and {@code file_name}; {@code
 * annotations[]} with {@code image_id} and {@code caption}), as COCO and NoCaps ship them. Images
 * come in the order of {@code images[]}; sample ids are the image ids.
 */
public final class CocoCaptionsProvider implements DatasetProvider<CocoCaptionsProvider.Spec> {

  /** Options of the COCO caption loader. */
  public record Spec(
      @Doc("the COCO-format caption JSON") @Required @MustExist Path annotations,
      @Doc("folder the file_name entries are relative to (default: the JSON's folder)") @MustExist
          Path images) {}

  @Override
  public String type() {
    return "coco-captions";
  }

  @Override
  public String description() {
    return "COCO-format caption annotations (COCO, NoCaps): images[] and annotations[]";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return CaptionedImage.class;
  }

  @Override
  public Dataset<CaptionedImage> open(Spec spec, PluginContext context) {
    Path file = spec.annotations().toAbsolutePath().normalize();
    DatasetRoot images = new DatasetRoot(spec.images() != null ? spec.images() : file.getParent());
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    JsonNode imageList = root == null ? null : root.get("images");
    JsonNode annotationList = root == null ? null : root.get("annotations");
    if (imageList == null
        || !imageList.isArray()
        || annotationList == null
        || !annotationList.isArray()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "expected an object with lists 'images' and 'annotations' (COCO caption format), found "
              + (root == null || !root.isObject()
                  ? JsonKinds.of(root)
                  : "'images' as "
                      + JsonKinds.of(imageList)
                      + " and 'annotations' as "
                      + JsonKinds.of(annotationList)));
    }
    Map<String, List<String>> captions = new LinkedHashMap<>();
    List<String> broken = new ArrayList<>();
    int brokenCount = 0;
    for (int i = 0; i < annotationList.size(); i++) {
      JsonNode a = annotationList.get(i);
      String problem = annotationProblem(a);
      if (problem != null) {
        if (brokenCount++ < SHOWN) {
          broken.add("annotations[" + i + "]: " + problem);
        }
        continue;
      }
      captions
          .computeIfAbsent(JsonKinds.id(a.get("image_id")), k -> new ArrayList<>())
          .add(a.get("caption").asText());
    }
    if (brokenCount > 0) {
      // an annotation that cannot be read cannot be given to its image: the file is refused,
      // naming every such annotation
      throw new DatasetFormatException(
          file.toString(),
          "",
          brokenCount
              + (brokenCount == 1 ? " malformed annotation: " : " malformed annotations: ")
              + String.join("; ", broken)
              + (brokenCount > SHOWN ? "; and " + (brokenCount - SHOWN) + " more" : ""));
    }
    List<CaptionEntry> entries = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < imageList.size(); i++) {
      JsonNode img = imageList.get(i);
      String place = "images[" + i + "]";
      if (!img.isObject()) {
        entries.add(
            CaptionEntry.broken(
                "images-" + i,
                place,
                "expected an image object (id, file_name), found " + JsonKinds.of(img)));
        continue;
      }
      String id = JsonKinds.id(img.get("id"));
      if (id == null) {
        entries.add(
            CaptionEntry.broken(
                "images-" + i,
                place + ".id",
                img.hasNonNull("id")
                    ? "'id' must be an integer or a string, found " + JsonKinds.of(img.get("id"))
                    : "missing 'id', expected the image id (an integer)"));
        continue;
      }
      JsonNode fileName = img.get("file_name");
      if (fileName == null || fileName.isNull() || !fileName.isTextual()) {
        entries.add(
            CaptionEntry.broken(
                id,
                place + ".file_name",
                fileName == null || fileName.isNull()
                    ? "missing 'file_name', expected the image's file name (a string)"
                    : "'file_name' must be a string, found " + JsonKinds.of(fileName)));
        continue;
      }
      Integer first = firstIndex.putIfAbsent(id, i);
      if (first != null) {
        entries.add(
            CaptionEntry.broken(
                id + "#" + i,
                place,
                "image id " + id + " is listed again (first at images[" + first + "])"));
        continue;
      }
      List<String> texts = captions.getOrDefault(id, List.of());
      entries.add(
          texts.isEmpty()
              ? CaptionEntry.broken(
                  id,
                  place,
                  "image " + id + " has no caption in 'annotations', expected one or more")
              : new CaptionEntry(id, fileName.asText(), texts, place, null));
    }
    Fingerprint fp = new Fingerprint("coco-captions/1").addFileContent(file);
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), entries.size(), List.of(), file.toString());
    return Dataset.of(
        CaptionedImage.class,
        info,
        () ->
            Cursors.indexed(
                entries.size(), i -> entries.get(i).toSample(images, file.toString(), decoder)));
  }

  /** How many malformed annotations the message names; the rest are counted. */
  private static final int SHOWN = 20;

  /** Why an annotation cannot be read, or {@code null}. */
  private static String annotationProblem(JsonNode a) {
    if (!a.isObject()) {
      return "expected an object with 'image_id' and 'caption', found " + JsonKinds.of(a);
    }
    JsonNode imageId = a.get("image_id");
    if (imageId == null || imageId.isNull()) {
      return "missing 'image_id', expected the id of an image in 'images'";
    }
    if (JsonKinds.id(imageId) == null) {
      return "'image_id' must be an integer or a string, found " + JsonKinds.of(imageId);
    }
    JsonNode caption = a.get("caption");
    if (caption == null || caption.isNull()) {
      return "missing 'caption', expected the caption text";
    }
    if (!caption.isTextual()) {
      return "'caption' must be a string, found " + JsonKinds.of(caption);
    }
    return null;
  }
}
