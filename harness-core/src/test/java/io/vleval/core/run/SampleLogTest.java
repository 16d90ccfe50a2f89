package io.vleval.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vleval.api.error.VlevalException;
import io.vleval.api.task.SampleRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleLogTest {

  record Rec(String sampleId, float[] vector, String text) implements SampleRecord {}

  @TempDir Path dir;

  private SampleLog<Rec> log(Path file) {
    return new SampleLog<>(file, Rec.class, ResultFiles.lineMapper());
  }

  private static Rec rec(int i) {
    return new Rec("s" + i, new float[] {i, 0.1f * i, (float) Math.PI / (i + 1)}, "caption é " + i);
  }

  private static void assertSame(Rec actual, Rec expected) {
    assertThat(actual.sampleId()).isEqualTo(expected.sampleId());
    assertThat(actual.vector()).containsExactly(expected.vector());
    assertThat(actual.text()).isEqualTo(expected.text());
  }

  @Test
  void theViewReadsEachRecordBackInTheOrderAsked() {
    Path file = dir.resolve("t.jsonl");
    try (SampleLog<Rec> log = log(file)) {
      List<SampleLog.Span> spans = new ArrayList<>();
      spans.addAll(log.append(List.of(rec(0), rec(1))));
      spans.addAll(log.append(List.of(rec(2))));
      // dataset order differs from the order records completed in
      List<Rec> view = log.view(List.of(spans.get(2), spans.get(0), spans.get(1)));
      assertThat(view).hasSize(3);
      assertSame(view.get(0), rec(2));
      assertSame(view.get(1), rec(0));
      assertSame(view.get(2), rec(1));
      List<String> ids = new ArrayList<>();
      for (Rec r : view) {
        ids.add(r.sampleId());
      }
      assertThat(ids).containsExactly("s2", "s0", "s1");
      assertThatThrownBy(() -> view.add(rec(9))).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void onResumeTheIndexPointsAtTheRecordsAndACutLastLineIsDropped() throws IOException {
    Path file = dir.resolve("t.jsonl");
    try (SampleLog<Rec> first = log(file)) {
      first.append(List.of(rec(0), rec(1), rec(2)));
    }
    // a kill in the middle of a line
    Files.writeString(file, "{\"sampleId\":\"s3\",\"vec", StandardOpenOption.APPEND);
    try (SampleLog<Rec> resumed = log(file)) {
      Map<String, SampleLog.Span> index = resumed.readIndex();
      assertThat(index.keySet()).containsExactly("s0", "s1", "s2");
      List<SampleLog.Span> more = resumed.append(List.of(rec(3), rec(4)));
      List<SampleLog.Span> inOrder =
          List.of(more.get(1), index.get("s0"), more.get(0), index.get("s2"), index.get("s1"));
      List<Rec> view = resumed.view(inOrder);
      int[] expected = {4, 0, 3, 2, 1};
      for (int i = 0; i < expected.length; i++) {
        assertSame(view.get(i), rec(expected[i]));
      }
    }
    // the cut line was truncated away: every line of the file is whole
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(5);
    try (SampleLog<Rec> again = log(file)) {
      assertThat(again.readIndex().keySet()).containsExactly("s0", "s1", "s2", "s3", "s4");
    }
  }

  @Test
  void recordsLongerThanTheReadBufferAreIndexedWhereTheyLie() {
    Path file = dir.resolve("t.jsonl");
    List<Rec> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      float[] v = new float[3000 + 1000 * i];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) Math.sin(d * 0.37 + i);
      }
      written.add(new Rec("big" + i, v, "x"));
    }
    try (SampleLog<Rec> first = log(file)) {
      first.append(written);
    }
    try (SampleLog<Rec> resumed = log(file)) {
      Map<String, SampleLog.Span> index = resumed.readIndex();
      List<Rec> view = resumed.view(List.copyOf(index.values()));
      assertThat(view).hasSize(5);
      for (int i = 0; i < 5; i++) {
        assertSame(view.get(i), written.get(i));
      }
    }
  }

  @Test
  void aDamagedLineBeforeTheEndNamesTheFileAndLine() throws IOException {
    Path file = dir.resolve("t.jsonl");
    try (SampleLog<Rec> first = log(file)) {
      first.append(List.of(rec(0)));
    }
    Files.writeString(file, "\n{broken\n", StandardOpenOption.APPEND);
    try (SampleLog<Rec> first = log(file)) {
      first.append(List.of(rec(1)));
    }
    try (SampleLog<Rec> resumed = log(file)) {
      assertThatThrownBy(resumed::readIndex)
          .isInstanceOf(VlevalException.class)
          .hasMessageStartingWith(file + ":3: damaged per-sample record")
          .hasMessageEndingWith("delete the file to recompute this task");
    }
  }
}
