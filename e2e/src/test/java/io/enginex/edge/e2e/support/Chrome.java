package io.enginex.edge.e2e.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium driven by Selenium, for the dashboard's browser tests. Register it in a test
 * class with
 *
 * <pre>{@code @RegisterExtension static final Chrome chrome = new Chrome();}</pre>
 *
 * The browser starts on first use of {@link #driver()} and quits after the class. When a test fails,
 * a screenshot and the page source are saved under {@code e2e/target/browser/} as {@code
 * <Class>.<test>.png|html}. The binaries are {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}
 * (override with {@code -Dchrome.binary}, {@code -Dchrome.driver}); naming both keeps Selenium Manager
 * from downloading anything.
 */
public final class Chrome implements AfterAllCallback, TestWatcher {
    /** The size of the screen pages are drawn on: a laptop. */
    public static final int WIDTH = 1366;

    public static final int HEIGHT = 900;

    private WebDriver driver;

    /** The browser, started on first use. */
    public WebDriver driver() {
        if (driver == null) {
            driver = start();
        }
        return driver;
    }

    private static WebDriver start() {
        String binary = System.getProperty("chrome.binary", "/usr/bin/chromium");
        String chromedriver = System.getProperty("chrome.driver", "/usr/bin/chromedriver");
        for (String file : List.of(binary, chromedriver)) {
            if (!Files.isExecutable(Path.of(file))) {
                throw new IllegalStateException(file + " is missing: apt-get install -y chromium chromium-driver"
                        + " (./test does this when run as root), or point -Dchrome.binary / -Dchrome.driver at them");
            }
        }
        var options = new ChromeOptions();
        options.setBinary(binary);
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // the tests run as root in CI, where Chromium's sandbox cannot start
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--ignore-certificate-errors", // the test hub's self-signed certificate, on loopback only
                // The pages under test are on this machine; a name of anywhere else resolves to nothing,
                // so no page (or a third-party page the tests visit, such as a test OpenID provider's)
                // makes the browser reach out to the internet.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--lang=en-US");
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .withLogFile(Jvm.logs().resolve("chromedriver.log").toFile())
                .build();
        var chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return chrome;
    }

    /** Waits (polling, never sleeping a fixed time) up to {@code seconds} for a condition. */
    public WebDriverWait waiting(long seconds) {
        return new WebDriverWait(driver(), Duration.ofSeconds(seconds));
    }

    /** Waits for the element to be visible and returns it. */
    public WebElement visible(By by) {
        return waiting(20).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /**
     * Marks the current page in the browser's memory; {@link #samePage()} is true until the page is
     * loaded again, so a test can prove that something appeared without a reload.
     */
    public void markPage() {
        ((JavascriptExecutor) driver()).executeScript("window.__notReloaded = true;");
    }

    public boolean samePage() {
        return Boolean.TRUE.equals(
                ((JavascriptExecutor) driver()).executeScript("return window.__notReloaded === true;"));
    }

    /** Saves a PNG of the visible page to {@code file}. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, ((TakesScreenshot) driver()).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save a screenshot to " + file, e);
        }
    }

    /**
     * Saves the whole page (the window made as tall as the page, up to 2000 px) for the README when
     * {@code -Ddashboard.screenshots=DIR} (or the environment variable {@code DASHBOARD_SCREENSHOTS}) asks
     * for it: {@code DIR/<name>.png}, a relative DIR taken from the repository root. Does nothing otherwise.
     */
    public void screenshotForDocs(String name) {
        String dir = System.getProperty("dashboard.screenshots", "");
        if (dir.isBlank()) {
            dir = System.getenv().getOrDefault("DASHBOARD_SCREENSHOTS", "");
        }
        if (dir.isBlank()) {
            return;
        }
        Path target = Path.of(dir);
        if (!target.isAbsolute()) {
            Path cwd = Path.of("").toAbsolutePath();
            Path root =
                    cwd.getFileName() != null && cwd.getFileName().toString().equals("e2e") ? cwd.getParent() : cwd;
            target = root.resolve(dir);
        }
        var window = driver().manage().window();
        Object height = ((JavascriptExecutor) driver())
                .executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight;");
        window.setSize(new Dimension(WIDTH, (int)
                Math.min(2000, Math.max(HEIGHT, ((Number) height).longValue() + 100))));
        try {
            screenshot(target.resolve(name + ".png"));
        } finally {
            window.setSize(new Dimension(WIDTH, HEIGHT));
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (driver == null) {
            return;
        }
        String name = context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName();
        Path dir = Path.of(System.getProperty("enginex.e2e.browser", "target/browser"));
        try {
            screenshot(dir.resolve(name + ".png"));
            Files.writeString(dir.resolve(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
            System.err.println("browser evidence of the failure: " + dir.resolve(name + ".png") + " and .html"
                    + " (page " + driver.getCurrentUrl() + ")");
        } catch (RuntimeException | IOException e) {
            System.err.println("could not save the browser's evidence: " + e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }
}
