package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.beacon.control.emulator.MicrosoftEmulator;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.ops.LoginView;
import dev.beacon.control.store.Database;
import dev.beacon.control.store.Sql;
import dev.beacon.control.testing.MutableClock;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.TokenVault;
import dev.beacon.testing.PostgresFixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the sign-in tests share: the migrated PostgreSQL, the emulator on a shared {@link MutableClock}, a vault
 * key, and factories for stores and services (several services on the same database play "after a restart").
 */
final class SignInHarness implements AutoCloseable {

    static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";

    // PostgreSQL keeps microseconds: a clock without sub-microsecond parts compares exactly with stored times
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MICROS));
    final MicrosoftEmulator emulator = MicrosoftEmulator.start(clock);
    final Database db;
    final Sql sql;
    final String vaultKey = SealedBox.newKeyBase64();
    final SealedBox box = SealedBox.fromBase64(vaultKey, List.of());
    final IntegrationStore integrations;
    private final List<SignInService> services = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    SignInHarness(PostgresFixture pg) {
        pg.truncateAll();
        db = Database.open(pg.jdbcUrl(), pg.user(), pg.password(), 4);
        sql = new Sql(db.dataSource());
        integrations = new IntegrationStore(sql, box, clock);
        // one-second polling keeps device-code tests short; codes live long unless a test ages them
        emulator.entra().deviceCodeTiming(Duration.ofMinutes(15), 1);
    }

    static SignInSettings fastSettings() {
        return SignInSettings.defaults().withSlowDownBackoff(Duration.ZERO);
    }

    SignInService service() {
        return service(box, fastSettings());
    }

    SignInService service(SealedBox vaultBox, SignInSettings settings) {
        SignInService s = new SignInService(new IntegrationStore(sql, vaultBox, clock),
                new TokenVault(sql, vaultBox, clock), sql, vaultBox, MicrosoftEndpoints.routedTo(emulator.baseUri()),
                clock, settings);
        services.add(s);
        return s;
    }

    TokenVault vault() {
        return new TokenVault(sql, box, clock);
    }

    void addDeviceCodeIntegration(String id) {
        integrations.add(id, "Acme", dev.beacon.control.emulator.EntraEndpoints.DEFAULT_TENANT, CLIENT_ID,
                AuthMode.DEVICE_CODE, null, null);
    }

    /** Approves (or declines) a user code the way a person does: a form POST to the device login page. */
    HttpResponse<String> submitDeviceLogin(String userCode, String action, String username) throws Exception {
        String form = "user_code=" + enc(userCode) + "&action=" + action
                + (username == null ? "" : "&username=" + enc(username));
        return http.send(HttpRequest.newBuilder(emulator.baseUri().resolve("/devicelogin"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a raw token request to the emulator (to show what Entra accepts, bypassing MSAL). */
    HttpResponse<String> tokenRequest(String form) throws Exception {
        return http.send(HttpRequest.newBuilder(emulator.baseUri().resolve(
                                "/" + dev.beacon.control.emulator.EntraEndpoints.DEFAULT_TENANT + "/oauth2/v2.0/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls loginState until the predicate holds (the sign-in runs in the background). */
    static LoginView awaitLogin(SignInService s, String id, Predicate<LoginView> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        LoginView v = s.loginState(id);
        while (!until.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = s.loginState(id);
        }
        assertThat(until.test(v)).as("login state reached in time, last seen %s", v).isTrue();
        return v;
    }

    static LoginView awaitPhase(SignInService s, String id, String phase) throws InterruptedException {
        return awaitLogin(s, id, v -> phase.equals(v.phase()));
    }

    /** Starts a device code sign-in and approves it as the default user; returns the finished view. */
    LoginView signInWithDeviceCode(SignInService s, String id) throws Exception {
        LoginView pending = s.startDeviceCode(id);
        assertThat(pending.phase()).isEqualTo("pending");
        assertThat(submitDeviceLogin(pending.userCode(), "approve", null).statusCode()).isEqualTo(200);
        return awaitPhase(s, id, "signed-in");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    URI emulatorUri(URI realUrl) {
        return emulator.baseUri().resolve(realUrl.getRawPath() + (realUrl.getRawQuery() == null ? ""
                : "?" + realUrl.getRawQuery()));
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        services.forEach(SignInService::close);
        emulator.close();
        db.close();
    }
}
