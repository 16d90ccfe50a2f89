package io.vleval.reports.browser;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's chromium driven headless by its chromedriver, for the page tests. Skips the calling
 * test, saying why, when either is missing; fails it instead when {@code CI=true}, so that CI
 * cannot silently lose a browser test ({@code .ci/run} installs both). {@code VLEVAL_CHROMIUM} and
 * {@code VLEVAL_CHROMEDRIVER} override the paths.
 */
public final class Browser {
  private static final Path CHROMIUM = Path.of(env("VLEVAL_CHROMIUM", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(env("VLEVAL_CHROMEDRIVER", "/usr/bin/chromedriver"));

  private Browser() {}

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : v;
  }

  /** A headless browser with a fresh profile under {@code temp}, recording its network log. */
  public static ChromeDriver start(Path temp, String what) throws Exception {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add("chromium (" + CHROMIUM + ")");
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      missing.add("chromedriver (" + CHROMEDRIVER + ")");
    }
    if (!missing.isEmpty()) {
      String why =
          String.join(" and ", missing)
              + " not installed; install them with"
              + " 'apt-get install -y chromium chromium-driver' to run the browser test of "
              + what;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true and " + why);
      }
      Assumptions.abort(why);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--user-data-dir=" + Files.createDirectories(temp.resolve("profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(temp.resolve("chromedriver.log").toFile())
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** Fails when the page opened an alert (hostile text ran as script). */
  public static void assertNoAlert(ChromeDriver driver) {
    try {
      driver.switchTo().alert();
      fail("an alert opened: hostile text ran as script");
    } catch (NoAlertPresentException expected) {
      // good
    }
  }

  public static void screenshot(ChromeDriver driver, String name) throws Exception {
    Path dir = Path.of(System.getProperty("vleval.screenshots", "target/screenshots"));
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  public static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
