package io.vleval.reports.html;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.reports.TestRuns;
import io.vleval.reports.browser.Browser;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The leaderboard in a real browser: Debian's chromium driven by its chromedriver through Selenium,
 * headless, from disk. Sorts a column, opens a drill-down, saves screenshots under {@code
 * target/screenshots}, and checks that the page made no network request and that hostile text
 * stayed text.
 *
 * <p>Skipped, saying why, when chromium or chromedriver is not installed; failed instead when
 * {@code CI=true} (see {@link Browser}).
 */
class LeaderboardBrowserTest {

  @TempDir Path temp;
  private ChromeDriver driver;
  private Path page;

  @BeforeEach
  void start() throws Exception {
    driver = Browser.start(temp, "the leaderboard");
    FinishedRun a =
        FinishedRun.read(
            TestRuns.write(temp.resolve("a"), TestRuns.result("run-a", 0), TestRuns.gates()));
    FinishedRun b =
        FinishedRun.read(TestRuns.write(temp.resolve("b"), TestRuns.result("run-b", 40), null));
    FinishedRun base =
        FinishedRun.read(
            TestRuns.write(temp.resolve("base"), TestRuns.result("run-base", 2), null));
    page = temp.resolve("leaderboard.html");
    Files.writeString(page, Leaderboard.render(List.of(a, b), base, Leaderboard.Options.DEFAULT));
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void sortsOpensADrillDownAndLoadsNothingFromTheNetwork() throws Exception {
    // drop what the browser logged before the page (its own start page, chrome:// resources)
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.get(page.toUri().toString());
    assertThat(driver.getTitle()).isEqualTo("vleval leaderboard");

    // sort the zero-shot column: best first, then worst first
    WebElement header =
        driver.findElement(
            By.xpath(
                "//table[@id='leaderboard']/thead//th[button[starts-with(normalize-space(.), 'zero-shot')]]"));
    int column = headerIndex(header);
    header.findElement(By.tagName("button")).click();
    Browser.waitFor(
        () -> "descending".equals(header.getAttribute("aria-sort")), "the column to sort");
    List<Double> desc = columnValues(column);
    assertThat(desc).hasSize(4).isSortedAccordingTo((x, y) -> Double.compare(y, x));
    assertThat(rowLabels().get(0)).isEqualTo("pixels");
    header.findElement(By.tagName("button")).click();
    Browser.waitFor(
        () -> "ascending".equals(header.getAttribute("aria-sort")),
        "the column to sort the other way");
    assertThat(columnValues(column)).isSorted();
    Browser.screenshot(driver, "leaderboard-sorted.png");

    // open the drill-down of rnd's captioning score in run a
    WebElement cell = driver.findElement(By.cssSelector("button.cell[aria-controls='d-0-1']"));
    WebElement panel = driver.findElement(By.id("d-0-1"));
    assertThat(panel.isDisplayed()).isFalse();
    cell.click();
    Browser.waitFor(panel::isDisplayed, "the drill-down to open");
    assertThat(cell.getAttribute("aria-expanded")).isEqualTo("true");
    String text = panel.getText();
    assertThat(text)
        .contains("Worst 4 of 4 samples")
        .contains(TestRuns.SCRIPT)
        .contains(TestRuns.IMG)
        .contains(TestRuns.JS_URL);
    Browser.screenshot(driver, "leaderboard-drilldown.png");
    // the category names of another drill-down are text too
    driver.findElement(By.cssSelector("button.cell[aria-controls='d-0-0']")).click();
    Browser.waitFor(
        () -> driver.findElement(By.id("d-0-0")).isDisplayed(), "the second drill-down to open");
    assertThat(panel.isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("d-0-0")).getText())
        .contains(TestRuns.SCRIPT)
        .contains(TestRuns.IMG);

    // hostile text stayed text: no alert, no injected element, only the page's own script
    Browser.assertNoAlert(driver);
    JavascriptExecutor js = driver;
    assertThat(
            js.executeScript(
                "return document.querySelectorAll('img, iframe, object, embed, link').length"))
        .isEqualTo(0L);
    assertThat(js.executeScript("return document.scripts.length")).isEqualTo(1L);
    assertThat(
            js.executeScript("return document.querySelectorAll('[src], [href], [style]').length"))
        .isEqualTo(0L);
    assertThat(js.executeScript("return performance.getEntriesByType('resource').length"))
        .isEqualTo(0L);

    // and the browser requested nothing but the page itself
    List<String> requested = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      Map<String, Object> entry = new Json().toType(e.getMessage(), Json.MAP_TYPE);
      @SuppressWarnings("unchecked")
      Map<String, Object> message = (Map<String, Object>) entry.get("message");
      if ("Network.requestWillBeSent".equals(message.get("method"))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> request =
            (Map<String, Object>) ((Map<String, Object>) message.get("params")).get("request");
        requested.add(String.valueOf(request.get("url")));
      }
    }
    // the browser's own chrome:// pages are not the page's requests and never reach the network
    requested.removeIf(url -> url.startsWith("chrome://") || url.startsWith("chrome-extension://"));
    assertThat(requested)
        .as("requests the page made")
        .isNotEmpty()
        .allSatisfy(url -> assertThat(url).matches("(file|data):.*"))
        .anySatisfy(url -> assertThat(url).isEqualTo(page.toUri().toString()));
  }

  /**
   * Eight tasks at a 1,400-pixel window (the quickstart's leaderboard against a baseline), and
   * sixteen: every score cell lies inside the table's box, or the box scrolls sideways on its own
   * while the page does not, and scrolling it to the end brings the last column into view.
   */
  @Test
  void manyTasksFitOrScrollInsideTheirBox() throws Exception {
    for (int tasks : new int[] {8, 16}) {
      FinishedRun run =
          FinishedRun.read(
              TestRuns.write(
                  temp.resolve("q" + tasks), TestRuns.manyTasks("quickstart-1", 0, tasks), null));
      FinishedRun base =
          FinishedRun.read(
              TestRuns.write(
                  temp.resolve("b" + tasks),
                  TestRuns.manyTasks("quickstart-0", 0.0123, tasks),
                  null));
      Path wide = temp.resolve(tasks + "-tasks.html");
      Files.writeString(wide, Leaderboard.render(List.of(run), base, Leaderboard.Options.DEFAULT));
      driver.get(wide.toUri().toString());
      assertFitsOrScrolls(tasks, "leaderboard-" + tasks + "-tasks");
    }
  }

  private void assertFitsOrScrolls(int tasks, String screenshot) throws Exception {
    JavascriptExecutor js = driver;
    assertThat(js.executeScript("return document.querySelectorAll('#leaderboard thead th').length"))
        .isEqualTo(tasks + 1L);
    assertThat(js.executeScript("return window.innerWidth")).isEqualTo(1400L);
    String measure =
        """
        const table = document.getElementById('leaderboard');
        const box = table.parentElement;
        const b = box.getBoundingClientRect();
        const overflowX = getComputedStyle(box).overflowX;
        const beyond = [...table.querySelectorAll('th, td')]
            .filter(c => c.getBoundingClientRect().right > b.right + 0.5).length;
        const last = table.querySelector('thead th:last-child').getBoundingClientRect();
        return {boxRight: b.right, boxLeft: b.left, viewport: document.documentElement.clientWidth,
            pageWidth: document.documentElement.scrollWidth, beyond: beyond,
            scrolls: (overflowX === 'auto' || overflowX === 'scroll')
                && box.scrollWidth > box.clientWidth,
            lastRight: last.right, lastLeft: last.left};
        """;
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) js.executeScript(measure);
    Browser.screenshot(driver, screenshot + ".png");
    String what = tasks + " tasks: " + m;
    assertThat(((Number) m.get("boxRight")).doubleValue())
        .as("the table's box lies within the window; %s", what)
        .isLessThanOrEqualTo(((Number) m.get("viewport")).doubleValue());
    assertThat(((Number) m.get("pageWidth")).longValue())
        .as("the page itself does not scroll sideways; %s", what)
        .isLessThanOrEqualTo(((Number) m.get("viewport")).longValue());
    if (tasks > 8) {
      assertThat(((Number) m.get("beyond")).longValue())
          .as("so many columns cannot fit: this case checks the scrolling; %s", what)
          .isPositive();
    }
    if (((Number) m.get("beyond")).longValue() > 0) {
      assertThat(m.get("scrolls"))
          .as("cells lie beyond the box's right edge, so the box must scroll; %s", what)
          .isEqualTo(true);
      js.executeScript(
          "const box = document.getElementById('leaderboard').parentElement;"
              + " box.scrollLeft = box.scrollWidth;");
      @SuppressWarnings("unchecked")
      Map<String, Object> end = (Map<String, Object>) js.executeScript(measure);
      Browser.screenshot(driver, screenshot + "-scrolled.png");
      assertThat(((Number) end.get("lastRight")).doubleValue())
          .as("scrolled to the end, the last column is in view; %s", end)
          .isLessThanOrEqualTo(((Number) end.get("boxRight")).doubleValue() + 0.5);
      assertThat(((Number) end.get("lastLeft")).doubleValue())
          .isGreaterThanOrEqualTo(((Number) end.get("boxLeft")).doubleValue());
    }
  }

  private int headerIndex(WebElement th) {
    List<WebElement> all = driver.findElements(By.cssSelector("#leaderboard thead th"));
    return all.indexOf(th);
  }

  private List<Double> columnValues(int column) {
    List<Double> out = new ArrayList<>();
    for (WebElement row : driver.findElements(By.cssSelector("#leaderboard tbody tr"))) {
      String v = row.findElements(By.cssSelector("th, td")).get(column).getAttribute("data-v");
      out.add(Double.parseDouble(v));
    }
    return out;
  }

  private List<String> rowLabels() {
    List<String> out = new ArrayList<>();
    for (WebElement row : driver.findElements(By.cssSelector("#leaderboard tbody tr th"))) {
      out.add(row.getAttribute("data-s"));
    }
    return out;
  }
}
