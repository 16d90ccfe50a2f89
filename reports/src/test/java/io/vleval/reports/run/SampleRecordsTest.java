package io.vleval.reports.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleRecordsTest {

  @TempDir Path temp;

  @Test
  void readsTheConventionalFieldsAndKeepsTheRestAsJson() {
    SampleView v =
        SampleRecords.view(
            "{\"sampleId\":\"a\",\"prediction\":\"p\",\"references\":[\"r1\",\"r2\"],"
                + "\"correct\":false,\"rank\":3}",
            7);
    assertThat(v).isEqualTo(new SampleView(7, "a", "p", "r1 | r2", false, null, "{\"rank\":3}"));
    SampleView alias =
        SampleRecords.view("{\"sampleId\":\"b\",\"label\":2,\"predicted\":1,\"exact\":true}", 1);
    assertThat(alias.prediction()).isEqualTo("1");
    assertThat(alias.reference()).isEqualTo("2");
    assertThat(alias.correct()).isTrue();
    assertThat(alias.other()).isNull();
    assertThat(SampleRecords.view("not json", 1)).isNull();
    assertThat(SampleRecords.view("[1,2]", 1)).isNull();
  }

  @Test
  void keepsOnlyTheWorstRecordsIncorrectFirstThenLowestScore() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      lines
          .append("{\"sampleId\":\"s")
          .append(i)
          .append("\",\"correct\":")
          .append(i % 100 != 7)
          .append(",\"score\":")
          .append(i / 1000.0)
          .append("}\n");
    }
    Path f = temp.resolve("r.jsonl");
    Files.writeString(f, lines + "{\"sampleId\":\"cut");
    SampleRecords.Summary s = SampleRecords.worst(f, 12);
    assertThat(s.total()).isEqualTo(1000);
    assertThat(s.incorrect()).isEqualTo(10);
    assertThat(s.unreadable()).isEqualTo(1);
    assertThat(s.worst())
        .extracting(SampleView::id)
        .startsWith("s7", "s107", "s207")
        .contains("s0", "s1")
        .hasSize(12);
    assertThat(s.worst().get(10).id()).isEqualTo("s0");
  }

  @Test
  void recordsWithoutScoresAreShownInFileOrder() throws Exception {
    Path f = temp.resolve("r.jsonl");
    Files.writeString(
        f,
        "{\"sampleId\":\"x\",\"prediction\":\"1\"}\n{\"sampleId\":\"y\",\"prediction\":\"2\"}\n");
    SampleRecords.Summary s = SampleRecords.worst(f, 5);
    assertThat(s.ranked()).isFalse();
    assertThat(s.worst()).extracting(SampleView::id).containsExactly("x", "y");
  }
}
