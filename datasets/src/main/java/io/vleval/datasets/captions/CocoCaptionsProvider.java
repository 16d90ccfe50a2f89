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
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.Cursors;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
      throw new DatasetFormatException(
          file.toString(),
          "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(),
          "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + e.getMessage());
    }
    JsonNode imageList = root.get("images");
    JsonNode annotationList = root.get("annotations");
    if (imageList == null
        || !imageList.isArray()
        || annotationList == null
        || !annotationList.isArray()) {
      throw new DatasetFormatException(
          file.toString(), "", "expected lists 'images' and 'annotations' (COCO caption format)");
    }
    Map<String, List<String>> captions = new LinkedHashMap<>();
    List<String[]> broken = new ArrayList<>();
    for (int i = 0; i < annotationList.size(); i++) {
      JsonNode a = annotationList.get(i);
      if (!a.hasNonNull("image_id") || !a.path("caption").isTextual()) {
        broken.add(
            new String[] {"annotations[" + i + "]", "needs 'image_id' and a text 'caption'"});
        continue;
      }
      captions
          .computeIfAbsent(a.get("image_id").asText(), k -> new ArrayList<>())
          .add(a.get("caption").asText());
    }
    if (!broken.isEmpty()) {
      String[] first = broken.get(0);
      throw new DatasetFormatException(
          file.toString(),
          first[0],
          first[1]
              + (broken.size() > 1 ? " (and " + (broken.size() - 1) + " more annotations)" : ""));
    }
    List<CaptionEntry> entries = new ArrayList<>();
    for (int i = 0; i < imageList.size(); i++) {
      JsonNode img = imageList.get(i);
      String place = "images[" + i + "]";
      if (!img.hasNonNull("id") || !img.path("file_name").isTextual()) {
        entries.add(CaptionEntry.broken("images-" + i, place, "needs 'id' and 'file_name'"));
        continue;
      }
      String id = img.get("id").asText();
      List<String> texts = captions.getOrDefault(id, List.of());
      entries.add(
          texts.isEmpty()
              ? CaptionEntry.broken(id, place, "image " + id + " has no caption in 'annotations'")
              : new CaptionEntry(id, img.get("file_name").asText(), texts, place, null));
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
}
