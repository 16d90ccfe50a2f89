package io.vleval.tasks.mmbench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-side access to the TSV rows, through the public scoring reader (vanilla rows = every
 * prediction row).
 */
final class MmbenchRows {

  private MmbenchRows() {}

  static Map<Long, McqItem> items(Path predictions) {
    Map<Long, McqItem> out = new LinkedHashMap<>();
    for (McqItem item : MultipleChoiceTsv.predictions(predictions)) {
      out.put(item.index(), item);
    }
    return out;
  }

  static Map<Long, String> answers(Path dataset) {
    return MultipleChoiceTsv.answers(dataset);
  }
}
