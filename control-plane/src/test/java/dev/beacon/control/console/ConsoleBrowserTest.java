package dev.beacon.control.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.ControlPlaneService;
import dev.beacon.control.ControlPlaneSettings;
import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.ops.DesiredSubscriptionView;
import dev.beacon.control.ops.NewIntegration;
import dev.beacon.control.signin.SignInSettings;
import dev.beacon.control.testing.CapturedLogs;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The ops console in a real browser: Debian's headless Chromium driven by Selenium against the real control plane
 * (HTTP, leader loop, sign-in) on an embedded PostgreSQL, with Microsoft emulated. An operator signs in with the
 * admin token, sees the integration, starts its device-code sign-in and reads the code, a person approves it, the
 * subscription appears with its countdown, a fact the job writes appears live, and dead letters show by reason.
 * Screenshots go to {@code control-plane/target/console-screenshots/} (their paths are printed).
 *
 * <p>It never skips: without Chromium it fails and says how to get it ({@code .ci/run} installs it).
 */
class ConsoleBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String NOTIFICATION_URL =
            "EventHub:https://contoso-beacon.servicebus.windows.net/eventhubname/graph?tenantId=contoso.example";

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    MicrosoftEmulator emulator;
    ControlPlaneService.Running cp;
    WebDriver browser;
    String adminToken;
    CapturedLogs logs;

    @BeforeEach
    void start() throws Exception {
        requireChromium();
        logs = CapturedLogs.atDebug();
        emulator = MicrosoftEmulator.start(clock);
        emulator.entra().deviceCodeTiming(Duration.ofMinutes(15), 1);
        adminToken = "console-admin-token-" + Long.toHexString(System.nanoTime());
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_JDBC_URL", PG.jdbcUrl());
        env.put("BEACON_JDBC_USER", PG.user());
        env.put("BEACON_JDBC_PASSWORD", PG.password());
        env.put("BEACON_VAULT_KEY", SealedBox.newKeyBase64());
        env.put("BEACON_ADMIN_TOKEN", adminToken);
        env.put("BEACON_HTTP_PORT", "0");
        env.put("BEACON_EXPORT_DIR", dir.resolve("export").toString());
        env.put("BEACON_MICROSOFT_ROUTE", emulator.baseUri().toString());
        env.put("BEACON_REPLICA_ID", "replica-console");
        env.put("BEACON_RECONCILE_INTERVAL", "1h"); // the test runs rounds with tick()
        env.put("BEACON_LEASE_DURATION", "3h");
        cp = ControlPlaneService.start(ControlPlaneSettings.fromEnv(env), clock, SignInSettings.defaults());
        cp.controlPlane().addIntegration(new NewIntegration("contoso", "Contoso security desk",
                EntraEndpoints.DEFAULT_TENANT, "c0ffee00-0000-4000-8000-000000000001", "device-code", null, null,
                null, List.of(new DesiredSubscriptionView(null, null, NOTIFICATION_URL, null, true, null))));
        browser = chromium(dir.resolve("chromium-profile"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cp != null) {
            cp.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (logs != null) {
            logs.close();
        }
    }

    @Test
    void anOperatorSignsInStartsADeviceCodeSignInAndWatchesFactsAndDeadLettersLive() throws Exception {
        String console = "http://127.0.0.1:" + cp.port() + "/console";
        browser.get(console);
        visible("signin-form");
        screenshot("01-sign-in");

        // a wrong token is refused, and the page says so
        browser.findElement(By.id("token")).sendKeys("not-the-admin-token");
        browser.findElement(By.id("signin-submit")).click();
        await("refusal shown", () -> browser.findElement(By.id("signin-error")).isDisplayed());
        assertThat(browser.manage().getCookieNamed(ConsoleRoutes.COOKIE)).isNull();

        // the admin token opens a session: the integration is there, not signed in yet
        browser.findElement(By.id("token")).sendKeys(adminToken);
        browser.findElement(By.id("signin-submit")).click();
        WebElement row = await("integration row", () -> browser.findElement(
                By.cssSelector("#integrations tr[data-integration='contoso']")));
        assertThat(row.getText()).contains("contoso").contains("Contoso security desk").contains("device-code")
                .contains("needs-sign-in");
        var cookie = browser.manage().getCookieNamed(ConsoleRoutes.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(browser.getPageSource()).doesNotContain(adminToken);
        screenshot("02-signed-in");

        // "Sign in" starts the device-code sign-in (what beaconctl login starts) and shows the code and the URL
        row.findElement(By.cssSelector("button.sign-in")).click();
        String shownCode = await("user code", () -> text(By.cssSelector("#signin-panel .user-code")));
        assertThat(shownCode).isEqualTo(emulator.entra().lastDeviceCode().userCode());
        assertThat(browser.findElement(By.cssSelector("#signin-panel a.verification-uri")).getText())
                .isEqualTo(emulator.baseUri() + "/devicelogin");
        screenshot("03-device-code");

        // a person approves; the console shows the integration signed in, then its subscription and token
        approveAsAPerson(shownCode);
        await("signed in", () -> text(By.cssSelector("#integrations tr[data-integration='contoso']"))
                .contains("signed-in as " + EntraEndpoints.DEFAULT_USER.username()));
        cp.controlPlane().tick();
        String subscriptionId = cp.controlPlane().listSubscriptions("contoso").get(0).subscriptionId();
        // countdowns on the control plane's clock: a fresh three-day subscription, a fresh 90-day refresh clock
        await("subscription countdown", () -> text(By.id("subscriptions")).contains(subscriptionId)
                && text(By.id("subscriptions")).contains("active")
                && text(By.id("subscriptions")).matches("(?s).* in (2d 23h|3d 00h) .*"));
        await("token countdown", () -> text(By.id("tokens")).contains(EntraEndpoints.DEFAULT_USER.username())
                && text(By.id("tokens")).matches("(?s).* in (89d 23h|90d 00h).*"));

        // the job writes a fact: it appears without a reload
        assertThat(text(By.id("facts"))).contains("No facts yet.");
        long inserted = System.nanoTime();
        insertFact("0d000000-0000-4000-8000-000000000001", "Megan Bowen", "933", "Building 4, floor 2", true);
        WebElement fact = await("live fact", () -> browser.findElement(
                By.cssSelector("#facts tr[data-fact-id='0d000000-0000-4000-8000-000000000001']")));
        // reported, not asserted: bounded by the page's 3 s poll
        System.out.printf("console: fact shown %d ms after it was written%n",
                Duration.ofNanos(System.nanoTime() - inserted).toMillis());
        assertThat(fact.getText()).contains("Megan Bowen").contains("933").contains("Building 4, floor 2")
                .contains("test").contains("chat, emergency-call-event");

        // dead letters by reason (counts only) and a delivery gap
        deadLetter(1, "undecryptable", clock.instant().minus(Duration.ofHours(2)));
        deadLetter(2, "undecryptable", clock.instant().minus(Duration.ofDays(3)));
        deadLetter(3, "bad-signature", clock.instant().minus(Duration.ofMinutes(1)));
        PG.execute("INSERT INTO delivery_gap (integration_id, resource, subscription_id, gap_from, gap_to, reason) "
                + "VALUES ('contoso', '/users/x/chats/getAllMessages', ?, ?, ?, 'missed')", subscriptionId,
                Timestamp.from(clock.instant().minus(Duration.ofMinutes(30))),
                Timestamp.from(clock.instant().minus(Duration.ofMinutes(10))));
        await("dead letters", () -> browser.findElements(By.cssSelector("#dead-letters tbody tr[data-reason]"))
                .size() == 2);
        assertThat(text(By.cssSelector("#dead-letters tr[data-reason='undecryptable']")))
                .isEqualTo("undecryptable 1 2 " + minute(clock.instant().minus(Duration.ofHours(2))));
        assertThat(text(By.cssSelector("#dead-letters tr[data-reason='bad-signature']"))).startsWith("bad-signature 1 1 ");
        assertThat(text(By.id("dead-letters-total"))).isEqualTo("3");
        assertThat(browser.getPageSource()).doesNotContain("RAW-PAYLOAD").doesNotContain("DETAIL-TEXT");
        await("gap", () -> text(By.id("gaps")).contains("missed"));
        screenshot("04-live-facts-and-dead-letters");

        String csrfToken = new com.fasterxml.jackson.databind.ObjectMapper().readTree(HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(console + "/api/session"))
                        .header("Cookie", ConsoleRoutes.COOKIE + "=" + cookie.getValue()).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).get("csrfToken").asText();

        // sign out: back to the form, and the old cookie opens nothing
        browser.findElement(By.id("sign-out")).click();
        visible("signin-form");
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(console + "/api/overview"))
                .header("Cookie", ConsoleRoutes.COOKIE + "=" + cookie.getValue()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        screenshot("05-signed-out");

        // the console's actions are logged, its secrets never (admin token, session id, CSRF token)
        assertThat(logs.text()).contains("console: sign-in refused (wrong admin token)")
                .contains("console: session started")
                .contains("manual action: login started integration=contoso actor=console session")
                .contains("console: session ended");
        for (String secret : List.of(adminToken, cookie.getValue(), csrfToken)) {
            assertThat(logs.lines()).noneMatch(line -> line.contains(secret));
        }
    }

    private static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("The console browser test needs Debian's Chromium and ChromeDriver at " + CHROMIUM
                    + " and " + CHROMEDRIVER + ", which are missing. .ci/run installs them; by hand: "
                    + "apt-get install -y chromium chromium-driver");
        }
    }

    /** Headless Chromium with the flags this machine needs (no sandbox as root, no background network). */
    private static WebDriver chromium(Path profile) throws Exception {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,2200", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Path png = SCREENSHOTS.resolve(name + ".png").toAbsolutePath();
        Path taken = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(taken, png, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("console screenshot: " + png);
        System.out.println("[[ATTACHMENT|" + png + "]]");
    }

    private void visible(String id) {
        await(id + " visible", () -> browser.findElement(By.id(id)).isDisplayed());
    }

    private String text(By by) {
        return browser.findElement(by).getText();
    }

    /** Polls until the condition holds (a non-null, non-false value), or fails after {@link #WAIT}. */
    private <T> T await(String what, Supplier<T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = condition.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        throw new AssertionError("not seen within " + WAIT.toSeconds() + " s: " + what, last);
    }

    private void approveAsAPerson(String userCode) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(emulator.baseUri() + "/devicelogin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user_code=" + userCode + "&action=approve")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    /** A fact as the job's PostgreSQL sink writes it (the columns the console reads). */
    private void insertFact(String factId, String caller, String dialed, String location, boolean test) {
        Timestamp now = Timestamp.from(clock.instant());
        PG.execute("INSERT INTO emergency_call (fact_id, tenant_id, caller_user_id, caller_display_name, "
                + "dialed_number, is_test_call, location_text, call_started_at, detected_at, updated_at, "
                + "notification_count, revision, sources, message_refs) VALUES (?::uuid, ?, 'u-1', ?, ?, ?, ?, ?, ?, "
                + "?, 1, 1, ARRAY['chat', 'emergency-call-event'], '[]'::jsonb)", factId,
                EntraEndpoints.DEFAULT_TENANT, caller, dialed, test, location, now, now, now);
    }

    private static void deadLetter(int offset, String reason, Instant at) {
        PG.execute("INSERT INTO dead_letter (source, source_partition, source_offset, item_index, reason, detail, "
                + "raw, failed_at) VALUES ('graph-notifications', 0, ?, 0, ?, 'DETAIL-TEXT', 'RAW-PAYLOAD', ?)",
                (long) offset, reason, Timestamp.from(at));
    }

    /** How the page prints an instant: {@code 2026-11-28 00:03:12Z} (fraction dropped). */
    private static String minute(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
    }
}
