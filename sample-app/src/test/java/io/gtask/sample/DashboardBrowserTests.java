package io.gtask.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import io.gtask.core.BatchMembers;
import io.gtask.core.BatchRequest;
import io.gtask.core.DeadLetter;
import io.gtask.core.DeadLetters;
import io.gtask.core.TaskClient;
import io.gtask.core.TaskFlow;
import io.gtask.core.TaskQueues;
import io.gtask.core.TaskRequest;
import io.gtask.core.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard driven end to end in headless Chromium against the running sample on a real
 * Redis: sign in, load the overview, find a task, retry a dead letter, pause a queue, and a
 * viewer who may not act nor read arguments and results ({@code gtask.dashboard.redact-payloads}). A screenshot of each page is written to
 * {@code target/dashboard-screenshots}, and to the directory named by the system property
 * {@code gtask.screenshots.dir} when set (the docs' images are made so).
 * <p>
 * Needs Chromium and ChromeDriver ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver};
 * Debian packages {@code chromium} and {@code chromium-driver}, which {@code .ci/run} installs).
 * Without them the tests are skipped, unless {@code GTASK_BROWSER_TESTS=required} or
 * {@code CI=true}, where they fail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gtask.key-prefix=sample-test-browser-${random.uuid}", "gtask.task.max-retries=0",
				"gtask.worker.poll-timeout=200ms", "gtask.stats.flush-interval=200ms",
				"gtask.dashboard.refresh-interval=1s", "gtask.dashboard.redact-payloads=true" })
@Import(RedisKeyCleanup.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Path SHOTS = Path.of("target", "dashboard-screenshots");

	private static final List<WebDriver> drivers = new ArrayList<>();

	private static Path profiles;

	@LocalServerPort
	private int port;

	@Autowired
	private TaskClient client;

	@Autowired
	private TaskQueues queues;

	@Autowired
	private DeadLetters deadLetters;

	@BeforeAll
	static void findBrowser() throws IOException {
		String missing = !new File(chromium()).canExecute() ? chromium()
				: !new File(chromedriver()).canExecute() ? chromedriver() : null;
		if (missing != null) {
			String message = missing + " is missing: install Debian's chromium and chromium-driver packages";
			if ("required".equals(System.getenv("GTASK_BROWSER_TESTS")) || "true".equalsIgnoreCase(System.getenv("CI"))) {
				throw new IllegalStateException(message + "; CI must run the browser tests");
			}
			Assumptions.abort(message);
		}
		Files.createDirectories(SHOTS);
		profiles = Files.createTempDirectory("gtask-chromium");
	}

	/**
	 * Fails on any script error or blocked resource the browser logged, such as a violation of
	 * the page's Content-Security-Policy; only the 404 of the lookup of an unknown task, and
	 * that of the sign-in page's icon, are expected.
	 */
	@AfterEach
	void quitWithoutBrowserErrors() {
		try {
			for (WebDriver driver : drivers) {
				List<String> errors = driver.manage()
					.logs()
					.get(LogType.BROWSER)
					.getAll()
					.stream()
					.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
					.map(LogEntry::getMessage)
					.filter((message) -> !message.contains("api/tasks/no-such-task"))
					// Spring Security's sign-in page, not the dashboard, has no icon
					.filter((message) -> !message.contains("/favicon.ico "))
					.toList();
				assertThat(errors).as("errors in the browser's console").isEmpty();
			}
		}
		finally {
			drivers.forEach(WebDriver::quit);
			drivers.clear();
		}
	}

	@AfterAll
	static void removeProfiles() throws IOException {
		if (profiles != null) {
			try (var paths = Files.walk(profiles)) {
				paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	@Test
	@Order(1)
	void adminLoadsTheOverviewAndFindsATask() {
		for (int i = 0; i < 40; i++) {
			this.client.send("add", i, i);
		}
		String id = this.client.send("add", 2, 3);
		String failed = this.client.send(TaskRequest.of("fail").args("card declined").maxRetries(1).build());
		this.client.send(TaskRequest.of("add").args(4, 4).countdown(Duration.ofMinutes(30)).build());
		this.client.awaitCompletion(id, TIMEOUT);
		await().atMost(TIMEOUT).until(() -> this.client.status(failed) == TaskStatus.FAILURE);

		WebDriver browser = signIn("admin", "admin");
		WebDriverWait wait = waitFor(browser);
		wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-loaded", "overview"));
		wait.until((driver) -> count(driver, "dead") >= 1 && count(driver, "workers") >= 1);
		// read all bars in one script: the chart is drawn again at every refresh, so reading its
		// sixty bars one by one would keep finding bars that a refresh replaced meanwhile
		wait.until((driver) -> Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript(
				"return Array.from(document.querySelectorAll('[data-testid=throughput-chart] .bar-ok'))"
						+ ".some((bar) => parseFloat(bar.getAttribute('height')) > 0);")));
		assertThat(text(wait, By.cssSelector("[data-testid=queues] tr[data-row=default]")))
			.contains("running");
		screenshot(browser, "dashboard-overview");

		browser.findElement(By.cssSelector("a.nav[data-view=tasks]")).click();
		WebElement input = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=task-id]")));
		input.sendKeys(id);
		browser.findElement(By.cssSelector("form.search button[type=submit]")).click();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=task-status]")));
		assertThat(text(wait, By.cssSelector("[data-testid=task-status]"))).isEqualTo("SUCCESS");
		assertThat(text(wait, By.cssSelector("[data-testid=task-args]"))).contains("2", "3");
		assertThat(text(wait, By.cssSelector("[data-testid=task-result]"))).isEqualTo("5");
		assertThat(text(wait, By.cssSelector("[data-testid=task-history]"))).contains("Sent to queue default",
				"Attempt 1 started", "Succeeded");

		browser.get(base() + "#/tasks/" + failed);
		wait.until((driver) -> driver.findElement(By.cssSelector("[data-testid=task-status]")).getText().equals("FAILURE"));
		assertThat(text(wait, By.cssSelector("[data-testid=task-history]"))).contains("Sent to queue default",
				"Attempt 1 started", "Attempt 1 failed; retry", "Attempt 2 started", "Failed on attempt 2",
				"java.lang.IllegalStateException: card declined");
		assertThat(text(wait, By.cssSelector("[data-testid=task-error]"))).contains("card declined");
		screenshot(browser, "dashboard-task");

		browser.get(base() + "#/tasks/no-such-task");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=task-missing]")));
		assertThat(text(wait, By.cssSelector("[data-testid=task-missing]"))).contains("no-such-task");

		browser.get(base() + "#/scheduled/default");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=scheduled] tbody tr")));
		screenshot(browser, "dashboard-scheduled");
		browser.get(base() + "#/periodic");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=periodic] tr[data-row=answer]")));
		screenshot(browser, "dashboard-periodic");
		browser.get(base() + "#/workers");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=workers] tbody tr")));
		assertThat(text(wait, By.cssSelector("[data-testid=workers]")))
			.contains(Long.toString(ProcessHandle.current().pid()));
		screenshot(browser, "dashboard-workers");
	}

	@Test
	@Order(2)
	void adminRetriesADeadLetter() {
		String failed = this.client.send("fail", "out of stock");
		DeadLetter letter = await().atMost(TIMEOUT)
			.until(() -> this.deadLetters.list("default", 0, 100)
				.stream()
				.filter((dead) -> failed.equals(dead.taskId()))
				.findFirst()
				.orElse(null), (dead) -> dead != null);
		WebDriver browser = signIn("admin", "admin");
		WebDriverWait wait = waitFor(browser);
		browser.get(base() + "#/dead/default");
		By row = By.cssSelector("[data-testid=dead-letters] tr[data-row='" + failed + "']");
		wait.until(ExpectedConditions.presenceOfElementLocated(row));
		screenshot(browser, "dashboard-dead-letters");
		click(wait, row, "retry");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".toast")));
		assertThat(text(wait, By.cssSelector(".toast")))
			.isEqualTo("Sent again as task " + failed);
		// the task fails again, so a new dead letter replaces the one retried
		await().atMost(TIMEOUT)
			.until(() -> this.deadLetters.list("default", 0, 100)
				.stream()
				.anyMatch((dead) -> failed.equals(dead.taskId()) && !dead.id().equals(letter.id())));
		assertThat(this.deadLetters.find("default", letter.id())).isEmpty();
	}

	@Test
	@Order(3)
	void adminPausesAndResumesAQueue() {
		WebDriver browser = signIn("admin", "admin");
		WebDriverWait wait = waitFor(browser);
		browser.get(base() + "#/queues");
		By row = By.cssSelector("[data-testid=queues] tr[data-row=reports]");
		wait.until(ExpectedConditions.presenceOfElementLocated(row));
		click(wait, row, "pause");
		await().atMost(TIMEOUT).until(() -> this.queues.isPaused("reports"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "paused"));
		screenshot(browser, "dashboard-queues");
		click(wait, row, "resume");
		await().atMost(TIMEOUT).until(() -> !this.queues.isPaused("reports"));
		wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "running"));
	}

	@Test
	@Order(4)
	void viewerSeesQueuesButCannotPauseThemNorReadArguments() {
		String id = this.client.send("add", 20, 22);
		this.client.awaitCompletion(id, TIMEOUT);
		WebDriver browser = signIn("viewer", "viewer");
		WebDriverWait wait = waitFor(browser);
		browser.get(base() + "#/queues");
		By pause = By.cssSelector("[data-testid=queues] tr[data-row=default] button[data-action=pause]");
		wait.until(ExpectedConditions.presenceOfElementLocated(pause));
		String state = wait.until((driver) -> driver.findElement(pause).isEnabled() ? "enabled" : "disabled");
		assertThat(state).isEqualTo("disabled");
		assertThat(text(wait, By.id("who"))).contains("Signed in as viewer", "Read-only");
		assertThat(this.queues.isPaused("default")).isFalse();
		browser.get(base() + "#/tasks/" + id);
		wait.until((driver) -> driver.findElement(By.cssSelector("[data-testid=task-status]")).getText().equals("SUCCESS"));
		assertThat(text(wait, By.cssSelector("[data-testid=task-args]"))).isEqualTo("redacted");
		assertThat(text(wait, By.cssSelector("[data-testid=task-result]"))).isEqualTo("redacted");
	}

	@Test
	@Order(5)
	void adminFollowsAChordItsStepsABatchAndProgress() {
		String chord = this.client.flows()
			.start(TaskFlow.chord(TaskFlow.group(TaskFlow.task("add", 1, 2), TaskFlow.task("add", 3, 4)),
					TaskFlow.task("sum")));
		assertThat(this.client.await(chord, TIMEOUT, Integer.class)).isEqualTo(10);
		String batch = this.client.batches()
			.start(BatchRequest.of(TaskRequest.of("add").args(1, 1).build(), TaskRequest.of("add").args(2, 2).build())
				.onComplete(TaskRequest.of("batch-report").build())
				.description("two sums"));
		this.client.batches().await(batch, TIMEOUT);
		String crunch = this.client.send("crunch", 4, 10L);
		this.client.awaitCompletion(crunch, TIMEOUT);

		WebDriver browser = signIn("admin", "admin");
		WebDriverWait wait = waitFor(browser);
		browser.get(base() + "#/tasks/" + chord);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=flow-nodes] tbody tr")));
		String nodes = text(wait, By.cssSelector("[data-testid=flow-nodes]"));
		assertThat(nodes).contains("chord", "group", "step add", "step sum", chord + ".2", "SUCCESS");
		screenshot(browser, "dashboard-flow");
		browser.get(base() + "#/tasks/" + chord + ".2");
		assertThat(text(wait, By.cssSelector("[data-testid=task-flow]"))).isEqualTo("flow " + chord + " (step 2)");

		browser.get(base() + "#/tasks/" + batch);
		assertThat(text(wait, By.cssSelector("[data-testid=batch]"))).contains("Members", "2", "Succeeded",
				batch + ".complete");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=batch-members] tbody tr")));
		List<String> members = new ArrayList<>();
		String cursor = null;
		do {
			BatchMembers page = this.client.batches().members(batch, cursor, 10);
			members.addAll(page.taskIds());
			cursor = page.cursor();
		}
		while (cursor != null);
		assertThat(members).hasSize(2);
		assertThat(text(wait, By.cssSelector("[data-testid=batch-members]"))).contains(members.get(0), members.get(1),
				"add", "SUCCESS");

		browser.get(base() + "#/tasks/" + crunch);
		assertThat(text(wait, By.cssSelector("[data-testid=task-progress]"))).contains("100 %", "chunk 4 of 4");

		String group = this.client.flows().start(TaskFlow.group(TaskFlow.task("crunch", 3, 10L), TaskFlow.task("add", 1, 1)));
		this.client.awaitCompletion(group, TIMEOUT);
		browser.get(base() + "#/tasks/" + group);
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=flow-nodes] tbody tr")));
		wait.until((driver) -> driver.findElement(By.cssSelector("[data-testid=flow-nodes]")).getText().contains("100 %"));
		assertThat(text(wait, By.cssSelector("[data-testid=flow-nodes]"))).contains("step crunch", "chunk 3 of 3");
	}

	@Test
	@Order(6)
	void adminBrowsesTasksThatRanAndFailedAndSearchesByArgument() {
		String failed = this.client.send(TaskRequest.of("fail").args("browse-me").maxRetries(0).build());
		String added = this.client.send("add", 31337, 1);
		this.client.awaitCompletion(failed, TIMEOUT);
		this.client.awaitCompletion(added, TIMEOUT);
		WebDriver browser = signIn("admin", "admin");
		WebDriverWait wait = waitFor(browser);
		browser.get(base() + "#/browse/failed");
		By failedRow = By.cssSelector("[data-testid=browse-results] tr[data-row='" + failed + "']");
		wait.until(ExpectedConditions.presenceOfElementLocated(failedRow));
		assertThat(text(wait, failedRow)).contains("fail", "FAILURE", "browse-me");
		// the trace is in a closed details element, which a refresh of the page closes again
		String trace = wait.until((driver) -> driver.findElement(failedRow)
			.findElement(By.cssSelector("[data-testid=browse-trace]"))
			.getAttribute("textContent"));
		assertThat(trace).contains("IllegalStateException", "SampleTasks.fail");
		screenshot(browser, "dashboard-browse");

		browser.get(base() + "#/browse/succeeded");
		wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=browse-arg]")));
		// a refresh of the page may replace the form until the field has the focus: type again then
		wait.until((driver) -> {
			WebElement field = driver.findElement(By.cssSelector("[data-testid=browse-arg]"));
			field.click();
			field.clear();
			field.sendKeys("31337");
			driver.findElement(By.cssSelector("[data-testid=browse-search]")).click();
			return true;
		});
		By addedRow = By.cssSelector("[data-testid=browse-results] tr[data-row='" + added + "']");
		wait.until(ExpectedConditions.presenceOfElementLocated(addedRow));
		wait.until((driver) -> driver.findElements(By.cssSelector("[data-testid=browse-results] tbody tr")).size() == 1);
		wait.until((driver) -> {
			driver.findElement(addedRow).findElement(By.cssSelector("a")).click();
			return true;
		});
		wait.until((driver) -> driver.findElement(By.cssSelector("[data-testid=task-status]")).getText().equals("SUCCESS"));
	}

	private WebDriver signIn(String user, String password) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium());
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1360,900", "--lang=en-GB",
				"--user-data-dir=" + profiles.resolve(user + "-" + System.nanoTime()));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver()))
			.usingAnyFreePort()
			.build();
		WebDriver browser = new ChromeDriver(service, options);
		drivers.add(browser);
		browser.get(base());
		WebDriverWait wait = waitFor(browser);
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(password);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait.until(ExpectedConditions.attributeToBe(By.id("view"), "data-loaded", "overview"));
		return browser;
	}

	/**
	 * A wait that reads again what a refresh of the page replaced meanwhile.
	 */
	private static WebDriverWait waitFor(WebDriver browser) {
		WebDriverWait wait = new WebDriverWait(browser, TIMEOUT);
		wait.ignoring(StaleElementReferenceException.class);
		return wait;
	}

	/**
	 * Click a row's action button, finding it again if a refresh replaced the row meanwhile.
	 */
	private static void click(WebDriverWait wait, By row, String action) {
		wait.until((driver) -> {
			driver.findElement(row).findElement(By.cssSelector("button[data-action=" + action + "]")).click();
			return true;
		});
	}

	private static String text(WebDriverWait wait, By by) {
		return wait.until((driver) -> driver.findElement(by).getText());
	}

	private String base() {
		return "http://localhost:" + this.port + "/gtask/";
	}

	private static long count(WebDriver driver, String name) {
		String text = driver.findElement(By.cssSelector("[data-testid=count-" + name + "] .value")).getText();
		return Long.parseLong(text.replace(",", "").replace("–", "0"));
	}

	private static void screenshot(WebDriver browser, String name) {
		File file = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
		try {
			Files.copy(file.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
			String docs = System.getProperty("gtask.screenshots.dir");
			if (docs != null) {
				Files.createDirectories(Path.of(docs));
				Files.copy(file.toPath(), Path.of(docs, name + ".png"), StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String chromium() {
		return System.getProperty("gtask.chromium", "/usr/bin/chromium");
	}

	private static String chromedriver() {
		return System.getProperty("gtask.chromedriver", "/usr/bin/chromedriver");
	}

}
