package io.vleval.model.internvl.provider;

import io.vleval.api.djl.TrainableBackbone;
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
import io.vleval.api.sample.RgbImage;
import io.vleval.model.internvl.nd.TorchThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * One model replica per device, seen as one model: each capability call deals its inputs across the
 * replicas, runs the shares in parallel (one thread per replica) and returns the results in input
 * order.
 *
 * <p>Inputs are dealt in whole forward batches ({@code batch_size} images or texts; one image or
 * request for generation), contiguously: replica {@code r} of {@code R} takes batches {@code
 * [r*B/R, (r+1)*B/R)} of the call's {@code B}. Every forward pass therefore sees exactly the inputs
 * it would see on one device, so the results are the same as one device's, value for value. A call
 * with a single batch runs on the first replica, on the caller's thread. The trainable backbone is
 * the first replica's (fine-tuning trains one copy).
 */
final class ReplicatedModel implements Model {

  private final List<Model> replicas;
  private final ModelInfo info;
  private final int batchSize;
  private final ExecutorService threads;
  private final Map<Class<? extends Capability>, Capability> capabilities;
  private final TorchThreads.Scope threadShare;

  /**
   * @param replicas the replicas, one per device, all of the same kind (owned: closed with this)
   * @param info what the run records (the device names joined)
   * @param batchSize images or texts per forward pass of each replica
   */
  ReplicatedModel(List<Model> replicas, ModelInfo info, int batchSize) {
    this(replicas, info, batchSize, 0);
  }

  /**
   * @param replicas the replicas, one per device, all of the same kind (owned: closed with this)
   * @param info what the run records (the device names joined)
   * @param batchSize images or texts per forward pass of each replica
   * @param cpuReplicas how many of the replicas are on the CPU: when several, they run at once on
   *     the same cores, so each gets its share of PyTorch's intra-op threads until this closes
   */
  ReplicatedModel(List<Model> replicas, ModelInfo info, int batchSize, int cpuReplicas) {
    if (replicas.size() < 2) {
      throw new IllegalArgumentException("replication needs two replicas at least");
    }
    this.replicas = List.copyOf(replicas);
    this.info = info;
    this.batchSize = batchSize;
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            replicas.size(),
            r -> {
              Thread t = new Thread(r, "vleval-replica-" + n.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    this.capabilities = dealers();
    // before any replica thread starts: PyTorch gives a thread the count set when it first runs
    this.threadShare = cpuReplicas > 1 ? TorchThreads.limitFor(cpuReplicas) : null;
  }

  private Map<Class<? extends Capability>, Capability> dealers() {
    Model first = replicas.get(0);
    Map<Class<? extends Capability>, Capability> out = new LinkedHashMap<>();
    for (Class<? extends Capability> type : first.capabilities()) {
      Capability dealt =
          type == ImageEmbedder.class
              ? images(all(ImageEmbedder.class))
              : type == TextEmbedder.class
                  ? texts(all(TextEmbedder.class))
                  : type == VideoEmbedder.class
                      ? videos(all(VideoEmbedder.class))
                      : type == DenseFeatureExtractor.class
                          ? dense(all(DenseFeatureExtractor.class))
                          : type == BlockFeatureExtractor.class
                              ? blocks(all(BlockFeatureExtractor.class))
                              : type == CaptionGenerator.class
                                  ? captions(all(CaptionGenerator.class))
                                  : type == MultipleChoiceChat.class
                                      ? chat(all(MultipleChoiceChat.class))
                                      : type == ImageChat.class
                                          ? imageChat(all(ImageChat.class))
                                          : first.require(type);
      if (type != TrainableBackbone.class && dealt == first.require(type)) {
        throw new IllegalStateException(
            "no way to deal " + type.getSimpleName() + " calls across replicas");
      }
      out.put(type, dealt);
    }
    return out;
  }

  private <C extends Capability> List<C> all(Class<C> type) {
    return replicas.stream().map(m -> m.require(type)).toList();
  }

  // ------------------------------------------------------------------ dealing

  /**
   * Deals {@code items} in whole chunks of {@code chunk} across the replicas, runs {@code work} on
   * each non-empty share (replica index, share) in parallel and concatenates the results in order.
   */
  <T, R> List<R> deal(List<T> items, int chunk, BiFunction<Integer, List<T>, List<R>> work) {
    int chunks = (items.size() + chunk - 1) / chunk;
    if (chunks <= 1) {
      return work.apply(0, items);
    }
    int n = replicas.size();
    List<Future<List<R>>> futures = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      int from = Math.min(items.size(), (int) ((long) r * chunks / n) * chunk);
      int to = Math.min(items.size(), (int) ((long) (r + 1) * chunks / n) * chunk);
      if (from == to) {
        continue;
      }
      List<T> share = items.subList(from, to);
      int replica = r;
      futures.add(threads.submit(() -> work.apply(replica, share)));
    }
    List<R> out = new ArrayList<>(items.size());
    RuntimeException failure = null;
    // wait for every share, even after a failure, so that no replica is still busy when the caller
    // goes on
    for (Future<List<R>> f : futures) {
      try {
        List<R> part = f.get();
        if (failure == null) {
          out.addAll(part);
        }
      } catch (ExecutionException e) {
        RuntimeException cause = unwrap(e.getCause());
        if (failure == null) {
          failure = cause;
        } else if (cause != failure) {
          failure.addSuppressed(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        for (Future<List<R>> other : futures) {
          other.cancel(true);
        }
        throw new IllegalStateException("interrupted while the replicas were working", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (out.size() != items.size()) {
      throw new IllegalStateException(
          "the replicas returned " + out.size() + " results for " + items.size() + " inputs");
    }
    return out;
  }

  private static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("a replica failed", cause);
  }

  private <T> float[][] dealRows(
      List<T> items, int chunk, BiFunction<Integer, List<T>, float[][]> work) {
    return deal(items, chunk, (r, share) -> Arrays.asList(work.apply(r, share)))
        .toArray(new float[0][]);
  }

  // ------------------------------------------------------------------ capabilities

  private ImageEmbedder images(List<ImageEmbedder> each) {
    return new ImageEmbedder() {
      @Override
      public int embeddingSize() {
        return each.get(0).embeddingSize();
      }

      @Override
      public float[][] embedImages(List<RgbImage> images, ImageView view) {
        return dealRows(images, batchSize, (r, share) -> each.get(r).embedImages(share, view));
      }
    };
  }

  private TextEmbedder texts(List<TextEmbedder> each) {
    return new TextEmbedder() {
      @Override
      public int embeddingSize() {
        return each.get(0).embeddingSize();
      }

      @Override
      public float[][] embedTexts(List<String> texts) {
        return dealRows(texts, batchSize, (r, share) -> each.get(r).embedTexts(share));
      }
    };
  }

  /** Whole clips are dealt: a clip's frames are embedded in batches by one replica. */
  private VideoEmbedder videos(List<VideoEmbedder> each) {
    return new VideoEmbedder() {
      @Override
      public int embeddingSize() {
        return each.get(0).embeddingSize();
      }

      @Override
      public float[][] embedVideos(List<List<RgbImage>> clips) {
        return dealRows(clips, 1, (r, share) -> each.get(r).embedVideos(share));
      }
    };
  }

  private DenseFeatureExtractor dense(List<DenseFeatureExtractor> each) {
    return new DenseFeatureExtractor() {
      @Override
      public int channels() {
        return each.get(0).channels();
      }

      @Override
      public int inputSize() {
        return each.get(0).inputSize();
      }

      @Override
      public List<DenseFeatures> extract(List<RgbImage> images) {
        return deal(images, batchSize, (r, share) -> each.get(r).extract(share));
      }
    };
  }

  private BlockFeatureExtractor blocks(List<BlockFeatureExtractor> each) {
    BlockFeatureExtractor first = each.get(0);
    return new BlockFeatureExtractor() {
      @Override
      public int depth() {
        return first.depth();
      }

      @Override
      public int channels() {
        return first.channels();
      }

      @Override
      public int patchSize() {
        return first.patchSize();
      }

      @Override
      public int inputSize() {
        return first.inputSize();
      }

      @Override
      public List<List<BlockFeatures>> extract(
          List<RgbImage> images, ImageView view, int side, List<Integer> blocks) {
        return deal(
            images, batchSize, (r, share) -> each.get(r).extract(share, view, side, blocks));
      }
    };
  }

  /**
   * A reply does not depend on the batch it is decoded in (batched generation equals one prompt at
   * a time), so images and requests are dealt in contiguous shares, one share a replica.
   */
  private CaptionGenerator captions(List<CaptionGenerator> each) {
    return (images, prompt, settings) ->
        deal(images, 1, (r, share) -> each.get(r).caption(share, prompt, settings));
  }

  private MultipleChoiceChat chat(List<MultipleChoiceChat> each) {
    return new MultipleChoiceChat() {
      @Override
      public List<String> answer(List<ChatRequest> requests, GenerationSettings settings) {
        return deal(requests, 1, (r, share) -> each.get(r).answer(share, settings));
      }
    };
  }

  private ImageChat imageChat(List<ImageChat> each) {
    return (requests, settings) ->
        deal(requests, 1, (r, share) -> each.get(r).respond(share, settings));
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

  /** How many replicas there are. */
  int replicaCount() {
    return replicas.size();
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      closeAll(replicas, null);
    } finally {
      if (threadShare != null) {
        threadShare.close();
      }
    }
  }

  /**
   * Closes every model, keeping every failure: the first is thrown (or added to {@code pending},
   * the failure already on its way, when there is one).
   */
  static void closeAll(List<Model> models, RuntimeException pending) {
    RuntimeException first = pending;
    for (Model m : models) {
      try {
        m.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null && first != pending) {
      throw first;
    }
  }
}
