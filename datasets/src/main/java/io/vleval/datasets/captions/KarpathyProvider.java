package io.vleval.datasets.captions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
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
import java.util.TreeSet;

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
    Set<String> seen = new TreeSet<>();
    List<CaptionEntry> entries = read(file, Set.copyOf(spec.splits()), seen);
    if (entries.isEmpty()) {
      throw new DatasetFormatException(
          file.toString(),
          "",
          "no images in splits "
              + spec.splits()
              + (seen.isEmpty()
                  ? "; the file lists no images"
                  : "; the file's splits are " + seen));
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

  private static List<CaptionEntry> read(Path file, Set<String> splits, Set<String> seen) {
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
          throw new DatasetFormatException(
              file.toString(),
              "key 'images'",
              "must be a list of image objects, found " + JsonKinds.of(mapper.readTree(p)));
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          JsonNode image = mapper.readTree(p);
          int i = index++;
          // an entry whose split cannot be read is reported whatever splits are asked for: it
          // may belong to any of them
          String problem = splitProblem(image);
          CaptionEntry e;
          if (problem != null) {
            e = CaptionEntry.broken("images-" + i, place(image, i, ""), problem);
          } else if (!splits.contains(image.get("split").asText())) {
            if (seen.size() < 20) {
              seen.add(image.get("split").asText());
            }
            continue;
          } else {
            e = entry(image, i);
          }
          if (!ids.add(e.id())) {
            e =
                CaptionEntry.broken(
                    e.id() + "#" + index,
                    place(image, i, ""),
                    "image '" + e.id() + "' is listed again; expected each image once");
          }
          out.add(e);
        }
      }
      if (!sawImages) {
        throw new DatasetFormatException(
            file.toString(), "", "no 'images' key (is this a Karpathy split file?)");
      }
    } catch (JsonProcessingException e) {
      throw FailureText.invalidJson(file, e);
    } catch (IOException e) {
      throw new DatasetFormatException(file.toString(), "", "cannot read: " + FailureText.of(e), e);
    }
    return out;
  }

  private static final String SPLITS = "train, val, test or restval";

  /** Why the entry's split cannot be read, or {@code null} when it is a string. */
  private static String splitProblem(JsonNode image) {
    if (!image.isObject()) {
      return "expected an image object (split, filename, sentences), found " + JsonKinds.of(image);
    }
    JsonNode split = image.get("split");
    if (split == null || split.isNull()) {
      return "missing 'split', expected a string (" + SPLITS + ")";
    }
    if (!split.isTextual()) {
      return "'split' must be a string (" + SPLITS + "), found " + JsonKinds.of(split);
    }
    return null;
  }

  /** {@code images[3].sentences (imgid 17)}: the index, the field, and the entry's imgid if any. */
  private static String place(JsonNode image, int index, String field) {
    String imgid = image.isObject() ? JsonKinds.id(image.get("imgid")) : null;
    return "images[" + index + "]" + field + (imgid == null ? "" : " (imgid " + imgid + ")");
  }

  private static CaptionEntry entry(JsonNode image, int index) {
    String id = "images-" + index;
    JsonNode filename = image.get("filename");
    if (filename == null || filename.isNull()) {
      return CaptionEntry.broken(
          id,
          place(image, index, ""),
          "missing 'filename', expected the image's file name (a string)");
    }
    if (!filename.isTextual()) {
      return CaptionEntry.broken(
          id,
          place(image, index, ".filename"),
          "'filename' must be a string (the image's file name), found " + JsonKinds.of(filename));
    }
    JsonNode filepath = image.get("filepath");
    if (filepath != null && !filepath.isNull() && !filepath.isTextual()) {
      return CaptionEntry.broken(
          id,
          place(image, index, ".filepath"),
          "'filepath' must be a string (the image's folder, e.g. val2014), found "
              + JsonKinds.of(filepath));
    }
    String folder = filepath == null || filepath.isNull() ? "" : filepath.asText();
    String relative = folder.isEmpty() ? filename.asText() : folder + "/" + filename.asText();
    JsonNode sentences = image.get("sentences");
    String expected = "expected a list of objects with a 'raw' caption";
    if (sentences == null || sentences.isNull()) {
      return CaptionEntry.broken(
          relative, place(image, index, ""), "missing 'sentences', " + expected);
    }
    if (!sentences.isArray()) {
      return CaptionEntry.broken(
          relative,
          place(image, index, ".sentences"),
          "'sentences' must be a list, found " + JsonKinds.of(sentences) + "; " + expected);
    }
    if (sentences.isEmpty()) {
      return CaptionEntry.broken(
          relative,
          place(image, index, ".sentences"),
          "'sentences' is empty, expected at least one caption");
    }
    List<String> captions = new ArrayList<>();
    for (int s = 0; s < sentences.size(); s++) {
      String at = ".sentences[" + s + "]";
      JsonNode sentence = sentences.get(s);
      if (!sentence.isObject()) {
        return CaptionEntry.broken(
            relative,
            place(image, index, at),
            "expected an object with a 'raw' caption, found " + JsonKinds.of(sentence));
      }
      JsonNode raw = sentence.get("raw");
      if (raw == null || raw.isNull()) {
        return CaptionEntry.broken(
            relative, place(image, index, at), "missing 'raw', expected the caption text");
      }
      if (!raw.isTextual()) {
        return CaptionEntry.broken(
            relative,
            place(image, index, at + ".raw"),
            "'raw' must be a string (the caption text), found " + JsonKinds.of(raw));
      }
      captions.add(raw.asText());
    }
    return new CaptionEntry(relative, relative, captions, place(image, index, ""), null);
  }
}
