package io.vleval.api.sample;

import java.util.List;
import java.util.Map;

/**
 * An open-ended or yes/no question about an image (VQAv2, TextVQA, VizWiz, GQA, POPE, MME, MM-Vet):
 * the task builds the prompt and scores the free-text reply against the answers.
 *
 * @param id the benchmark's own question id, unique within the dataset
 * @param image may be {@code null} for text-only questions
 * @param question the question as the benchmark states it
 * @param answers the reference answers as the annotation gives them (ten human answers for VQAv2,
 *     TextVQA and VizWiz; one for GQA, POPE, MME and MM-Vet); empty where the split has none (test
 *     splits), which the task records but does not score
 * @param category what results are broken down by: the answer type (VQA family), the split (POPE),
 *     the subtask (MME), the capabilities (MM-Vet); may be {@code null}
 * @param attributes the benchmark's further fields a prompt or scorer reads (OCR tokens, image id,
 *     answerable...), keyed by the annotation's own field names
 */
public record VisualQuestion(
    String id,
    ImageSource image,
    String question,
    List<String> answers,
    String category,
    Map<String, String> attributes)
    implements Sample {

  public VisualQuestion {
    answers = List.copyOf(answers);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
