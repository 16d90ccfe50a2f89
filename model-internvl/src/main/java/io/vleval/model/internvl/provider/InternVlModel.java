package io.vleval.model.internvl.provider;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vleval.api.djl.TrainableBackbone;
import io.vleval.api.error.VlevalException;
import io.vleval.api.model.BlockFeatureExtractor;
import io.vleval.api.model.BlockFeatures;
import io.vleval.api.model.Capability;
import io.vleval.api.model.CaptionGenerator;
import io.vleval.api.model.ChatRequest;
import io.vleval.api.model.DenseFeatureExtractor;
import io.vleval.api.model.DenseFeatures;
import io.vleval.api.model.GenerationSettings;
import io.vleval.api.model.ImageChat;
import io.vleval.api.model.ImageEmbedder;
import io.vleval.api.model.ImageView;
import io.vleval.api.model.Model;
import io.vleval.api.model.ModelInfo;
import io.vleval.api.model.MultipleChoiceChat;
import io.vleval.api.model.TextEmbedder;
import io.vleval.api.model.VideoEmbedder;
import io.vleval.api.plugin.PluginContext;
import io.vleval.api.sample.RgbImage;
import io.vleval.api.timing.Phase;
import io.vleval.api.timing.PhaseTimer;
import io.vleval.model.internvl.chat.ChatConfig;
import io.vleval.model.internvl.chat.ConversationTemplate;
import io.vleval.model.internvl.chat.DynamicTiling;
import io.vleval.model.internvl.chat.InternVlChat;
import io.vleval.model.internvl.chat.LlavaChat;
import io.vleval.model.internvl.chat.LlavaConfig;
import io.vleval.model.internvl.clip.InternVlCg;
import io.vleval.model.internvl.config.InternVitConfig;
import io.vleval.model.internvl.generation.Generator;
import io.vleval.model.internvl.llm.PromptDecoding;
import io.vleval.model.internvl.nd.Devices;
import io.vleval.model.internvl.nd.Precision;
import io.vleval.model.internvl.safetensors.SafetensorsCheckpoint;
import io.vleval.model.internvl.text.ClipText;
import io.vleval.model.internvl.text.TextTokenizer;
import io.vleval.model.internvl.vision.InternVit;
import io.vleval.preprocess.ImageTransform;
import io.vleval.preprocess.PilResample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loaded {@code internvl} model: one backend (InternViT, InternVL-C/-G or InternVL-Chat) and the
 * capability objects over it. Every batch runs in its own sub-manager, closed when the batch ends;
 * nothing NDArray-typed leaves a capability call.
 */
final class InternVlModel implements Model {

  private final Map<Class<? extends Capability>, Capability> capabilities;
  private final ModelInfo info;
  private final List<AutoCloseable> resources;

  private InternVlModel(
      Map<Class<? extends Capability>, Capability> capabilities,
      ModelInfo info,
      List<AutoCloseable> resources) {
    this.capabilities = Map.copyOf(capabilities);
    this.info = info;
    this.resources = resources;
  }

  /**
   * Loads the model on the devices of {@code spec.device()}: on one device, the model itself; on
   * several, one replica per device behind a {@link ReplicatedModel} that deals each call's inputs
   * across them.
   */
  static Model load(InternVlSpec spec, PluginContext context) {
    List<Device> devices = Devices.parseEvaluation(spec.device());
    CheckpointKind kind = InternVlProvider.kind(spec);
    long seed = spec.seed() != null ? spec.seed() : context.seed();
    String checksum =
        spec.preset() != null
            ? presetChecksum(spec.preset(), seed)
            : checkpointChecksum(spec.checkpoint(), kind);
    DataType dtype = spec.dtype().dataType();
    String engine =
        dtype == DataType.FLOAT32
            ? engineName()
            : engineName() + ", " + spec.dtype().key() + " compute";
    ModelInfo info = new ModelInfo(checksum, engine, Devices.names(devices));
    if (devices.size() == 1) {
      return loadOn(spec, kind, seed, devices.get(0), info);
    }
    List<Model> replicas = new ArrayList<>(devices.size());
    try {
      for (Device device : devices) {
        replicas.add(loadOn(spec, kind, seed, device, info));
      }
    } catch (RuntimeException e) {
      ReplicatedModel.closeAll(replicas, e);
      throw e;
    }
    int cpuReplicas = (int) devices.stream().filter(d -> !d.isGpu()).count();
    return new ReplicatedModel(replicas, info, spec.batchSize(), cpuReplicas);
  }

  /** One replica: the weights on {@code device} and the capabilities over them. */
  private static InternVlModel loadOn(
      InternVlSpec spec, CheckpointKind kind, long seed, Device device, ModelInfo info) {
    DataType dtype = spec.dtype().dataType();
    Map<Class<? extends Capability>, Capability> caps = new LinkedHashMap<>();
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      switch (kind) {
        case VISION -> {
          InternVit vit =
              spec.preset() != null
                  ? InternVit.random(InternVitConfig.preset(spec.preset()), seed, device, dtype)
                  : InternVit.load(spec.checkpoint(), device, dtype);
          resources.add(vit);
          int size = spec.imageSize() != null ? spec.imageSize() : vit.config().imageSize();
          Vision v = new Vision(vit, vit.manager(), size, spec.batchSize());
          ImageEmbedder images = v.embedder(vit.config().hiddenSize(), last -> last.get(":, 0, :"));
          caps.put(ImageEmbedder.class, images);
          caps.put(DenseFeatureExtractor.class, v.dense());
          caps.put(BlockFeatureExtractor.class, v.blocks());
          caps.put(TrainableBackbone.class, new InternVitBackbone(vit, size));
          caps.put(VideoEmbedder.class, VideoEmbedder.pooling(images));
        }
        case CONTRASTIVE -> {
          InternVlCg cg =
              spec.preset() != null
                  ? InternVlCg.random(Presets.tinyInternVl(), seed, device, dtype)
                  : InternVlCg.load(spec.checkpoint(), device, dtype);
          resources.add(cg);
          TextTokenizer tokenizer = tokenizer(spec);
          resources.add(0, tokenizer);
          int size = spec.imageSize() != null ? spec.imageSize() : cg.config().imageSize();
          Vision v = new Vision(cg.vit(), cg.manager(), size, spec.batchSize());
          boolean g = spec.head() == InternVlSpec.Head.G;
          ImageEmbedder images =
              v.embedder(
                  cg.config().clipEmbedDim(),
                  last -> g ? cg.imageEmbedsG(last) : cg.imageEmbedsC(last));
          caps.put(ImageEmbedder.class, images);
          caps.put(TextEmbedder.class, new ClipTexts(cg, tokenizer, spec.batchSize()));
          caps.put(VideoEmbedder.class, VideoEmbedder.pooling(images));
          caps.put(DenseFeatureExtractor.class, v.dense());
          caps.put(BlockFeatureExtractor.class, v.blocks());
          caps.put(TrainableBackbone.class, new InternVitBackbone(cg.vit(), size));
          if (g) {
            caps.put(CaptionGenerator.class, new GCaptions(cg, tokenizer, size));
          }
        }
        case CHAT -> {
          InternVlChat chat =
              spec.preset() != null
                  ? InternVlChat.random(Presets.chat(spec.preset()), seed, device, dtype)
                  : InternVlChat.load(spec.checkpoint(), device, dtype);
          resources.add(chat);
          TextTokenizer tokenizer = tokenizer(spec);
          resources.add(0, tokenizer);
          Chat c = new Chat(chat, tokenizer, spec.batchSize());
          caps.put(CaptionGenerator.class, c);
          caps.put(MultipleChoiceChat.class, c);
          caps.put(ImageChat.class, c);
        }
        case LLAVA_CHAT -> {
          LlavaChat chat =
              LlavaChat.load(spec.checkpoint(), device, dtype); // no preset is of this kind
          resources.add(chat);
          TextTokenizer tokenizer = tokenizer(spec);
          resources.add(0, tokenizer);
          int size = spec.imageSize() != null ? spec.imageSize() : chat.config().imageSize();
          LlavaReplies r = new LlavaReplies(chat, tokenizer, size);
          caps.put(CaptionGenerator.class, r);
          caps.put(MultipleChoiceChat.class, r);
          caps.put(ImageChat.class, r);
        }
        default -> throw new IllegalStateException(kind.toString());
      }
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
    return new InternVlModel(caps, info, resources);
  }

  // ------------------------------------------------------------------ environment

  static String engineName() {
    Engine engine = Engine.getEngine("PyTorch");
    return "PyTorch " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ")";
  }

  private static TextTokenizer tokenizer(InternVlSpec spec) {
    if (spec.checkpoint() != null) {
      return TextTokenizer.load(spec.checkpoint());
    }
    try (InputStream in = InternVlModel.class.getResourceAsStream(Presets.TOKENIZER_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + Presets.TOKENIZER_RESOURCE + " is missing from the jar");
      }
      return TextTokenizer.fromStream(in, "built-in preset tokenizer");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String presetChecksum(String preset, long seed) {
    String config =
        switch (Presets.kind(preset)) {
          case VISION -> InternVitConfig.preset(preset).toString();
          case CONTRASTIVE -> Presets.tinyInternVl().toString();
          case CHAT -> Presets.chat(preset).toString();
          case LLAVA_CHAT ->
              throw new IllegalStateException("no preset is a v1.0 (llava_llama) chat model");
        };
    return sha256("internvl-preset:" + preset + ":seed=" + seed + ":" + config);
  }

  /** SHA-256 over the bytes of the checkpoint's safetensors files, in file-name order. */
  /**
   * The checksum of what a checkpoint evaluates: its weights, and for a v1.0 chat checkpoint
   * without its own vision weights also those of the {@code mm_vision_tower} directory they are
   * read from.
   */
  static String checkpointChecksum(Path dir, CheckpointKind kind) {
    String own = weightsChecksum(dir);
    if (kind != CheckpointKind.LLAVA_CHAT || !LlavaChat.readsTowerFromItsDirectory(dir)) {
      return own;
    }
    Path tower = LlavaConfig.fromJson(dir).visionTowerDir();
    try {
      byte[] both =
          MessageDigest.getInstance("SHA-256")
              .digest((own + "\n" + weightsChecksum(tower)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(both);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String weightsChecksum(Path dir) {
    Set<String> files = new TreeSet<>();
    Path index = dir.resolve(SafetensorsCheckpoint.INDEX_FILE);
    try {
      if (Files.isRegularFile(index)) {
        JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        map.elements().forEachRemaining(n -> files.add(n.asText()));
      } else {
        files.add(SafetensorsCheckpoint.SINGLE_FILE);
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      for (String f : files) {
        try (InputStream in = Files.newInputStream(dir.resolve(f))) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new VlevalException(
          dir + ": cannot read the weights to checksum them: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ shared batching

  /** The model input of {@code images}, timed as {@link Phase#PREPROCESS}. */
  static NDArray pixels(List<RgbImage> images, ImageTransform transform, NDManager batch) {
    return PhaseTimer.time(
        Phase.PREPROCESS,
        () -> {
          int per = transform.outputLength();
          float[] flat = new float[Math.multiplyExact(images.size(), per)];
          for (int i = 0; i < images.size(); i++) {
            transform.apply(images.get(i), flat, i * per);
          }
          return batch.create(
              flat, new Shape(images.size(), 3, transform.size(), transform.size()));
        });
  }

  static ImageTransform.Mode mode(ImageView view) {
    return view == ImageView.SQUASH
        ? ImageTransform.Mode.SQUARE
        : ImageTransform.Mode.SHORTER_SIDE_THEN_CENTER_CROP;
  }

  static float[][] rows(NDArray a) {
    int n = (int) a.getShape().get(0);
    int d = (int) (a.size() / n);
    float[] flat = Precision.toFloat32(a).toFloatArray();
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
    }
    return out;
  }

  /** The vision side shared by every kind with an image tower. */
  private record Vision(InternVit vit, NDManager owner, int size, int batchSize) {

    ImageEmbedder embedder(int dim, Function<NDArray, NDArray> head) {
      return new ImageEmbedder() {
        @Override
        public int embeddingSize() {
          return dim;
        }

        @Override
        public float[][] embedImages(List<RgbImage> images, ImageView view) {
          ImageTransform t = ImageTransform.imagenet(mode(view), size);
          float[][] out = new float[images.size()][];
          for (int from = 0; from < images.size(); from += batchSize) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
            try (NDManager batch = owner.newSubManager()) {
              NDArray last = vit.forward(pixels(chunk, t, batch)).lastHiddenState();
              float[][] rows = rows(head.apply(last));
              System.arraycopy(rows, 0, out, from, rows.length);
            }
          }
          return out;
        }
      };
    }

    BlockFeatureExtractor blocks() {
      InternVitConfig config = vit.config();
      return new BlockFeatureExtractor() {
        @Override
        public int depth() {
          return config.numHiddenLayers();
        }

        @Override
        public int channels() {
          return config.hiddenSize();
        }

        @Override
        public int patchSize() {
          return config.patchSize();
        }

        @Override
        public int inputSize() {
          return size;
        }

        @Override
        public List<List<BlockFeatures>> extract(
            List<RgbImage> images, ImageView view, int side, List<Integer> blocks) {
          if (side < 1 || side % config.patchSize() != 0) {
            throw new IllegalArgumentException(
                "input side "
                    + side
                    + " is not a multiple of the "
                    + config.patchSize()
                    + " px patch");
          }
          int[] wanted = blocks.stream().mapToInt(Integer::intValue).toArray();
          int c = config.hiddenSize();
          int grid = side / config.patchSize();
          ImageTransform t = ImageTransform.imagenet(mode(view), side);
          List<List<BlockFeatures>> out = new ArrayList<>(images.size());
          for (int from = 0; from < images.size(); from += batchSize) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
            List<List<BlockFeatures>> perImage = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
              perImage.add(new ArrayList<>(wanted.length));
            }
            try (NDManager batch = owner.newSubManager()) {
              List<NDArray> states = vit.blockOutputs(pixels(chunk, t, batch), wanted);
              for (int k = 0; k < wanted.length; k++) {
                float[][] tokens = rows(states.get(k));
                for (int i = 0; i < tokens.length; i++) {
                  float[] cls = Arrays.copyOfRange(tokens[i], 0, c);
                  float[] patches = Arrays.copyOfRange(tokens[i], c, tokens[i].length);
                  perImage
                      .get(i)
                      .add(
                          new BlockFeatures(
                              wanted[k], cls, new DenseFeatures(grid, grid, c, patches)));
                }
              }
            }
            out.addAll(perImage);
          }
          return out;
        }
      };
    }

    DenseFeatureExtractor dense() {
      int channels = vit.config().hiddenSize();
      int grid = size / vit.config().patchSize();
      return new DenseFeatureExtractor() {
        @Override
        public int channels() {
          return channels;
        }

        @Override
        public int inputSize() {
          return size;
        }

        @Override
        public List<DenseFeatures> extract(List<RgbImage> images) {
          ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, size);
          List<DenseFeatures> out = new ArrayList<>();
          for (int from = 0; from < images.size(); from += batchSize) {
            List<RgbImage> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
            try (NDManager batch = owner.newSubManager()) {
              NDArray last = vit.forward(pixels(chunk, t, batch)).lastHiddenState();
              for (float[] tokens : rows(last.get(":, 1:, :"))) {
                out.add(
                    new DenseFeatures(grid, grid, channels, tokens)); // row-major, channels last
              }
            }
          }
          return out;
        }
      };
    }
  }

  /** InternVL-C/-G text embeddings. */
  private record ClipTexts(InternVlCg cg, TextTokenizer tokenizer, int batchSize)
      implements TextEmbedder {
    @Override
    public int embeddingSize() {
      return cg.config().clipEmbedDim();
    }

    @Override
    public float[][] embedTexts(List<String> texts) {
      float[][] out = new float[texts.size()][];
      long bos = cg.config().qllama().bosTokenId();
      long eos = cg.config().qllama().eosTokenId();
      for (int from = 0; from < texts.size(); from += batchSize) {
        List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
        long[][] ids = ClipText.encode(tokenizer, chunk, bos, eos);
        try (NDManager batch = cg.manager().newSubManager()) {
          float[][] rows = rows(cg.textEmbeds(cg.textHidden(ids, batch), ids));
          System.arraycopy(rows, 0, out, from, rows.length);
        }
      }
      return out;
    }
  }

  /**
   * InternVL-G captioning: queries + "English caption:" prompt, squashed image, key/value cache.
   */
  private record GCaptions(InternVlCg cg, TextTokenizer tokenizer, int size)
      implements CaptionGenerator {
    @Override
    public List<String> caption(List<RgbImage> images, String prompt, GenerationSettings settings) {
      String text = prompt == null || prompt.isBlank() ? InternVlProvider.G_CAPTION_PROMPT : prompt;
      long[] body = tokenizer.encode(text, false);
      long[] ids = new long[body.length + 1];
      ids[0] = cg.config().qllama().bosTokenId();
      System.arraycopy(body, 0, ids, 1, body.length);
      ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, size);
      List<String> out = new ArrayList<>();
      for (RgbImage image : images) {
        try (NDManager batch = cg.manager().newSubManager()) {
          NDArray vision = cg.vision(pixels(List.of(image), t, batch));
          try (PromptDecoding state = cg.captionState(vision, ids, true, batch)) {
            long[] tokens =
                Generator.generate(
                    state, settings, Set.of((long) cg.config().qllama().eosTokenId()));
            out.add(tokenizer.decode(tokens, true).strip());
          }
        }
      }
      return out;
    }
  }

  /** A chat model's captions and answers: one reply per image or request, in order. */
  private abstract static class Replies implements CaptionGenerator, MultipleChoiceChat, ImageChat {

    abstract String reply(RgbImage image, String question, GenerationSettings settings);

    /** The replies to several questions, each with its image or null; one at a time by default. */
    List<String> replies(
        List<RgbImage> images, List<String> questions, GenerationSettings settings) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        out.add(reply(images.get(i), questions.get(i), settings));
      }
      return out;
    }

    @Override
    public List<String> caption(List<RgbImage> images, String prompt, GenerationSettings settings) {
      return replies(images, Collections.nCopies(images.size(), prompt), settings);
    }

    @Override
    public List<String> answer(List<ChatRequest> requests, GenerationSettings settings) {
      return respond(requests, settings);
    }

    @Override
    public List<String> respond(List<ChatRequest> requests, GenerationSettings settings) {
      List<RgbImage> images = new ArrayList<>();
      List<String> questions = new ArrayList<>();
      for (ChatRequest r : requests) {
        images.add(r.image());
        questions.add(r.prompt());
      }
      return replies(images, questions, settings);
    }
  }

  /**
   * InternVL-Chat: one conversation turn per request, dynamic tiles, greedy or beam decoding;
   * requests are decoded {@code batch_size} at a time in one batched generation, as the reference's
   * {@code batch_chat} does (left-padded prompts), their tiles going through the vision tower
   * {@code batch_size} at a time.
   */
  private static final class Chat extends Replies {
    private final InternVlChat chat;
    private final TextTokenizer tokenizer;
    private final ConversationTemplate template;
    private final Set<Long> stop;
    private final int batchSize;

    Chat(InternVlChat chat, TextTokenizer tokenizer, int batchSize) {
      this.chat = chat;
      this.tokenizer = tokenizer;
      this.template = chat.config().conversation();
      long stopId =
          tokenizer.tokenId(template.stopString()).orElse(chat.config().llm().eosTokenId());
      this.stop = Set.of(stopId);
      this.batchSize = batchSize;
    }

    /** A request ready for the model: its tiles (none without an image) and its prompt ids. */
    private record Prompt(List<RgbImage> tiles, long[] ids) {}

    private Prompt prompt(RgbImage image, String question) {
      ChatConfig c = chat.config();
      List<RgbImage> tiles = List.of();
      if (image != null) {
        tiles = tiles(image, c);
        if (!question.contains("<image>")) {
          question = "<image>\n" + question;
        }
      }
      String query = template.prompt(question);
      if (image != null) {
        String tokens =
            "<img>" + "<IMG_CONTEXT>".repeat(c.numImageToken() * tiles.size()) + "</img>";
        query = query.replaceFirst(Pattern.quote("<image>"), Matcher.quoteReplacement(tokens));
      }
      return new Prompt(tiles, tokenizer.encode(query, true));
    }

    private long contextId() {
      return tokenizer
          .tokenId("<IMG_CONTEXT>")
          .orElseThrow(
              () ->
                  new VlevalException(
                      tokenizer.source()
                          + ": the tokenizer has no <IMG_CONTEXT> token, which InternVL-Chat needs"));
    }

    @Override
    String reply(RgbImage image, String question, GenerationSettings settings) {
      return replies(
              Collections.singletonList(image), Collections.singletonList(question), settings)
          .get(0);
    }

    @Override
    List<String> replies(
        List<RgbImage> images, List<String> questions, GenerationSettings settings) {
      List<String> out = new ArrayList<>();
      for (int from = 0; from < images.size(); from += batchSize) {
        int to = Math.min(images.size(), from + batchSize);
        out.addAll(batch(images.subList(from, to), questions.subList(from, to), settings));
      }
      return out;
    }

    private List<String> batch(
        List<RgbImage> images, List<String> questions, GenerationSettings settings) {
      List<Prompt> prompts = new ArrayList<>();
      List<RgbImage> allTiles = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        Prompt p = prompt(images.get(i), questions.get(i));
        prompts.add(p);
        allTiles.addAll(p.tiles());
      }
      long context = allTiles.isEmpty() ? -1 : contextId();
      try (NDManager batch = chat.manager().newSubManager()) {
        NDArray imageTokens = null;
        if (!allTiles.isEmpty()) {
          ChatConfig c = chat.config();
          ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, c.imageSize());
          // the tiles of the batch through the vision tower batch_size at a time (the reference's
          // batch_chat takes them all in one extract_feature; this bounds the activations as every
          // other capability does)
          NDList parts = new NDList();
          for (int from = 0; from < allTiles.size(); from += batchSize) {
            List<RgbImage> chunk =
                allTiles.subList(from, Math.min(allTiles.size(), from + batchSize));
            parts.add(chat.extractFeature(pixels(chunk, t, batch)));
          }
          imageTokens = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        }
        List<NDArray> embeddings = new ArrayList<>();
        int tile = 0;
        for (Prompt p : prompts) {
          NDArray mine = null;
          if (!p.tiles().isEmpty()) {
            mine = imageTokens.get(tile + ":" + (tile + p.tiles().size()));
            tile += p.tiles().size();
          }
          embeddings.add(chat.inputEmbeddings(p.ids(), mine, context, batch));
        }
        try (PromptDecoding state = chat.decoding(embeddings, true, batch)) {
          long[][] generated = Generator.generate(state, prompts.size(), settings, stop);
          List<String> out = new ArrayList<>();
          for (long[] tokens : generated) {
            String text = tokenizer.decode(tokens, true);
            int cut = text.indexOf(template.stopString());
            out.add((cut >= 0 ? text.substring(0, cut) : text).strip());
          }
          return out;
        }
      }
    }

    /** The image's tiles at the model's input size, timed as {@link Phase#PREPROCESS}. */
    private static List<RgbImage> tiles(RgbImage image, ChatConfig c) {
      return PhaseTimer.time(
          Phase.PREPROCESS,
          () ->
              c.dynamicImageSize()
                  ? DynamicTiling.tiles(
                      image,
                      c.minDynamicPatch(),
                      c.maxDynamicPatch(),
                      c.imageSize(),
                      c.useThumbnail())
                  : List.of(PilResample.bicubic(image, c.imageSize(), c.imageSize())));
    }
  }

  /**
   * InternVL-Chat v1.0 (LLaVA-1.5 codebase), as its evaluation scripts run it: {@code <image>\n} +
   * question in the {@code vicuna_v1} template, {@code tokenizer_image_token}, pad-to-square + CLIP
   * preprocessing, decoding stopped at {@code </s>}.
   */
  private static final class LlavaReplies extends Replies {
    private final LlavaChat chat;
    private final TextTokenizer tokenizer;
    private final int size;
    private final ConversationTemplate template = ConversationTemplate.named(LlavaConfig.TEMPLATE);
    private final Set<Long> stop;

    LlavaReplies(LlavaChat chat, TextTokenizer tokenizer, int size) {
      this.chat = chat;
      this.tokenizer = tokenizer;
      this.size = size;
      this.stop =
          Set.of(tokenizer.tokenId(template.stopString()).orElse(chat.llm().config().eosTokenId()));
    }

    @Override
    String reply(RgbImage image, String question, GenerationSettings settings) {
      if (image != null && !question.contains("<image>")) {
        question = "<image>\n" + question;
      }
      long[] ids =
          LlavaChat.tokenize(
              tokenizer, template.prompt(question), chat.llm().config().bosTokenId());
      try (NDManager batch = chat.manager().newSubManager()) {
        NDArray images = null;
        if (image != null) {
          float[] pixels = PhaseTimer.time(Phase.PREPROCESS, () -> chat.pixels(image, size));
          images = chat.encodeImages(batch.create(pixels, new Shape(1, 3, size, size)));
        }
        NDArray embeddings = chat.inputEmbeddings(ids, images, batch);
        try (PromptDecoding state = chat.decoding(embeddings, true, batch)) {
          String text = tokenizer.decode(Generator.generate(state, settings, stop), true);
          int cut = text.indexOf(template.stopString());
          return (cut >= 0 ? text.substring(0, cut) : text).strip();
        }
      }
    }
  }

  // ------------------------------------------------------------------ Model

  @Override
  public Set<Class<? extends Capability>> capabilities() {
    return capabilities.keySet();
  }

  @Override
  public <C extends Capability> Optional<C> capability(Class<C> type) {
    return Optional.ofNullable(type.cast(capabilities.get(type)));
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public void close() {
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    RuntimeException first = null;
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        RuntimeException wrapped =
            e instanceof RuntimeException re ? re : new IllegalStateException(e);
        if (first == null) {
          first = wrapped;
        } else {
          first.addSuppressed(wrapped);
        }
      }
    }
    resources.clear();
    if (first != null) {
      throw first;
    }
  }
}
