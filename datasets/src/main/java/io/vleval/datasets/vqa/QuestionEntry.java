package io.vleval.datasets.vqa;

import io.vleval.api.error.DatasetFormatException;
import io.vleval.api.sample.VisualQuestion;
import io.vleval.datasets.image.ImageDecoder;
import io.vleval.datasets.layout.DatasetRoot;
import io.vleval.datasets.layout.FileImageSource;
import java.util.List;
import java.util.Map;

/**
 * One listed question: its image path as the layout gives it, or the problem that made the entry
 * unreadable (raised when the entry is reached, so a run with {@code on_error: skip} can skip it).
 *
 * @param id the benchmark's question id
 * @param imagePath the image path relative to the image folder
 * @param file the annotation file the entry comes from, for messages
 * @param place where in the file (e.g. {@code questions[3]}), for messages
 */
public record QuestionEntry(
    String id,
    String imagePath,
    String question,
    List<String> answers,
    String category,
    Map<String, String> attributes,
    String file,
    String place,
    String problem) {

  /** An entry that fails with {@code problem} when reached. */
  public static QuestionEntry broken(String id, String file, String place, String problem) {
    return new QuestionEntry(id, null, null, List.of(), null, Map.of(), file, place, problem);
  }

  /** The sample; throws the entry's problem, or a refused image path, naming file and place. */
  public VisualQuestion toSample(DatasetRoot images, ImageDecoder decoder) {
    if (problem != null) {
      throw DatasetFormatException.forSample(id, file, place, problem);
    }
    return new VisualQuestion(
        id,
        new FileImageSource(images.resolve(imagePath, file, place, id), id, decoder),
        question,
        answers,
        category,
        attributes);
  }
}
