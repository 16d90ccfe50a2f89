package io.vleval.training.sft;

import io.vleval.training.data.TrainingData;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Image-grounded instruction turns built from the synthetic suite's <em>training</em> images, never
 * from the MMBench TSV (which stays the evaluation set):
 *
 * <ul>
 *   <li>Multiple-choice turns with the question grammar of {@code SyntheticSuite.mmbench}: "What
 *       colour is the [large|small] SHAPE?", "What shape is the COLOUR object?", "How many shapes
 *       are in the image?"; 2 to 4 options always holding the correct one, shuffled; the MMBench
 *       hint in a third of them; the prompt exactly as {@code MmbenchProvider.prompt} builds it
 *       ({@link TrainingData#prompt}); the answer is the letter. The objects come from the
 *       classification images (one object, its class "colour shape") and the captioned images (two
 *       objects, parsed from the reference caption "a SIZE COLOUR SHAPE RELATION a SIZE COLOUR
 *       SHAPE"). A question is asked only when the picture answers it unambiguously, as the suite
 *       does.
 *   <li>Captioning turns: "English caption:" or a describe instruction; the answer is one of the
 *       image's reference captions.
 * </ul>
 *
 * <p>Held-out turns are built the same way from the classification-val and captions-test images.
 */
public final class InstructionData {

  /** The MMBench hint the suite adds to a third of its questions. */
  public static final String HINT = "The picture shows flat shapes on a textured background.";

  /** The captioning instructions (the first is InternVL-G's captioning prompt). */
  public static final List<String> CAPTION_PROMPTS =
      List.of("English caption:", "Describe the image in one sentence.");

  private static final Pattern PAIR =
      Pattern.compile(
          "a (large|small) (\\S+) (\\S+) (to the left of|to the right of|above|below) a (large|small) (\\S+) (\\S+)");

  /**
   * One conversation turn about one image.
   *
   * @param pixels the preprocessed image ({@code 3 x S x S})
   * @param prompt the user message (without the image placeholder)
   * @param answer the assistant's reply
   * @param options option texts in letter order (empty for a caption turn)
   * @param references reference captions (empty for a multiple-choice turn)
   * @param description what the picture shows in words ("a blue circle", or the reference caption
   *     of a two-object image) for a multiple-choice turn, null for a caption turn; the LM warm-up
   *     puts it where the image goes
   */
  public record Turn(
      float[] pixels,
      String prompt,
      String answer,
      List<String> options,
      List<String> references,
      String description) {

    /**
     * @return whether it is a multiple-choice turn
     */
    public boolean multipleChoice() {
      return !options.isEmpty();
    }
  }

  private record Obj(boolean large, String colour, String shape) {}

  private final List<String> colours;
  private final List<String> shapes;

  /**
   * @param data the suite (its class names "colour shape" give the colour and shape vocabularies)
   */
  public InstructionData(TrainingData data) {
    Set<String> c = new LinkedHashSet<>();
    Set<String> s = new LinkedHashSet<>();
    for (String n : data.classNames()) {
      String[] w = n.replace('_', ' ').split(" ", 2);
      c.add(w[0]);
      s.add(w[1]);
    }
    this.colours = List.copyOf(c);
    this.shapes = List.copyOf(s);
  }

  /**
   * Multiple-choice turns about labelled (one object) and captioned (two objects) images.
   *
   * @param data the suite
   * @param labelled labelled images
   * @param captioned captioned images
   * @param seed seeds the option draws, order and hints
   * @return the turns
   */
  public List<Turn> multipleChoice(
      TrainingData data,
      List<TrainingData.Labelled> labelled,
      List<TrainingData.Captioned> captioned,
      long seed) {
    return multipleChoice(data, labelled, captioned, seed, false);
  }

  /**
   * Multiple-choice turns, optionally with every circular shift of each question's options
   * (MMBench's CircularEval applied to the training data): a question with {@code k} options then
   * appears {@code k} times with its answer at each letter, so every letter is the answer equally
   * often for each option count and no constant letter (or letter prior) beats chance — only the
   * image tells the answer.
   *
   * @param data the suite
   * @param labelled labelled images
   * @param captioned captioned images
   * @param seed seeds the option draws, order and hints (the draws are the same with and without
   *     {@code circular})
   * @param circular whether to add every circular shift of the options
   * @return the turns (the shifts of one question consecutive)
   */
  public List<Turn> multipleChoice(
      TrainingData data,
      List<TrainingData.Labelled> labelled,
      List<TrainingData.Captioned> captioned,
      long seed,
      boolean circular) {
    return multipleChoice(data, labelled, captioned, List.of(), seed, circular, false);
  }

  /**
   * Multiple-choice turns about labelled, captioned and scene images (one to four objects, the
   * segmentation part, drawn after the others), whose reply is either the option letter the prompt
   * asks for or the right option's text ("blue"), which the reference's MMBench post-processing
   * ({@link #letterOf}) and VLMEvalKit's {@code can_infer_text} map back to the letter.
   *
   * @param data the suite
   * @param labelled labelled images
   * @param captioned captioned images
   * @param scenes multi-object scenes
   * @param seed seeds the option draws, order and hints
   * @param circular whether to add every circular shift of the options
   * @param textReply whether the reply is the right option's text instead of its letter
   * @return the turns (the shifts of one question consecutive)
   */
  public List<Turn> multipleChoice(
      TrainingData data,
      List<TrainingData.Labelled> labelled,
      List<TrainingData.Captioned> captioned,
      List<TrainingData.Scene> scenes,
      long seed,
      boolean circular,
      boolean textReply) {
    List<Turn> out = new ArrayList<>();
    for (Mc m : draw(data, labelled, captioned, scenes, seed)) {
      int k = m.options().size();
      for (int shift = 0; shift < (circular ? k : 1); shift++) {
        List<String> opts = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
          opts.add(m.options().get((i + shift) % k));
        }
        String letter = String.valueOf((char) ('A' + Math.floorMod(m.answer() - shift, k)));
        TrainingData.Question q =
            new TrainingData.Question(
                m.pixels(), m.question(), m.hint(), List.copyOf(opts), letter, null);
        String reply = textReply ? m.options().get(m.answer()) : letter;
        out.add(
            new Turn(
                m.pixels(),
                TrainingData.prompt(q),
                reply,
                List.copyOf(opts),
                List.of(),
                m.description()));
      }
    }
    return out;
  }

  /**
   * A drawn multiple-choice question: options in drawn order, the index of the right one, the
   * picture in words.
   */
  private record Mc(
      float[] pixels,
      String question,
      String hint,
      List<String> options,
      int answer,
      String description) {}

  private List<Mc> draw(
      TrainingData data,
      List<TrainingData.Labelled> labelled,
      List<TrainingData.Captioned> captioned,
      List<TrainingData.Scene> scenes,
      long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Mc> out = new ArrayList<>();
    for (TrainingData.Labelled l : labelled) {
      String[] w = data.classNames().get(l.label()).replace('_', ' ').split(" ", 2);
      ask(l.pixels(), "a " + w[0] + " " + w[1], List.of(new Obj(false, w[0], w[1])), r, out);
    }
    for (TrainingData.Captioned c : captioned) {
      for (String cap : c.captions()) {
        Matcher m = PAIR.matcher(cap);
        if (m.matches()
            && colours.contains(m.group(2))
            && shapes.contains(m.group(3))
            && colours.contains(m.group(6))
            && shapes.contains(m.group(7))) {
          ask(
              c.pixels(),
              cap,
              List.of(
                  new Obj(m.group(1).equals("large"), m.group(2), m.group(3)),
                  new Obj(m.group(5).equals("large"), m.group(6), m.group(7))),
              r,
              out);
          break;
        }
      }
    }
    for (TrainingData.Scene s : scenes) {
      List<Obj> objects =
          s.objects().stream().map(o -> new Obj(o.large(), o.colour(), o.shape())).toList();
      if (!objects.isEmpty()) {
        ask(s.pixels(), describe(objects), objects, r, out);
      }
    }
    return out;
  }

  /**
   * Captioning turns, {@code perImage} per image with seeded prompt and reference choices.
   *
   * @param captioned captioned images
   * @param perImage turns per image
   * @param seed the seed
   * @return the turns
   */
  public List<Turn> captioning(List<TrainingData.Captioned> captioned, int perImage, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Turn> out = new ArrayList<>();
    for (TrainingData.Captioned c : captioned) {
      for (int i = 0; i < perImage; i++) {
        out.add(
            new Turn(
                c.pixels(),
                CAPTION_PROMPTS.get(r.nextInt(CAPTION_PROMPTS.size())),
                c.captions().get(r.nextInt(c.captions().size())),
                List.of(),
                c.captions(),
                null));
      }
    }
    return out;
  }

  /**
   * "a red circle", "a red circle and a blue square", "a red circle, a blue square and a green
   * triangle".
   */
  private static String describe(List<Obj> objects) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < objects.size(); i++) {
      b.append(i == 0 ? "" : i == objects.size() - 1 ? " and " : ", ");
      b.append("a ").append(objects.get(i).colour()).append(' ').append(objects.get(i).shape());
    }
    return b.toString();
  }

  /**
   * Every question the picture answers unambiguously (colour and shape of each object, the count
   * half the time).
   */
  private void ask(
      float[] pixels, String description, List<Obj> objects, SplittableRandom r, List<Mc> out) {
    for (Obj target : objects) {
      long sameShape = objects.stream().filter(o -> o.shape().equals(target.shape())).count();
      long sameShapeAndSize =
          objects.stream()
              .filter(o -> o.shape().equals(target.shape()) && o.large() == target.large())
              .count();
      long sameColour = objects.stream().filter(o -> o.colour().equals(target.colour())).count();
      if (sameShapeAndSize == 1) {
        String q =
            sameShape == 1
                ? "What colour is the " + target.shape() + "?"
                : "What colour is the "
                    + (target.large() ? "large " : "small ")
                    + target.shape()
                    + "?";
        out.add(turn(pixels, description, q, target.colour(), colours, r));
      }
      if (sameColour == 1) {
        out.add(
            turn(
                pixels,
                description,
                "What shape is the " + target.colour() + " object?",
                target.shape(),
                shapes,
                r));
      }
    }
    if (r.nextInt(2) == 0) {
      out.add(
          turn(
              pixels,
              description,
              "How many shapes are in the image?",
              Integer.toString(objects.size()),
              List.of("1", "2", "3", "4"),
              r));
    }
  }

  private static Mc turn(
      float[] pixels,
      String description,
      String question,
      String correct,
      List<String> all,
      SplittableRandom r) {
    int keep = 2 + r.nextInt(3);
    List<String> chosen = new ArrayList<>(List.of(correct));
    List<String> others = new ArrayList<>(all);
    others.remove(correct);
    while (chosen.size() < Math.min(keep, all.size())) {
      chosen.add(others.remove(r.nextInt(others.size())));
    }
    for (int i = chosen.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      String t = chosen.get(i);
      chosen.set(i, chosen.get(j));
      chosen.set(j, t);
    }
    String hint = r.nextInt(3) == 0 ? HINT : null;
    return new Mc(
        pixels, question, hint, List.copyOf(chosen), chosen.indexOf(correct), description);
  }

  /**
   * The reference's MMBench post-processing ({@code post_process}): stripped; one character → it; a
   * leading option letter → it; else the letter whose option text the reply contains; else the
   * reply.
   *
   * @param reply the model's reply
   * @param options the option texts in letter order
   * @return the predicted letter (or the raw reply)
   */
  public static String letterOf(String reply, List<String> options) {
    String s = reply.strip();
    if (s.length() == 1) {
      return s;
    }
    if (!s.isEmpty() && s.charAt(0) >= 'A' && s.charAt(0) < 'A' + options.size()) {
      return s.substring(0, 1);
    }
    for (int i = 0; i < options.size(); i++) {
      if (!options.get(i).isEmpty() && s.contains(options.get(i))) {
        return String.valueOf((char) ('A' + i));
      }
    }
    return s;
  }
}
