package io.vleval.reports.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.reports.TestRuns;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderboardTest {

  @TempDir Path temp;
  private String page;

  @BeforeEach
  void render() throws Exception {
    FinishedRun a =
        FinishedRun.read(
            TestRuns.write(temp.resolve("a"), TestRuns.result("run-a", 0), TestRuns.gates()));
    FinishedRun b =
        FinishedRun.read(TestRuns.write(temp.resolve("b"), TestRuns.result("run-b", 5), null));
    FinishedRun base =
        FinishedRun.read(
            TestRuns.write(temp.resolve("base"), TestRuns.result("run-base", 2), null));
    page =
        Leaderboard.render(
            List.of(a, b), base, new Leaderboard.Options("Board " + TestRuns.SCRIPT, 10));
  }

  @Test
  void hostileTextAppearsOnlyAsText() {
    assertThat(page).doesNotContain("<script>alert").doesNotContain("<img");
    assertThat(page)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
        .contains("javascript:alert(3)");
    // exactly one script element: the page's own
    assertThat(Pattern.compile("<script").matcher(page).results().count()).isEqualTo(1);
    // no tag links anywhere, loads anything or has an event handler (attribute values blanked
    // first)
    Matcher tags = Pattern.compile("<[a-zA-Z][^>]*>").matcher(page);
    while (tags.find()) {
      String tag = tags.group().replaceAll("\"[^\"]*\"", "\"\"");
      assertThat(tag)
          .doesNotContainPattern("(?i)\\s(href|src|action|formaction|srcset|xlink:href|style)\\s*=")
          .doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
    }
  }

  @Test
  void aContentSecurityPolicyAllowsOnlyThePagesOwnScriptAndStyle() {
    Matcher csp = Pattern.compile("Content-Security-Policy\" content=\"([^\"]*)\"").matcher(page);
    assertThat(csp.find()).isTrue();
    assertThat(csp.group(1))
        .startsWith("default-src 'none'; script-src 'sha256-")
        .contains("style-src 'sha256-")
        .doesNotContain("unsafe-inline")
        .doesNotContain("http");
    Matcher script = Pattern.compile("(?s)<script>(.*)</script>").matcher(page);
    assertThat(script.find()).isTrue();
    assertThat(csp.group(1)).contains(Html.cspHash(script.group(1)));
  }

  @Test
  void showsEveryModelOfEveryRunWithIntervalsDeltasAndGates() {
    assertThat(page)
        .contains(
            "2 runs, 4 models, 2 tasks; changes against the baseline run suite \u00b7 run-base");
    // rnd in run a: top1 10 against the baseline's 12 is a 2-point drop; run b's 15 is a 3-point
    // rise
    assertThat(page)
        .contains(
            "<span class=\"v\">10.00</span><span class=\"ci\">[8.00, 12.00]</span>"
                + "<span class=\"delta down\" title=\"against the baseline's 12.00\">\u22122.00</span>");
    assertThat(page)
        .contains("<span class=\"delta up\" title=\"against the baseline's 12.00\">+3.00</span>");
    assertThat(page).contains("gate failed");
    assertThat(page).contains("data-better=\"higher\"");
    assertThat(page).contains("<figcaption>zero-shot: top1</figcaption>").contains("<svg");
    // pixels has no captioning result: an empty cell, not a zero
    assertThat(page).contains("<td class=\"empty\" data-v=\"\">\u2014</td>");
  }

  @Test
  void drillDownsShowCategoriesAndTheWorstSamplesFirst() {
    assertThat(page).contains("<h4>By category (3)</h4>");
    assertThat(page).contains("Worst 4 of 4 samples").contains("1 unreadable lines skipped");
    int worst = page.indexOf("javascript:alert(3)</td>");
    int next = page.indexOf(">c.jpg</td>");
    int best = page.indexOf(">b.jpg</td>");
    assertThat(worst).isPositive().isLessThan(next);
    assertThat(next).isLessThan(best);
    assertThat(page).contains("Worst 6 of 6 samples (4 incorrect)");
  }

  @Test
  void rendersTheSameRunsTheSameWay() throws Exception {
    String again =
        Leaderboard.render(
            List.of(FinishedRun.read(temp.resolve("a")), FinishedRun.read(temp.resolve("b"))),
            FinishedRun.read(temp.resolve("base")),
            new Leaderboard.Options("Board " + TestRuns.SCRIPT, 10));
    assertThat(again).isEqualTo(page);
  }

  @Test
  void aRunReadFromABareResultsFileSaysItHasNoSamples() throws Exception {
    Path file = temp.resolve("elsewhere/results.json");
    Files.createDirectories(file.getParent());
    Files.copy(temp.resolve("a/results.json"), file);
    String single =
        Leaderboard.render(List.of(FinishedRun.read(file)), null, Leaderboard.Options.DEFAULT);
    assertThat(single).contains("the run directory has no samples file for this task");
    assertThat(single).doesNotContain("changes against");
  }
}
