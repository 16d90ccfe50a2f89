package io.vleval.tasks.vqa;

import io.vleval.api.task.SampleRecord;
import java.util.List;

/**
 * One answered question.
 *
 * @param sampleId the benchmark's question id
 * @param question the question as the benchmark states it
 * @param imageId the image id where the scorer needs it (TextVQA's lookup), else {@code null}
 * @param prediction the model's reply, as it came
 * @param answers the reference answers; empty for a split without answers (not scored)
 * @param groups what the accuracy is broken down by (answer type; GQA's binary/open and types)
 * @param accuracy the question's accuracy under the task's scorer against its own answers; {@code
 *     null} when it has none
 * @param answerable VizWiz's {@code answerable} flag of the annotation; {@code null} elsewhere
 */
public record VqaAnswer(
    String sampleId,
    String question,
    String imageId,
    String prediction,
    List<String> answers,
    List<String> groups,
    Double accuracy,
    Boolean answerable)
    implements SampleRecord {
  public VqaAnswer {
    answers = answers == null ? List.of() : List.copyOf(answers);
    groups = groups == null ? List.of() : List.copyOf(groups);
  }
}
