package io.vleval.reports.allure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vleval.reports.TestRuns;
import io.vleval.reports.browser.Browser;
import io.vleval.reports.run.FinishedRun;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The Allure HTML report of a run whose category names, captions and dataset location hold {@code
 * <script>}, {@code "><img onerror=...>} and {@code javascript:} text, opened in a real browser:
 * the text shows as text, nothing runs, nothing is injected.
 */
class AllureReportBrowserTest {

  @TempDir Path temp;
  private ChromeDriver driver;

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void hostileTextStaysTextInTheAllureReport() throws Exception {
    Path run = TestRuns.write(temp.resolve("run"), TestRuns.result("run-1", 0), TestRuns.gates());
    AllureResults.write(FinishedRun.read(run), run.resolve("allure-results"), true);
    Path index =
        new AllureReport(AllureReportTest.home())
            .generate(run.resolve("allure-results"), temp.resolve("report"), true);
    driver = Browser.start(temp, "the Allure report");
    driver.get(index.toUri() + "#behaviors");
    JavascriptExecutor js = driver;
    Browser.waitFor(
        () -> !driver.findElements(By.cssSelector(".node__title")).isEmpty(), "the behaviors tree");
    // every test result of the tree, opened in turn so its parameters and attachments render
    List<String> routes =
        driver.findElements(By.cssSelector("a.node__leaf")).stream()
            .map(a -> a.getAttribute("href"))
            .map(h -> h.substring(h.indexOf('#')))
            .toList();
    StringBuilder seen = new StringBuilder();
    Browser.assertNoAlert(driver);
    for (String route : routes) {
      js.executeScript("window.location.hash = arguments[0]", route);
      Thread.sleep(300);
      Browser.assertNoAlert(driver);
      Browser.waitFor(
          () -> !driver.findElements(By.cssSelector(".test-result, .pane__section")).isEmpty(),
          "the test result " + route);
      for (WebElement attachment : driver.findElements(By.cssSelector(".attachment-row"))) {
        attachment.click();
        Thread.sleep(300);
        Browser.assertNoAlert(driver);
      }
      Thread.sleep(200);
      seen.append(driver.findElement(By.tagName("body")).getText()).append('\n');
      Browser.assertNoAlert(driver);
    }
    Browser.screenshot(driver, "allure-report.png");
    assertThat(routes).as("test results in the report").hasSizeGreaterThanOrEqualTo(3);
    assertThat(seen.toString()).contains(TestRuns.SCRIPT);
    Browser.assertNoAlert(driver);
    assertThat(
            js.executeScript(
                "return document.querySelectorAll('img[src=\"x\"], img[onerror]').length"))
        .isEqualTo(0L);
    assertThat(
            js.executeScript(
                "return Array.from(document.scripts).filter(s => s.text.includes('alert(1)') && !s.src).length"))
        .isEqualTo(0L);
    assertThat(
            js.executeScript("return document.querySelectorAll('a[href^=\"javascript:\"]').length"))
        .isEqualTo(0L);
  }
}
