package io.vleval.datasets.webdataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.plugin.DatasetProvider;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Sample;
import io.vleval.api.sample.SampleCursor;
import io.vleval.api.spec.Doc;
import io.vleval.api.spec.MustExist;
import io.vleval.api.spec.Required;
import io.vleval.datasets.failure.FailureText;
import io.vleval.datasets.failure.JsonKinds;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.Fingerprint;
import io.vleval.datasets.shuffle.ShardOrder;
import io.vleval.datasets.shuffle.ShardedDataset;
import io.vleval.datasets.shuffle.ShuffleBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Stream;

/**
 * WebDataset shards: tar files whose members are grouped into samples by key (the member's path up
 * to the first dot of its file name), each sample an image ({@code jpg}, {@code jpeg} or {@code
 * png}) and its caption ({@code txt}, or {@code json} with a {@code caption} field). Shards are
 * streamed one member at a time; a sample keeps only its image's place in the shard, and the image
 * is read when a worker decodes it.
 */
public final class WebDatasetProvider implements DatasetProvider<WebDatasetProvider.Spec> {

  /** Default for {@code max_entry_bytes}: larger members are refused, not allocated. */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 64L << 20;

  /** The most bytes a caption member ({@code txt}, {@code json}) may hold. */
  static final int MAX_CAPTION_BYTES = 1 << 20;

  static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png");

  /** Options of the WebDataset loader. */
  public record Spec(
      @Doc("folder holding the shards; shard paths stay inside it") @Required @MustExist Path root,
      @Doc(
              "shard files relative to root, each a name or a brace pattern such as"
                  + " {000000..000099}.tar (default: every .tar file in root, sorted by name)")
          List<String> shards,
      @Doc("shuffle buffer size in samples (default 0: no shuffling)") Integer shuffleBuffer,
      @Doc("read the shards in a seeded random order, a new one each epoch (default false)")
          Boolean shuffleShards,
      @Doc("seed of both shuffles (default: the run's seed)") Long seed,
      @Doc("epoch whose shard order and buffer draws to use (default 0)") Integer epoch,
      @Doc("largest member a shard may hold, in bytes (default 67108864, 64 MiB)")
          Long maxEntryBytes) {
    public Spec {
      shards = shards == null ? List.of() : List.copyOf(shards);
      if (shuffleBuffer != null && shuffleBuffer < 0) {
        throw new IllegalArgumentException(
            "shuffle_buffer must be 0 (no shuffling) or more, got " + shuffleBuffer);
      }
      if (epoch != null && epoch < 0) {
        throw new IllegalArgumentException("epoch must be 0 or more, got " + epoch);
      }
      if (maxEntryBytes != null && (maxEntryBytes < 1 || maxEntryBytes > Integer.MAX_VALUE - 8)) {
        throw new IllegalArgumentException(
            "max_entry_bytes must be between 1 and "
                + (Integer.MAX_VALUE - 8)
                + ", got "
                + maxEntryBytes);
      }
    }
  }

  @Override
  public String type() {
    return "webdataset";
  }

  @Override
  public String description() {
    return "WebDataset tar shards of image-caption pairs (jpg/png + txt/json), streamed";
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
  public ShardedDataset<CaptionedImage> open(Spec spec, PluginContext context) {
    DatasetRoot root = new DatasetRoot(spec.root());
    List<Path> shards = shards(root, spec.shards());
    long maxEntry = spec.maxEntryBytes() == null ? DEFAULT_MAX_ENTRY_BYTES : spec.maxEntryBytes();
    int buffer = spec.shuffleBuffer() == null ? 0 : spec.shuffleBuffer();
    boolean shuffleShards = Boolean.TRUE.equals(spec.shuffleShards());
    long seed = spec.seed() != null ? spec.seed() : context.seed();
    int epoch = spec.epoch() == null ? 0 : spec.epoch();
    Fingerprint fp = new Fingerprint("webdataset/1");
    for (Path shard : shards) {
      fp.addFileEntry(root.path(), shard);
    }
    List<Path> ordered = shards;
    if (shuffleShards) {
      int[] order = ShardOrder.permutation(shards.size(), seed, epoch);
      ordered = new ArrayList<>(shards.size());
      for (int i : order) {
        ordered.add(shards.get(i));
      }
    }
    // the order is part of what defines the stream
    fp.add(buffer).add(shuffleShards ? "shards shuffled" : "shards in order");
    if (buffer > 0 || shuffleShards) {
      fp.add(seed).add(epoch);
    }
    ImageDecoder decoder = ImageDecoder.create().ignoringExifOrientation();
    DatasetInfo info = new DatasetInfo(fp.hex(), -1, List.of(), root.path().toString());
    List<Path> order = List.copyOf(ordered);
    return new ShardedDataset<>() {
      @Override
      public Class<CaptionedImage> sampleType() {
        return CaptionedImage.class;
      }

      @Override
      public DatasetInfo info() {
        return info;
      }

      @Override
      public SampleCursor<CaptionedImage> samples() {
        SampleCursor<CaptionedImage> samples =
            new ShardCursor(root.path(), order, maxEntry, decoder);
        // the buffer's draws depend on the epoch too, so each epoch mixes differently
        return buffer > 0 ? new ShuffleBuffer<>(samples, buffer, seed * 31 + epoch) : samples;
      }

      @Override
      public int shards() {
        return shards.size();
      }

      @Override
      public SampleCursor<CaptionedImage> epoch(long epochSeed, int epochIndex) {
        List<Path> shuffled = new ArrayList<>(shards.size());
        for (int i : ShardOrder.permutation(shards.size(), epochSeed, epochIndex)) {
          shuffled.add(shards.get(i));
        }
        return new ShardCursor(root.path(), shuffled, maxEntry, decoder);
      }
    };
  }

  /** The shard files, in the order the patterns list them; all must exist. */
  static List<Path> shards(DatasetRoot root, List<String> patterns) {
    String where = root.path().toString();
    if (patterns.isEmpty()) {
      try (Stream<Path> files = Files.list(root.path())) {
        List<Path> found =
            files
                .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tar"))
                .filter(Files::isRegularFile)
                .sorted()
                .toList();
        if (found.isEmpty()) {
          throw new DatasetFormatException(
              where, "", "no .tar shards in this folder; expected WebDataset shards or 'shards'");
        }
        found.forEach(p -> root.confine(p, null));
        return found;
      } catch (IOException e) {
        throw new DatasetFormatException(
            where, "", "cannot list the folder: " + FailureText.of(e), e);
      }
    }
    List<Path> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (int i = 0; i < patterns.size(); i++) {
      String place = "shards[" + i + "]";
      List<String> names;
      try {
        names = ShardPattern.expand(patterns.get(i));
      } catch (IllegalArgumentException e) {
        throw new DatasetFormatException(
            where, place, "pattern '" + patterns.get(i) + "': " + e.getMessage());
      }
      for (String name : names) {
        Path shard = root.resolve(name, where, place, null);
        if (!seen.add(shard)) {
          throw new DatasetFormatException(
              where, place, "shard '" + name + "' is listed twice; expected each shard once");
        }
        if (!Files.isRegularFile(shard)) {
          missing.add(name);
        }
        out.add(shard);
      }
    }
    if (!missing.isEmpty()) {
      throw new DatasetFormatException(
          where,
          "shards",
          missing.size()
              + " of "
              + out.size()
              + " shards are missing: "
              + String.join(", ", missing.subList(0, Math.min(20, missing.size())))
              + (missing.size() > 20 ? " and " + (missing.size() - 20) + " more" : ""));
    }
    return out;
  }

  /** Streams the samples of the shards in turn. */
  private static final class ShardCursor implements SampleCursor<CaptionedImage> {
    private final Path root;
    private final List<Path> shards;
    private final long maxEntry;
    private final ImageDecoder decoder;
    private final ObjectMapper mapper = new ObjectMapper();
    private int shardIndex = -1;
    private TarReader reader;
    private String shardName;
    private Set<String> keysInShard = new HashSet<>();
    private TarReader.Member lookahead;
    private CaptionedImage ready;
    private RuntimeException failure;
    private DatasetFormatException pendingFailure;

    ShardCursor(Path root, List<Path> shards, long maxEntry, ImageDecoder decoder) {
      this.root = root;
      this.shards = shards;
      this.maxEntry = maxEntry;
      this.decoder = decoder;
    }

    @Override
    public boolean hasNext() {
      if (ready == null && failure == null) {
        advance();
      }
      return ready != null || failure != null;
    }

    @Override
    public CaptionedImage next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (failure != null) {
        RuntimeException f = failure;
        failure = null;
        throw f;
      }
      CaptionedImage out = ready;
      ready = null;
      return out;
    }

    /** Reads the next sample or the next problem into {@code ready} or {@code failure}. */
    private void advance() {
      if (pendingFailure != null) {
        failure = pendingFailure;
        pendingFailure = null;
        return;
      }
      while (true) {
        if (reader == null && !openNextShard()) {
          return;
        }
        Path shard = reader.file();
        String key = null;
        Map<String, TarReader.Member> members = new LinkedHashMap<>();
        Map<String, byte[]> texts = new LinkedHashMap<>();
        String problem = null;
        try {
          while (true) {
            TarReader.Member m = lookahead != null ? lookahead : reader.next();
            lookahead = null;
            if (m == null) {
              closeShard();
              break;
            }
            String[] ke = keyAndExtension(m.name());
            if (key != null && !ke[0].equals(key)) {
              lookahead = m;
              break;
            }
            if (key == null) {
              key = ke[0];
              if (!keysInShard.add(key)) {
                problem =
                    "key '"
                        + key
                        + "' appears again after other samples; expected a sample's files next to"
                        + " each other";
              }
            }
            if (ke[1].isEmpty()) {
              continue;
            }
            if (members.containsKey(ke[1]) && problem == null) {
              problem = "has two '" + ke[1] + "' files; expected one of each extension";
            }
            members.put(ke[1], m);
            if ((ke[1].equals("txt") || ke[1].equals("json")) && m.size() <= MAX_CAPTION_BYTES) {
              texts.put(ke[1], reader.read(m, MAX_CAPTION_BYTES));
            }
          }
        } catch (IOException e) {
          // a member of another key failed: the sample read so far is complete, hand it out first
          String failedKey =
              e instanceof TarReader.TarFormatException t && t.member() != null
                  ? keyAndExtension(t.member())[0]
                  : key;
          String lost =
              failedKey == null ? "" : " (sample '" + failedKey + "' is incomplete and left out)";
          String failedId = shardName + (failedKey == null ? "" : "/" + failedKey);
          DatasetFormatException unreadable =
              DatasetFormatException.forSample(
                  failedId + "#unreadable",
                  shard.toString(),
                  "",
                  TarReader.describe(e) + lost + "; the rest of this shard is not read");
          closeShard();
          if (key == null || key.equals(failedKey)) {
            failure = unreadable;
            return;
          }
          pendingFailure = unreadable;
        }
        if (key == null) {
          continue; // an empty shard, or one with only directories
        }
        String id = shardName + "/" + key;
        if (problem == null) {
          try {
            ready = sample(id, shard, key, members, texts);
            return;
          } catch (DatasetFormatException e) {
            failure = e;
            return;
          }
        }
        failure =
            DatasetFormatException.forSample(id, shard.toString(), "sample '" + key + "'", problem);
        return;
      }
    }

    private CaptionedImage sample(
        String id,
        Path shard,
        String key,
        Map<String, TarReader.Member> members,
        Map<String, byte[]> texts) {
      String place = "sample '" + key + "'";
      TarReader.Member image = null;
      for (String ext : IMAGE_EXTENSIONS) {
        if (members.containsKey(ext)) {
          image = members.get(ext);
          break;
        }
      }
      if (image == null) {
        throw DatasetFormatException.forSample(
            id,
            shard.toString(),
            place,
            "has no jpg, jpeg or png image (its files: "
                + String.join(", ", members.keySet())
                + "); expected an image the decoder reads");
      }
      String caption;
      if (members.containsKey("txt")) {
        caption = text(id, shard, members.get("txt"), texts.get("txt"));
      } else if (members.containsKey("json")) {
        caption = jsonCaption(id, shard, members.get("json"), texts.get("json"));
      } else {
        throw DatasetFormatException.forSample(
            id,
            shard.toString(),
            place,
            "has no caption (its files: "
                + String.join(", ", members.keySet())
                + "); expected a txt file, or a json file with a 'caption'");
      }
      return new CaptionedImage(
          id,
          new TarMemberImageSource(
              shard, image.name(), image.offset(), (int) image.size(), id, decoder),
          List.of(caption));
    }

    private static String text(String id, Path shard, TarReader.Member m, byte[] bytes) {
      if (bytes == null) {
        throw DatasetFormatException.forSample(
            id,
            shard.toString(),
            "entry '" + m.name() + "'",
            "holds "
                + m.size()
                + " bytes, more than the "
                + MAX_CAPTION_BYTES
                + " a caption file may hold");
      }
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString()
            .strip();
      } catch (CharacterCodingException e) {
        throw DatasetFormatException.forSample(
            id, shard.toString(), "entry '" + m.name() + "'", "not valid UTF-8 text");
      }
    }

    private String jsonCaption(String id, Path shard, TarReader.Member m, byte[] bytes) {
      String json = text(id, shard, m, bytes);
      String place = "entry '" + m.name() + "'";
      JsonNode node;
      try {
        node = mapper.readTree(json);
      } catch (JsonProcessingException e) {
        throw DatasetFormatException.forSample(
            id,
            shard.toString(),
            place,
            "invalid JSON: " + FailureText.plain(e.getOriginalMessage()));
      }
      if (node == null || !node.isObject()) {
        throw DatasetFormatException.forSample(
            id,
            shard.toString(),
            place,
            "expected a JSON object with a 'caption', found " + JsonKinds.of(node));
      }
      JsonNode caption = node.get("caption");
      if (caption == null || !caption.isTextual()) {
        throw DatasetFormatException.forSample(
            id,
            shard.toString(),
            place,
            caption == null
                ? "missing 'caption', expected the caption text"
                : "'caption' must be a string, found " + JsonKinds.of(caption));
      }
      return caption.asText();
    }

    /** WebDataset's split: the key up to the first dot of the file name, the rest lower-cased. */
    static String[] keyAndExtension(String name) {
      int slash = name.lastIndexOf('/');
      int dot = name.indexOf('.', slash + 1);
      if (dot < 0) {
        return new String[] {name, ""};
      }
      return new String[] {
        name.substring(0, dot), name.substring(dot + 1).toLowerCase(Locale.ROOT)
      };
    }

    private boolean openNextShard() {
      while (++shardIndex < shards.size()) {
        Path shard = shards.get(shardIndex);
        shardName = root.relativize(shard).toString().replace('\\', '/');
        keysInShard = new HashSet<>();
        lookahead = null;
        try {
          reader = new TarReader(shard, maxEntry);
          return true;
        } catch (IOException e) {
          failure =
              DatasetFormatException.forSample(
                  shardName + "#unreadable",
                  shard.toString(),
                  "",
                  "cannot read the shard: " + FailureText.of(e));
          return false;
        }
      }
      return false;
    }

    private void closeShard() {
      if (reader != null) {
        TarReader closing = reader;
        reader = null;
        try {
          closing.close();
        } catch (IOException e) {
          throw new DatasetFormatException(
              closing.file().toString(), "", "cannot close the shard: " + FailureText.of(e), e);
        }
      }
      keysInShard = new HashSet<>();
    }

    @Override
    public void close() {
      closeShard();
      shardIndex = shards.size();
    }
  }
}
