package io.vleval.training.spec;

import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.Conversation;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.api.sample.Sample;
import io.vleval.api.spec.Doc;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A stage's training data ({@code data:} of a stage): entries of the recipe's {@code datasets:}
 * named by the role they play. Each role lists one or more datasets, read in order.
 *
 * <ul>
 *   <li>{@code captions}: captioned images (Karpathy or COCO captions, WebDataset shards, ...);
 *       stage 1 pairs each image with one of its captions, stage 2 captions it, the LM warm-ups
 *       read the captions' text, SFT asks for them in captioning turns ({@code caption_turns});
 *   <li>{@code translations} (stage 1): the same images' captions in other languages, matched by
 *       sample id, each image drawn in a language drawn per step;
 *   <li>{@code labelled} (stage 1): labelled images, paired with a class prompt;
 *   <li>{@code conversations} (SFT, LM warm-up): LLaVA-format conversations;
 *   <li>{@code questions} (SFT): multiple-choice questions, turned into turns with the MMBench
 *       prompt.
 * </ul>
 *
 * <p>{@code shuffle_buffer} streams the data instead of holding it: each epoch reads it again
 * (WebDataset shards in a new seeded order) through a shuffle buffer of that many examples. Without
 * it every sample is held as a small handle (its id, texts and undecoded image) and each epoch
 * draws a seeded permutation.
 *
 * @param captions captioned-image datasets
 * @param translations datasets with the same images' captions in further languages (stage 1)
 * @param labelled labelled-image datasets (stage 1)
 * @param conversations conversation datasets (sft, lm-warmup)
 * @param questions multiple-choice question datasets (sft)
 * @param shuffleBuffer stream the data through a shuffle buffer of this many examples
 * @param circular sft: add every circular shift of a question's options
 */
public record DataSpec(
    @Doc("captioned-image datasets (entries of datasets:)") List<String> captions,
    @Doc("contrastive: the same images' captions in more languages, matched by sample id")
        List<String> translations,
    @Doc("contrastive: labelled-image datasets, trained with class prompts") List<String> labelled,
    @Doc("sft, lm-warmup: LLaVA-format conversation datasets") List<String> conversations,
    @Doc("sft: multiple-choice question datasets, asked with the MMBench prompt")
        List<String> questions,
    @Doc("stream the data through a shuffle buffer of this many examples (default: hold handles)")
        Integer shuffleBuffer,
    @Doc("sft: every circular shift of a question's options (default false)") Boolean circular) {

  /** The roles, in the order a stage reads them, with the sample type each reads. */
  public static final Map<String, Class<? extends Sample>> ROLES = roles();

  private static Map<String, Class<? extends Sample>> roles() {
    Map<String, Class<? extends Sample>> m = new LinkedHashMap<>();
    m.put("captions", CaptionedImage.class);
    m.put("translations", CaptionedImage.class);
    m.put("labelled", LabelledImage.class);
    m.put("conversations", Conversation.class);
    m.put("questions", MultipleChoiceQuestion.class);
    return m;
  }

  /** Defaults and the checks that need no other part of the recipe. */
  public DataSpec {
    captions = copy(captions);
    translations = copy(translations);
    labelled = copy(labelled);
    conversations = copy(conversations);
    questions = copy(questions);
    circular = circular != null && circular;
    if (shuffleBuffer != null && shuffleBuffer < 1) {
      throw new IllegalArgumentException(
          "'shuffle_buffer' is "
              + shuffleBuffer
              + "; it must be 1 or more (leave it out to hold"
              + " the data as handles)");
    }
    List<String> problems = new ArrayList<>();
    // the fields are assigned after this body: read the parameters
    Map<String, List<String>> byRole = new LinkedHashMap<>();
    byRole.put("captions", captions);
    byRole.put("translations", translations);
    byRole.put("labelled", labelled);
    byRole.put("conversations", conversations);
    byRole.put("questions", questions);
    for (Map.Entry<String, List<String>> role : byRole.entrySet()) {
      Set<String> seen = new HashSet<>();
      for (String name : role.getValue()) {
        if (!seen.add(name)) {
          problems.add("'" + role.getKey() + "' lists '" + name + "' twice");
        }
      }
    }
    if (!translations.isEmpty() && captions.isEmpty()) {
      problems.add("'translations' needs 'captions': the images whose captions they translate");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static List<String> copy(List<String> names) {
    return names == null ? List.of() : List.copyOf(names);
  }

  /**
   * Data for stage 1 and 2 from captioned images alone.
   *
   * @param captions the datasets
   * @return the data
   */
  public static DataSpec captions(String... captions) {
    return new DataSpec(List.of(captions), null, null, null, null, null, null);
  }

  /**
   * @param role a role
   * @return the datasets it names
   */
  public List<String> names(String role) {
    return switch (role) {
      case "captions" -> captions;
      case "translations" -> translations;
      case "labelled" -> labelled;
      case "conversations" -> conversations;
      case "questions" -> questions;
      default -> throw new IllegalArgumentException("no role '" + role + "'");
    };
  }

  /**
   * @param kind a stage kind
   * @return the roles a stage of that kind reads
   */
  public static List<String> rolesOf(StageKind kind) {
    return switch (kind) {
      case CONTRASTIVE -> List.of("captions", "translations", "labelled");
      case LM_HEAD_WARMUP, GENERATIVE -> List.of("captions");
      case LM_WARMUP -> List.of("captions", "conversations");
      case SFT -> List.of("captions", "conversations", "questions");
    };
  }

  /**
   * Why a role (or option) does not fit a stage kind.
   *
   * @param kind the stage's kind
   * @param key a key of {@code data:}
   * @return the problem, or null when it fits
   */
  public static String misfit(StageKind kind, String key) {
    if (key.equals("circular")) {
      return kind == StageKind.SFT ? null : "'circular' applies to sft stages (their questions)";
    }
    if (!ROLES.containsKey(key) || rolesOf(kind).contains(key)) {
      return null;
    }
    String why =
        key.equals("questions") && kind == StageKind.LM_WARMUP
            ? " (a question's picture cannot be read without the image, so the warm-up trains on"
                + " captions and conversations only)"
            : "";
    return stage(kind) + " reads " + String.join(", ", rolesOf(kind)) + ", not '" + key + "'" + why;
  }

  /**
   * Why the data gives a stage nothing to train on.
   *
   * @param kind the stage's kind
   * @return the problem, or null when some role it reads names a dataset
   */
  public String missing(StageKind kind) {
    boolean named =
        rolesOf(kind).stream()
            .filter(r -> !r.equals("translations"))
            .anyMatch(r -> !names(r).isEmpty());
    return named ? null : needsData(kind);
  }

  /**
   * @param kind a stage kind
   * @return what a stage of that kind that names no data is told
   */
  public static String needsData(StageKind kind) {
    List<String> reads = rolesOf(kind).stream().filter(r -> !r.equals("translations")).toList();
    return stage(kind)
        + " needs data: name datasets under "
        + String.join(" or ", reads.stream().map(r -> "'" + r + "'").toList());
  }

  /** "a contrastive stage", "an lm-warmup stage". */
  private static String stage(StageKind kind) {
    String name = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return (name.startsWith("lm") || name.startsWith("sft") ? "an " : "a ") + name + " stage";
  }

  /**
   * @return whether the data is streamed ({@code shuffle_buffer}) rather than held as handles
   */
  public boolean streamed() {
    return shuffleBuffer != null;
  }
}
