package io.vleval.training.data;

import io.vleval.api.sample.CaptionedImage;
import io.vleval.api.sample.LabelledImage;
import io.vleval.api.sample.MultipleChoiceQuestion;
import io.vleval.preprocess.ImageTransform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The held-out data the in-process metrics read after each stage, decoded and preprocessed as plain
 * Java values (images squashed to the model's side with PIL-exact bicubic and normalized with the
 * ImageNet mean/std). What the stages train on is {@link StageData}; a run without held-out data
 * holds empty lists ({@link #empty}).
 *
 * @param classNames the classification classes' names
 * @param classVal held-out labelled images (zero-shot accuracy)
 * @param captionTest held-out captioned images (retrieval)
 * @param questionsEval held-out multiple-choice questions (accuracy)
 * @param imageSize the side every image was resized to
 */
public record TrainingData(
    List<String> classNames,
    List<Labelled> classVal,
    List<Captioned> captionTest,
    List<Question> questionsEval,
    int imageSize) {

  /** Copies. */
  public TrainingData {
    classNames = List.copyOf(classNames);
    classVal = List.copyOf(classVal);
    captionTest = List.copyOf(captionTest);
    questionsEval = List.copyOf(questionsEval);
  }

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
   * @param captions its captions
   */
  public record Captioned(float[] pixels, List<String> captions) {

    /** Copies. */
    public Captioned {
      captions = List.copyOf(captions);
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
   * @param imageSize the models' side
   * @return no held-out data
   */
  public static TrainingData empty(int imageSize) {
    return new TrainingData(List.of(), List.of(), List.of(), List.of(), imageSize);
  }

  /**
   * Decodes and preprocesses held-out samples.
   *
   * @param classNames class names
   * @param classVal labelled held-out images
   * @param captionTest captioned held-out images
   * @param questionsEval held-out questions
   * @param imageSize the model's side
   * @return the data
   */
  public static TrainingData of(
      List<String> classNames,
      List<LabelledImage> classVal,
      List<CaptionedImage> captionTest,
      List<MultipleChoiceQuestion> questionsEval,
      int imageSize) {
    ImageTransform t = ImageTransform.imagenet(ImageTransform.Mode.SQUARE, imageSize);
    List<Labelled> labelled = new ArrayList<>();
    for (LabelledImage s : classVal) {
      labelled.add(new Labelled(t.apply(s.image().load()), s.label()));
    }
    List<Captioned> captioned = new ArrayList<>();
    for (CaptionedImage s : captionTest) {
      captioned.add(new Captioned(t.apply(s.image().load()), s.captions()));
    }
    List<Question> questions = new ArrayList<>();
    Map<String, float[]> shared = new HashMap<>();
    for (MultipleChoiceQuestion q : questionsEval) {
      float[] px =
          q.image() == null
              ? null
              : shared.computeIfAbsent(q.image().origin(), o -> t.apply(q.image().load()));
      questions.add(
          new Question(px, q.question(), q.hint(), q.options(), q.answer(), q.questionIndex()));
    }
    return new TrainingData(classNames, labelled, captioned, questions, imageSize);
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
