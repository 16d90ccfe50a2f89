package io.vleval.training.data;

import io.vleval.api.error.VlevalException;
import io.vleval.api.plugin.DatasetInfo;
import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.training.spec.DataSpec;
import io.vleval.training.spec.StageSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What a training run reads: each stage's examples, from the datasets its {@code data:} names by
 * role, opened through the registry's loaders ({@link TrainingDatasets}); one image decoder and
 * cache per image side, shared by the stages; and the held-out data of the in-process metrics.
 *
 * <p>What each stage kind makes of its roles:
 *
 * <ul>
 *   <li>contrastive: each {@code labelled} image with its class name (filled into a prompt template
 *       per step), then each {@code captions} image with its captions, and, from every {@code
 *       translations} dataset that has an image of the same sample id, its captions in that
 *       language;
 *   <li>generative: each {@code captions} image with its captions;
 *   <li>{@code lm-head-warmup}: every caption of every {@code captions} image, as text;
 *   <li>{@code lm-warmup}: every caption of every {@code captions} image as text and one captioning
 *       turn per image, and every {@code conversations} conversation (images stay placeholders);
 *   <li>sft: every {@code conversations} conversation, every {@code questions} question as a turn
 *       (each circular shift with {@code circular}; the reply per {@code mc_reply}), and {@code
 *       caption_turns} captioning turns per {@code captions} image ({@link Instructions}).
 * </ul>
 */
public final class TrainingInputs {

  private final TrainingDatasets datasets;
  private final long cacheBytes;
  private final Consumer<String> messages;
  private final Map<Integer, ImagePixels> pixels = new HashMap<>();

  /**
   * @param datasets the recipe's datasets
   * @param cacheBytes the bound of each side's cache of preprocessed pixels
   * @param messages where what the data says goes (left-out entries, translations found)
   */
  public TrainingInputs(TrainingDatasets datasets, long cacheBytes, Consumer<String> messages) {
    this.datasets = datasets;
    this.cacheBytes = cacheBytes;
    this.messages = messages;
  }

  /**
   * @param imageSize a side
   * @return the decoder (and its cache) of that side, shared by every stage that reads it
   */
  public ImagePixels pixels(int imageSize) {
    return pixels.computeIfAbsent(imageSize, s -> new ImagePixels(s, cacheBytes));
  }

  /**
   * Opens a stage's data.
   *
   * @param stage the stage
   * @param imageSize the side its model reads
   * @param seed the stage's seed (shard orders, shuffle buffer, caption and turn draws)
   * @return its examples
   * @throws VlevalException when the stage names no data, a role its kind does not read, or data
   *     that holds no samples
   */
  public StageData stage(StageSpec stage, int imageSize, long seed) {
    String what = "stage '" + stage.name() + "'";
    DataSpec data = stage.data();
    if (data == null) {
      throw new VlevalException(
          what + " names no training data; give it 'data:' naming entries of 'datasets:'");
    }
    List<String> problems = new ArrayList<>();
    String missing = data.missing(stage.kind());
    if (missing != null) {
      problems.add(missing);
    }
    for (String role : DataSpec.ROLES.keySet()) {
      String misfit = data.names(role).isEmpty() ? null : DataSpec.misfit(stage.kind(), role);
      if (misfit != null) {
        problems.add(misfit);
      }
    }
    if (data.circular() && DataSpec.misfit(stage.kind(), "circular") != null) {
      problems.add(DataSpec.misfit(stage.kind(), "circular"));
    }
    if (!problems.isEmpty()) {
      throw new VlevalException(what + ": " + String.join("; ", problems));
    }
    int keep = 2 * stage.batchSize();
    ImagePixels px = pixels(imageSize);
    return switch (stage.kind()) {
      case CONTRASTIVE -> StageData.ofImages(pairs(data, seed, keep, what), px);
      case GENERATIVE ->
          StageData.ofImages(
              datasets.examples(
                  List.of(
                      new Source<>(
                          "captions",
                          data.captions(),
                          CaptionedImage.class,
                          (dataset, info, c) ->
                              List.of(
                                  new ImageText(
                                      dataset + "/" + c.id(),
                                      c.image(),
                                      null,
                                      List.of(c.captions()))))),
                  data,
                  seed,
                  keep,
                  what,
                  messages),
              px);
      case LM_HEAD_WARMUP ->
          StageData.ofTexts(
              datasets.examples(
                  List.of(
                      new Source<>(
                          "captions",
                          data.captions(),
                          CaptionedImage.class,
                          (dataset, info, c) -> texts(dataset, c))),
                  data,
                  seed,
                  keep,
                  what,
                  messages),
              px);
      case LM_WARMUP -> StageData.ofWarmup(warmup(data, seed, keep, what), px);
      case SFT -> StageData.ofConversations(conversations(stage, data, seed, keep, what), px);
    };
  }

  /** Stage 1: labelled images, then captioned images with their translations. */
  private Examples<ImageText> pairs(DataSpec data, long seed, int keep, String what) {
    List<Map<String, List<String>>> translations = new ArrayList<>();
    List<AtomicLong> found = new ArrayList<>();
    for (String name : data.translations()) {
      Map<String, List<String>> byId = new HashMap<>();
      for (CaptionedImage c : datasets.all(name, CaptionedImage.class)) {
        byId.put(c.id(), c.captions());
      }
      translations.add(byId);
      found.add(new AtomicLong());
    }
    List<Source<?, ImageText>> sources = new ArrayList<>();
    sources.add(
        new Source<>(
            "labelled",
            data.labelled(),
            LabelledImage.class,
            (dataset, info, l) -> List.of(labelled(dataset, info, l))));
    sources.add(
        new Source<>(
            "captions",
            data.captions(),
            CaptionedImage.class,
            (dataset, info, c) -> {
              List<List<String>> more = new ArrayList<>();
              for (int t = 0; t < translations.size(); t++) {
                List<String> other = translations.get(t).get(c.id());
                if (other != null && !other.isEmpty()) {
                  more.add(other);
                  found.get(t).incrementAndGet();
                }
              }
              return List.of(
                  new ImageText(dataset + "/" + c.id(), c.image(), null, captionsOf(c, more)));
            }));
    Examples<ImageText> out = datasets.examples(sources, data, seed, keep, what, messages);
    if (!data.streamed()) {
      long captioned = 0;
      for (int i = 0; i < out.size(); i++) {
        captioned += out.get(i).labelled() ? 0 : 1;
      }
      for (int t = 0; t < translations.size(); t++) {
        messages.accept(
            what
                + ": translations '"
                + data.translations().get(t)
                + "' give captions to "
                + found.get(t).get()
                + " of "
                + captioned
                + " captioned images (matched by sample id)");
      }
    }
    return out;
  }

  private static ImageText labelled(String dataset, DatasetInfo info, LabelledImage l) {
    if (l.label() < 0 || l.label() >= info.classNames().size()) {
      throw new VlevalException(
          "dataset '"
              + dataset
              + "': image '"
              + l.id()
              + "' has label "
              + l.label()
              + ", which has no class name ("
              + info.classNames().size()
              + " names); a contrastive stage fills the class name into its prompts: give the"
              + " dataset class names");
    }
    return new ImageText(
        dataset + "/" + l.id(), l.image(), info.classNames().get(l.label()), List.of());
  }

  private static List<List<String>> captionsOf(CaptionedImage c, List<List<String>> more) {
    List<List<String>> all = new ArrayList<>();
    all.add(c.captions());
    all.addAll(more);
    return all;
  }

  private static List<Text> texts(String dataset, CaptionedImage c) {
    List<Text> out = new ArrayList<>();
    for (int k = 0; k < c.captions().size(); k++) {
      out.add(new Text(dataset + "/" + c.id() + "#" + k, c.captions().get(k)));
    }
    return out;
  }

  /** The LM warm-up: captions as text and one captioning turn per image, then conversations. */
  private Examples<Sample> warmup(DataSpec data, long seed, int keep, String what) {
    List<Source<?, Sample>> sources = new ArrayList<>();
    sources.add(
        new Source<>(
            "captions",
            data.captions(),
            CaptionedImage.class,
            (dataset, info, c) -> {
              List<Sample> out = new ArrayList<>(texts(dataset, c));
              out.addAll(Instructions.captioning(dataset, c, 1, seed + 102));
              return out;
            }));
    sources.add(
        new Source<>(
            "conversations",
            data.conversations(),
            Conversation.class,
            (dataset, info, c) -> List.of(Instructions.conversation(dataset, c))));
    return datasets.examples(sources, data, seed, keep, what, messages);
  }

  /** SFT: conversations, then questions, then captioning turns. */
  private Examples<Conversation> conversations(
      StageSpec stage, DataSpec data, long seed, int keep, String what) {
    Map<String, AtomicLong> counts = new LinkedHashMap<>();
    for (String kind : List.of("conversations", "question turns", "captioning turns")) {
      counts.put(kind, new AtomicLong());
    }
    List<Source<?, Conversation>> sources = new ArrayList<>();
    sources.add(
        new Source<>(
            "conversations",
            data.conversations(),
            Conversation.class,
            (dataset, info, c) ->
                counted(counts, "conversations", List.of(Instructions.conversation(dataset, c)))));
    sources.add(
        new Source<>(
            "questions",
            data.questions(),
            MultipleChoiceQuestion.class,
            (dataset, info, q) ->
                counted(
                    counts,
                    "question turns",
                    Instructions.multipleChoice(
                        dataset, q, data.circular(), stage.repliesWithText()))));
    sources.add(
        new Source<>(
            "captions",
            data.captions(),
            CaptionedImage.class,
            (dataset, info, c) ->
                counted(
                    counts,
                    "captioning turns",
                    Instructions.captioning(dataset, c, stage.captionTurns(), seed + 1))));
    Examples<Conversation> out = datasets.examples(sources, data, seed, keep, what, messages);
    if (!data.streamed()) {
      List<String> parts = new ArrayList<>();
      counts.forEach((kind, n) -> parts.add(n.get() + " " + kind));
      messages.accept(what + ": " + String.join(", ", parts));
    }
    return out;
  }

  private static <E> List<E> counted(Map<String, AtomicLong> counts, String kind, List<E> made) {
    counts.get(kind).addAndGet(made.size());
    return made;
  }
}
