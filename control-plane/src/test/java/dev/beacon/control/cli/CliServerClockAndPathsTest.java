package dev.beacon.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.beacon.control.http.AdminAuth;
import dev.beacon.control.http.ControlPlaneHttp;
import dev.beacon.control.http.RecordingOperations;
import dev.beacon.control.metrics.ControlPlaneMetrics;
import dev.beacon.control.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Relative times follow the server's clock (issue 11: a scaled demo clock made the CLI say "in 10d04h" where the
 * server meant 69h), and every id the CLI puts into a path or query is percent-encoded.
 */
class CliServerClockAndPathsTest {

    static final String TOKEN = "admin-token-0123456789abcdef";

    private static String run(Map<String, String> env, Instant cliClock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = BeaconCtl.commandLine(env, new MutableClock(cliClock))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return exit + "\n" + out + err;
    }

    @Test
    void relativeTimesUseTheServerClockNotTheLocalOne() {
        RecordingOperations ops = new RecordingOperations();
        ControlPlaneHttp http = new ControlPlaneHttp(ops, new ControlPlaneMetrics(ops::status,
                new MutableClock(RecordingOperations.NOW), Duration.ofSeconds(5)), AdminAuth.token(TOKEN))
                .start("127.0.0.1", 0);
        try {
            Map<String, String> env = Map.of("BEACON_SERVER", "http://127.0.0.1:" + http.port(),
                    "BEACON_ADMIN_TOKEN", TOKEN);
            Instant sameClock = RecordingOperations.NOW;
            Instant localClockAhead = RecordingOperations.NOW.plus(Duration.ofDays(10)).plusSeconds(4000);
            List<String[]> commands = List.of(new String[] {"subscriptions", "list"}, new String[] {"status"},
                    new String[] {"certs", "rotate", "contoso"}, new String[] {"backfill", "contoso"});
            for (String[] args : commands) {
                String expected = run(env, sameClock, args);
                assertThat(expected).startsWith("0\n");
                assertThat(run(env, localClockAhead, args)).as(String.join(" ", args)).isEqualTo(expected);
            }
            assertThat(run(env, localClockAhead, "subscriptions", "list")).contains("in 35h12m");
            assertThat(run(env, localClockAhead, "subscriptions", "renew", "sub-1")).contains("expires in 72h00m");
            assertThat(run(env, localClockAhead, "login", "contoso", "--poll-interval", "10ms", "--timeout", "10ms"))
                    .contains("The code expires in 15m00s.");
            // the local demo: a scaled server clock; the code's lifetime is also said in real time
            ops.clockRate = 60;
            assertThat(run(env, localClockAhead, "login", "contoso", "--poll-interval", "10ms", "--timeout", "10ms"))
                    .contains("The code expires in 15m00s (15s real time; the server's clock runs 60x).");
        } finally {
            http.close();
        }
    }

    @Test
    void everyIdInAPathOrQueryIsPercentEncoded() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? ""
                    : "?" + exchange.getRequestURI().getRawQuery()));
            byte[] body = "{\"error\":\"recorded\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> env = Map.of("BEACON_SERVER", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "BEACON_ADMIN_TOKEN", TOKEN);
            String id = "a/b?c#d e%";
            Instant now = RecordingOperations.NOW;
            run(env, now, "integrations", "remove", id);
            run(env, now, "integrations", "set-policies", id, "p");
            run(env, now, "integrations", "set-backfill-users", id, "desk@contoso.com");
            run(env, now, "login", id);
            run(env, now, "certs", "rotate", id);
            run(env, now, "backfill", id);
            run(env, now, "directory", "sync", id);
            run(env, now, "subscriptions", "renew", id);
            run(env, now, "subscriptions", "delete", id);
            run(env, now, "subscriptions", "list", "--integration", id);
            run(env, now, "sites", "remove", id);
            run(env, now, "lines", "remove", id, id);
            String enc = "a%2Fb%3Fc%23d%20e%25";
            assertThat(seen).containsExactly(
                    "DELETE /api/integrations/" + enc,
                    "PUT /api/integrations/" + enc + "/emergency-policies",
                    "PUT /api/integrations/" + enc + "/backfill-users",
                    "POST /api/integrations/" + enc + "/login",
                    "POST /api/integrations/" + enc + "/certificates/rotate",
                    "POST /api/integrations/" + enc + "/backfill",
                    "POST /api/integrations/" + enc + "/directory-sync",
                    "POST /api/subscriptions/" + enc + "/renew",
                    "DELETE /api/subscriptions/" + enc,
                    "GET /api/subscriptions?integration=a%2Fb%3Fc%23d+e%25",
                    "DELETE /api/sites/" + enc,
                    "DELETE /api/integrations/" + enc + "/lines?line=a%2Fb%3Fc%23d+e%25");
        } finally {
            server.stop(0);
        }
    }
}
