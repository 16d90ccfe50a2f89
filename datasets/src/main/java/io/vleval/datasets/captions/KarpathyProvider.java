package io.vleval.datasets.captions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Karpathy's split files ({@code dataset_coco.json}, {@code dataset_flickr30k.json}): images with
 * {@code split}, {@code filepath} (COCO only), {@code filename} and {@code sentences[].raw}. The
 * file is read as a stream, one image object at a time, so its size does not matter.
 */
public final class KarpathyProvider implements DatasetProvider<KarpathyProvider.Spec> {

  /** Options of the Karpathy loader. */
  public record Spec(
      @Doc("the Karpathy JSON file") @Required @MustExist Path annotations,
      @Doc("folder that filepath/filename are relative to (default: the JSON's folder)") @MustExist
          Path images,
      @Doc("splits to read, e.g. [test] or [train, restval] (default [test])")
          List<String> splits) {
    public Spec {
      splits = splits == null || splits.isEmpty() ? List.of("test") : List.copyOf(splits);
    }
  }

  @Override
  public String type() {
    return "karpathy";
  }

  @Override
  public String description() {
    return "Karpathy split JSON (dataset_coco.json, dataset_flickr30k.json): images with several captions";
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
    List<CaptionEntry> entries = read(file, Set.copyOf(spec.splits()));
    if (entries.isEmpty()) {
      throw new DatasetFormatException(file.toString(), "", "no images in splits " + spec.splits());
    }
    Fingerprint fp = new Fingerprint("karpathy/1").addFileContent(file);
    spec.splits().forEach(fp::add);
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), entries.size(), List.of(), file.toString());
    return Dataset.of(
        CaptionedImage.class,
        info,
        () ->
            Cursors.indexed(
                entries.size(), i -> entries.get(i).toSample(images, file.toString(), decoder)));
  }

  private static List<CaptionEntry> read(Path file, Set<String> splits) {
    ObjectMapper mapper = new ObjectMapper();
    List<CaptionEntry> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (JsonParser p = new JsonFactory(mapper).createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new DatasetFormatException(
            file.toString(), "line 1", "expected a JSON object with an 'images' list");
      }
      boolean sawImages = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!field.equals("images")) {
          p.skipChildren();
          continue;
        }
        sawImages = true;
        if (p.currentToken() != JsonToken.START_ARRAY) {
          throw new DatasetFormatException(file.toString(), "key 'images'", "must be a list");
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          JsonNode image = mapper.readTree(p);
          CaptionEntry e = entry(image, index++);
          if (e == null || !splits.contains(image.path("split").asText())) {
            continue;
          }
          if (!ids.add(e.id())) {
            e =
                CaptionEntry.broken(
                    e.id() + "#" + index,
                    "images[" + (index - 1) + "]",
                    "image '" + e.id() + "' is listed twice");
          }
          out.add(e);
        }
      }
      if (!sawImages) {
        throw new DatasetFormatException(
            file.toString(), "", "no 'images' key (is this a Karpathy split file?)");
      }
    } catch (JsonParseException e) {
      throw new DatasetFormatException(
          file.toString(),
          "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(),
          "invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + e.getMessage());
    }
    return out;
  }

  private static CaptionEntry entry(JsonNode image, int index) {
    String place = "images[" + index + "]";
    if (!image.isObject()) {
      return CaptionEntry.broken("images-" + index, place, "expected an object");
    }
    JsonNode filename = image.get("filename");
    if (filename == null || !filename.isTextual()) {
      return CaptionEntry.broken("images-" + index, place, "missing 'filename'");
    }
    String filepath = image.path("filepath").asText("");
    String relative = filepath.isEmpty() ? filename.asText() : filepath + "/" + filename.asText();
    JsonNode sentences = image.get("sentences");
    if (sentences == null || !sentences.isArray() || sentences.isEmpty()) {
      return CaptionEntry.broken(relative, place + ".sentences", "missing or empty 'sentences'");
    }
    List<String> captions = new ArrayList<>();
    for (int s = 0; s < sentences.size(); s++) {
      JsonNode raw = sentences.get(s).get("raw");
      if (raw == null || !raw.isTextual()) {
        return CaptionEntry.broken(
            relative, place + ".sentences[" + s + "]", "missing 'raw' caption text");
      }
      captions.add(raw.asText());
    }
    return new CaptionEntry(relative, relative, captions, place, null);
  }
}
