package io.vleval.training.data;

import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.ImageSource;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.preprocess.ImageTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the stages read, decoded once and held as plain Java values: images squashed to the
 * model's side with PIL-exact bicubic and normalized with the ImageNet mean/std ({@code
 * ImageTransform.Mode.SQUARE}), with their texts.
 *
 * @param classNames the classification classes' names
 * @param classTrain labelled training images
 * @param classVal held-out labelled images (zero-shot accuracy)
 * @param captionTrain captioned training images
 * @param captionTest held-out captioned images (retrieval)
 * @param sceneTrain multi-object training scenes with their objects (the segmentation part), for
 *     the stage-3 instruction turns
 * @param questionsEval held-out multiple-choice questions (accuracy)
 * @param imageSize the side every image was resized to
 */
public record TrainingData(
    List<String> classNames,
    List<Labelled> classTrain,
    List<Labelled> classVal,
    List<Captioned> captionTrain,
    List<Captioned> captionTest,
    List<Scene> sceneTrain,
    List<Question> questionsEval,
    int imageSize) {

  /**
   * A preprocessed training scene and what it shows.
   *
   * @param pixels {@code 3 x S x S} normalized values
   * @param objects its objects
   */
  public record Scene(float[] pixels, List<SceneObject> objects) {

    /** Copies. */
    public Scene {
      objects = List.copyOf(objects);
    }
  }

  /**
   * One object of a scene.
   *
   * @param colour its colour name ("red")
   * @param shape its shape name ("circle")
   * @param large whether it is the large one of two objects of its shape (false when its shape is
   *     unique)
   */
  public record SceneObject(String colour, String shape, boolean large) {}

  /**
   * A decoded scene before preprocessing.
   *
   * @param image the picture
   * @param objects its objects
   */
  public record SceneImage(ImageSource image, List<SceneObject> objects) {}

  /**
   * A preprocessed labelled image.
   *
   * @param pixels {@code 3 x S x S} normalized values
   * @param label the class
   */
  public record Labelled(float[] pixels, int label) {}

  /**
   * A preprocessed captioned image.
   *
   * @param pixels {@code 3 x S x S} normalized values
   * @param captions its captions in the first training language (what every stage but the
   *     contrastive one reads)
   * @param moreLanguages its captions in each further language of {@code caption_languages}, in
   *     that order (empty for one language)
   */
  public record Captioned(float[] pixels, List<String> captions, List<List<String>> moreLanguages) {

    /** Copies, and checks that every language has captions. */
    public Captioned {
      captions = List.copyOf(captions);
      moreLanguages = moreLanguages.stream().<List<String>>map(List::copyOf).toList();
      if (captions.isEmpty() || moreLanguages.stream().anyMatch(List::isEmpty)) {
        throw new IllegalArgumentException("a captioned image needs captions in every language");
      }
    }

    /**
     * @param pixels {@code 3 x S x S} normalized values
     * @param captions its captions, in one language
     */
    public Captioned(float[] pixels, List<String> captions) {
      this(pixels, captions, List.of());
    }

    /**
     * @return the captions of every language, in the order of {@code caption_languages}
     */
    public List<List<String>> byLanguage() {
      List<List<String>> all = new ArrayList<>();
      all.add(captions);
      all.addAll(moreLanguages);
      return all;
    }
  }

  /**
   * A preprocessed multiple-choice question.
   *
   * @param pixels {@code 3 x S x S} normalized values
   * @param question the question
   * @param hint the hint, or null
   * @param options option texts in letter order
   * @param answer the correct letter
   * @param group rows sharing it are circular variants of one question
   */
  public record Question(
      float[] pixels,
      String question,
      String hint,
      List<String> options,
      String answer,
      String group) {}

  /**
   * Decodes and preprocesses samples.
   *
   * @param classNames class names
   * @param classTrain labelled training images
   * @param classVal labelled held-out images
   * @param captionTrain captioned training images
   * @param captionTest captioned held-out images
   * @param sceneTrain multi-object training scenes
   * @param questionsEval held-out questions
   * @param imageSize the model's side
   * @return the data
   */
  public static TrainingData of(
      List<String> classNames,
      List<LabelledImage> classTrain,
      List<LabelledImage> classVal,
      List<CaptionedImage> captionTrain,
      List<CaptionedImage> captionTest,
      List<SceneImage> sceneTrain,
      List<MultipleChoiceQuestion> questionsEval,
      int imageSize) {
    ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, imageSize);
    return new TrainingData(
        List.copyOf(classNames),
        labelled(classTrain, t),
        labelled(classVal, t),
        captioned(captionTrain, t),
        captioned(captionTest, t),
        scenes(sceneTrain, t),
        questions(questionsEval, t),
        imageSize);
  }

  /**
   * The same data with the captions of another language added to every captioned training image (no
   * image is decoded again).
   *
   * @param sameImages captions-train in the other language: the same images in the same order
   * @return the data with one more caption language
   * @throws IllegalArgumentException when the number of images differs (the caller checks that they
   *     are the same)
   */
  public TrainingData withCaptionLanguage(List<CaptionedImage> sameImages) {
    if (sameImages.size() != captionTrain.size()) {
      throw new IllegalArgumentException(
          "the captions of another language cover "
              + sameImages.size()
              + " training images, the first language's "
              + captionTrain.size());
    }
    List<Captioned> out = new ArrayList<>();
    for (int i = 0; i < sameImages.size(); i++) {
      Captioned c = captionTrain.get(i);
      List<List<String>> more = new ArrayList<>(c.moreLanguages());
      more.add(sameImages.get(i).captions());
      out.add(new Captioned(c.pixels(), c.captions(), more));
    }
    return new TrainingData(
        classNames,
        classTrain,
        classVal,
        List.copyOf(out),
        captionTest,
        sceneTrain,
        questionsEval,
        imageSize);
  }

  private static List<Labelled> labelled(List<LabelledImage> in, ImageTransform t) {
    List<Labelled> out = new ArrayList<>();
    for (LabelledImage s : in) {
      out.add(new Labelled(t.apply(s.image().load()), s.label()));
    }
    return List.copyOf(out);
  }

  private static List<Captioned> captioned(List<CaptionedImage> in, ImageTransform t) {
    List<Captioned> out = new ArrayList<>();
    for (CaptionedImage s : in) {
      out.add(new Captioned(t.apply(s.image().load()), s.captions()));
    }
    return List.copyOf(out);
  }

  private static List<Scene> scenes(List<SceneImage> in, ImageTransform t) {
    List<Scene> out = new ArrayList<>();
    for (SceneImage s : in) {
      out.add(new Scene(t.apply(s.image().load()), s.objects()));
    }
    return List.copyOf(out);
  }

  private static List<Question> questions(List<MultipleChoiceQuestion> in, ImageTransform t) {
    List<Question> out = new ArrayList<>();
    Map<String, float[]> shared = new HashMap<>();
    for (MultipleChoiceQuestion q : in) {
      float[] px =
          q.image() == null
              ? null
              : shared.computeIfAbsent(q.image().origin(), o -> t.apply(q.image().load()));
      out.add(new Question(px, q.question(), q.hint(), q.options(), q.answer(), q.questionIndex()));
    }
    return List.copyOf(out);
  }

  /**
   * The MMBench prompt of the reference ({@code evaluate_mmbench.py}): {@code [hint + "\n"] +
   * question + "\nA. ..." + "\n" + instruction}.
   *
   * @param q the question
   * @return the prompt
   */
  public static String prompt(Question q) {
    StringBuilder sb = new StringBuilder();
    if (q.hint() != null && !q.hint().isBlank()) {
      sb.append(q.hint()).append('\n');
    }
    sb.append(q.question());
    for (int i = 0; i < q.options().size(); i++) {
      sb.append('\n').append((char) ('A' + i)).append(". ").append(q.options().get(i));
    }
    sb.append("\nAnswer with the option's letter from the given choices directly.");
    return sb.toString();
  }
}
