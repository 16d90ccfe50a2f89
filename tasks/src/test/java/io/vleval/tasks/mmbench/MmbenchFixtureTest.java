package io.vleval.tasks.mmbench;

import static io.vleval.tasks.metrics.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.vleval.api.result.MetricValue;
import io.vleval.tasks.metrics.Fixtures;
import io.vleval.tasks.metrics.ScoreTable;
import io.vleval.tasks.metrics.scoring.ScoreOptions;
import io.vleval.testkit.FixtureTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every MMBench fixture file of the fixture root ({@code family: mmbench}, with the TSV pair found
 * by content): every extraction case, every row, every circular group and both reports.
 */
@FixtureTest
class MmbenchFixtureTest {

  private static final double ABS = 1e-12;

  @TestFactory
  Stream<DynamicNode> extractionCases() {
    return Fixtures.mmbench().stream()
        .map(m -> dynamicContainer(m.toString(), extractionCases(m.json())));
  }

  private static Stream<DynamicNode> extractionCases(JsonNode root) {
    List<DynamicNode> tests = new ArrayList<>();
    JsonNode cases = root.get("extraction_cases");
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      tests.add(
          dynamicTest(
              i + ": " + c.get("prediction").asText().replace('\n', ' ') + " | " + c.get("choices"),
              () -> {
                Map<String, String> choices = new LinkedHashMap<>();
                c.get("choices")
                    .fields()
                    .forEachRemaining(e -> choices.put(e.getKey(), e.getValue().asText()));
                String prediction = c.get("prediction").asText();
                expect(
                    c.get("can_infer"),
                    AnswerExtractor::canInfer,
                    prediction,
                    choices,
                    "can_infer");
                expect(
                    c.get("can_infer_option"),
                    AnswerExtractor::canInferOption,
                    prediction,
                    choices,
                    "can_infer_option");
                expect(
                    c.get("can_infer_text"),
                    AnswerExtractor::canInferText,
                    prediction,
                    choices,
                    "can_infer_text");
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicNode> predictionRowsAndReports() {
    return Fixtures.mmbench().stream()
        .map(m -> dynamicContainer(m.toString(), predictionRowsAndReports(m)));
  }

  private static Stream<DynamicNode> predictionRowsAndReports(Fixtures.Mmbench fixture) {
    JsonNode root = fixture.json();
    Path predictions = fixture.predictions();
    Path dataset = fixture.dataset();
    JsonNode expected = root.get("expected");
    List<DynamicNode> tests = new ArrayList<>();
    tests.add(
        dynamicTest(
            "rows: prediction after load and extracted answer",
            () -> {
              Map<Long, McqItem> items = MmbenchRows.items(predictions);
              for (JsonNode row : root.get("rows")) {
                McqItem item = items.get(row.get("index").longValue());
                assertThat(item).as("row %s", row.get("index")).isNotNull();
                assertThat(item.prediction())
                    .as("prediction of row %s", row.get("index"))
                    .isEqualTo(row.get("prediction_after_load").asText());
                Optional<String> extracted =
                    AnswerExtractor.canInfer(item.prediction(), item.choices());
                assertThat(extracted.orElse(null))
                    .as("extracted of row %s", row.get("index"))
                    .isEqualTo(
                        row.get("extracted").isBoolean() ? null : row.get("extracted").asText());
              }
              assertThat(items).hasSize(root.get("rows").size());
            }));
    tests.add(
        dynamicTest(
            "circular groups",
            () -> {
              McqEvaluation.Result result =
                  McqEvaluation.circular(
                      new ArrayList<>(MmbenchRows.items(predictions).values()),
                      MmbenchRows.answers(dataset));
              JsonNode groups = expected.get("circular_groups");
              assertThat(result.outcomes()).hasSize(groups.size());
              for (int i = 0; i < groups.size(); i++) {
                GroupResult g = result.outcomes().get(i);
                assertThat(g.index()).isEqualTo(groups.get(i).get("g_index").longValue());
                assertThat(g.hit())
                    .as("hit of group %d", g.index())
                    .isEqualTo(groups.get(i).get("hit").intValue());
                assertThat(g.log())
                    .as("log of group %d", g.index())
                    .isEqualTo(groups.get(i).get("log").asText());
              }
            }));
    tests.add(
        dynamicTest(
            "vanilla rows",
            () -> {
              McqEvaluation.Result result =
                  McqEvaluation.vanilla(
                      new ArrayList<>(MmbenchRows.items(predictions).values()),
                      MmbenchRows.answers(dataset));
              JsonNode rows = expected.get("vanilla_rows");
              assertThat(result.outcomes()).hasSize(rows.size());
              for (int i = 0; i < rows.size(); i++) {
                assertThat(result.outcomes().get(i).index())
                    .isEqualTo(rows.get(i).get("index").longValue());
                assertThat(result.outcomes().get(i).hit())
                    .as("hit of row %s", rows.get(i).get("index"))
                    .isEqualTo(rows.get(i).get("hit").intValue());
              }
            }));
    for (boolean circular : new boolean[] {true, false}) {
      String key = circular ? "circular_report_acc" : "vanilla_report_acc";
      tests.add(
          dynamicTest(
              key + " (through MultipleChoiceScoring)",
              () -> {
                ScoreTable table =
                    MultipleChoiceScoring.score(
                        predictions, dataset, circular, ScoreOptions.NO_INTERVALS);
                JsonNode report = expected.get(key);
                List<String> expectedNames = new ArrayList<>();
                report
                    .fieldNames()
                    .forEachRemaining(
                        n -> {
                          if (!n.equals("split")) {
                            expectedNames.add(n);
                          }
                        });
                assertThat(table.names()).containsExactlyElementsOf(expectedNames);
                for (MetricValue m : table.metrics()) {
                  assertClose(
                      key + " " + m.name(),
                      m.value(),
                      Fixtures.number(report.get(m.name()).get(0)),
                      ABS,
                      0);
                }
              }));
    }
    return tests.stream();
  }

  private static void expect(
      JsonNode expected,
      BiFunction<String, Map<String, String>, Optional<String>> f,
      String prediction,
      Map<String, String> choices,
      String what) {
    Optional<String> actual = f.apply(prediction, new LinkedHashMap<>(choices));
    assertThat(actual.orElse(null))
        .as(what)
        .isEqualTo(expected.isBoolean() ? null : expected.asText());
  }
}
