package io.vleval.datasets.conversations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.Dataset;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.Conversation.Turn;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.datasets.failure.JsonKinds;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.shuffle.ShuffleBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * LLaVA-format conversations ({@code id}, {@code image} as a path or a list of paths, {@code
 * conversations: [{from: human|gpt, value}]} with {@code <image>} placeholders) from one JSON or
 * JSONL file, or from the files an InternVL SFT meta file names. Entries are streamed, one at a
 * time.
 */
public final class LlavaConversationsProvider
    implements DatasetProvider<LlavaConversationsProvider.Spec> {

  /** Options of the LLaVA conversations loader. */
  public record Spec(
      @Doc("a LLaVA-format JSON list or JSON lines file (or give meta)") @MustExist
          Path annotations,
      @Doc("folder image paths are relative to (default: the annotation file's folder)") @MustExist
          Path images,
      @Doc("an InternVL SFT meta file naming several annotation files (instead of annotations)")
          @MustExist
          Path meta,
      @Doc("shuffle buffer size in samples (default 0: file order)") Integer shuffleBuffer,
      @Doc("seed of the shuffle (default: the run's seed)") Long seed) {
    public Spec {
      if ((annotations == null) == (meta == null)) {
        throw new IllegalArgumentException(
            "give exactly one of 'annotations' (a LLaVA JSON or JSONL file) and 'meta' (an"
                + " InternVL SFT meta file)");
      }
      if (meta != null && images != null) {
        throw new IllegalArgumentException(
            "'images' goes with 'annotations'; with 'meta' each entry's 'root' says where images"
                + " are");
      }
      if (shuffleBuffer != null && shuffleBuffer < 0) {
        throw new IllegalArgumentException(
            "shuffle_buffer must be 0 (no shuffling) or more, got " + shuffleBuffer);
      }
    }
  }

  @Override
  public String type() {
    return "llava-conversations";
  }

  @Override
  public String description() {
    return "LLaVA-format conversations (JSON or JSONL, <image> placeholders) or an InternVL SFT"
        + " meta file";
  }

  @Override
  public Class<Spec> specType() {
    return Spec.class;
  }

  @Override
  public Class<? extends Sample> sampleType(Spec spec) {
    return Conversation.class;
  }

  @Override
  public Dataset<Conversation> open(Spec spec, PluginContext context) {
    List<SftSource> sources;
    Fingerprint fp = new Fingerprint("llava-conversations/1");
    if (spec.meta() != null) {
      Path meta = spec.meta().toAbsolutePath().normalize();
      sources = SftMeta.read(meta);
      fp.addFileContent(meta);
    } else {
      Path file = spec.annotations().toAbsolutePath().normalize();
      Path root = spec.images() != null ? spec.images() : file.getParent();
      sources =
          List.of(
              new SftSource(
                  file.getFileName().toString(),
                  root.toAbsolutePath().normalize(),
                  file,
                  1,
                  null,
                  null));
    }
    ObjectMapper mapper = new ObjectMapper();
    List<Long> taken = new ArrayList<>();
    long size = 0;
    for (SftSource s : sources) {
      long n = s.taken(EntryStream.count(s.annotation(), mapper));
      taken.add(n);
      size += n * s.passes();
      // names and contents, not absolute paths, so the same data fingerprints alike anywhere
      fp.add(s.name()).addFileContent(s.annotation()).add(Double.toString(s.repeatTime()));
    }
    int buffer = spec.shuffleBuffer() == null ? 0 : spec.shuffleBuffer();
    long seed = spec.seed() != null ? spec.seed() : context.seed();
    fp.add(buffer);
    if (buffer > 0) {
      fp.add(seed);
    }
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    String location = spec.meta() != null ? spec.meta().toString() : spec.annotations().toString();
    DatasetInfo info = new DatasetInfo(fp.hex(), size, List.of(), location);
    List<Long> counts = List.copyOf(taken);
    return Dataset.of(
        Conversation.class,
        info,
        () -> {
          SampleCursor<Conversation> c = new ConversationCursor(sources, counts, decoder);
          return buffer > 0 ? new ShuffleBuffer<>(c, buffer, seed) : c;
        });
  }

  /** Reads the sources in order, each for its passes, each pass its taken entries. */
  private static final class ConversationCursor implements SampleCursor<Conversation> {
    private final List<SftSource> sources;
    private final List<Long> taken;
    private final ImageDecoder decoder;
    private final ObjectMapper mapper = new ObjectMapper();
    private int source = -1;
    private int pass;
    private long read;
    private EntryStream stream;
    private DatasetRoot root;

    ConversationCursor(List<SftSource> sources, List<Long> taken, ImageDecoder decoder) {
      this.sources = sources;
      this.taken = taken;
      this.decoder = decoder;
    }

    @Override
    public boolean hasNext() {
      while (stream == null || read >= taken.get(source)) {
        if (stream != null) {
          stream.close();
          stream = null;
          if (++pass < sources.get(source).passes()) {
            openPass();
            continue;
          }
        }
        if (source + 1 >= sources.size()) {
          return false;
        }
        source++;
        pass = 0;
        root = new DatasetRoot(sources.get(source).root());
        openPass();
      }
      return true;
    }

    private void openPass() {
      stream = new EntryStream(sources.get(source).annotation(), mapper);
      read = 0;
    }

    @Override
    public Conversation next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      EntryStream.Entry e = stream.next();
      long index = read++;
      SftSource s = sources.get(source);
      String id = s.name() + "/" + index + (pass > 0 ? "#" + (pass + 1) : "");
      String file = s.annotation().toString();
      if (e == null) {
        // the file shrank since it was counted
        read = taken.get(source);
        throw DatasetFormatException.forSample(
            id, file, "", "ends before entry " + index + ", which it held when the run started");
      }
      String suffix = idSuffix(e.json());
      if (e.problem() != null) {
        throw DatasetFormatException.forSample(id, file, e.place() + suffix, e.problem());
      }
      return conversation(id, e.json(), file, e.place(), suffix, root, decoder);
    }

    @Override
    public void close() {
      if (stream != null) {
        stream.close();
        stream = null;
      }
      source = sources.size();
    }
  }

  private static String idSuffix(JsonNode entry) {
    String id = entry != null && entry.isObject() ? JsonKinds.id(entry.get("id")) : null;
    return id == null ? "" : " (id " + id + ")";
  }

  /** One entry as a conversation, or a malformed-entry error naming the file and place. */
  static Conversation conversation(
      String id,
      JsonNode entry,
      String file,
      String place,
      String suffix,
      DatasetRoot root,
      ImageDecoder decoder) {
    if (!entry.isObject()) {
      throw DatasetFormatException.forSample(
          id,
          file,
          where(place, "", suffix),
          "expected an object with 'image' and 'conversations', found " + JsonKinds.of(entry));
    }
    List<String> paths = new ArrayList<>();
    JsonNode image = entry.get("image");
    if (image != null && !image.isNull()) {
      if (image.isTextual()) {
        paths.add(image.asText());
      } else if (image.isArray()) {
        for (int i = 0; i < image.size(); i++) {
          if (!image.get(i).isTextual()) {
            throw DatasetFormatException.forSample(
                id,
                file,
                where(place, ".image[" + i + "]", suffix),
                "expected an image path (a string), found " + JsonKinds.of(image.get(i)));
          }
          paths.add(image.get(i).asText());
        }
      } else {
        throw DatasetFormatException.forSample(
            id,
            file,
            where(place, ".image", suffix),
            "expected an image path or a list of them, found " + JsonKinds.of(image));
      }
    }
    JsonNode conv = entry.get("conversations");
    if (conv == null || !conv.isArray() || conv.isEmpty()) {
      throw DatasetFormatException.forSample(
          id,
          file,
          where(place, conv == null ? "" : ".conversations", suffix),
          conv == null
              ? "missing 'conversations', expected a list of {from, value} turns"
              : "'conversations' must be a non-empty list of {from, value} turns, found "
                  + (conv.isArray() ? "an empty list" : JsonKinds.of(conv)));
    }
    List<Turn> turns = new ArrayList<>();
    int placeholders = 0;
    for (int j = 0; j < conv.size(); j++) {
      String at = place + ".conversations[" + j + "]";
      JsonNode t = conv.get(j);
      if (!t.isObject()) {
        throw DatasetFormatException.forSample(
            id,
            file,
            where(at, "", suffix),
            "expected a {from, value} turn, found " + JsonKinds.of(t));
      }
      JsonNode from = t.get("from");
      JsonNode value = t.get("value");
      String role = from != null && from.isTextual() ? role(from.asText()) : null;
      if (role == null) {
        throw DatasetFormatException.forSample(
            id,
            file,
            where(at, ".from", suffix),
            "expected human, gpt or system, found "
                + (from == null ? "nothing" : JsonKinds.of(from)));
      }
      if (value == null || !value.isTextual()) {
        throw DatasetFormatException.forSample(
            id,
            file,
            where(at, ".value", suffix),
            "expected the turn's text (a string), found "
                + (value == null ? "nothing" : JsonKinds.of(value)));
      }
      Turn turn = new Turn(role, value.asText());
      placeholders += turn.imagePlaceholders();
      turns.add(turn);
    }
    if (paths.size() == 1 && placeholders == 0) {
      // InternVL's LazySupervisedDataset puts a lone image before the first turn's text
      Turn first = turns.get(0);
      turns.set(0, new Turn(first.role(), Conversation.IMAGE_PLACEHOLDER + "\n" + first.text()));
      placeholders = 1;
    }
    if (placeholders != paths.size()) {
      throw DatasetFormatException.forSample(
          id,
          file,
          where(place, "", suffix),
          "has "
              + placeholders
              + " <image> placeholder"
              + (placeholders == 1 ? "" : "s")
              + " for "
              + paths.size()
              + " image"
              + (paths.size() == 1 ? "" : "s")
              + "; expected one placeholder per image");
    }
    List<ImageSource> images = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      String at = where(place, ".image" + (image.isArray() ? "[" + i + "]" : ""), suffix);
      images.add(new FileImageSource(root.resolve(paths.get(i), file, at, id), id, decoder));
    }
    return new Conversation(id, images, turns);
  }

  private static String where(String place, String field, String suffix) {
    return place + field + suffix;
  }

  /** LLaVA's speaker names (and the chat roles themselves) as chat roles; null for others. */
  static String role(String from) {
    return switch (from) {
      case "human", "user" -> Turn.USER;
      case "gpt", "assistant" -> Turn.ASSISTANT;
      case "system" -> Turn.SYSTEM;
      default -> null;
    };
  }
}
