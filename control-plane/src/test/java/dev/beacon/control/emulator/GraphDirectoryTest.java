package dev.beacon.control.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.GraphPage;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator's {@code /users/delta} speaks Graph's delta contract, seen through the real GraphClient. */
class GraphDirectoryTest {

    static final String TENANT = "contoso.com";
    static final String FULL = "/users/delta?$select=id,displayName,department";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    final MicrosoftEmulator emulator = MicrosoftEmulator.start(clock);
    final ObjectMapper json = new ObjectMapper();
    final GraphClient graph = GraphClient.create(MicrosoftEndpoints.routedTo(emulator.baseUri()), id -> {
        Instant exp = clock.instant().plus(Duration.ofHours(1));
        return new GraphToken(emulator.entra().issueAccessToken(new IssuedToken(TENANT, null, null, "app", true,
                exp)), exp, null, null);
    }, new RetryPolicy(1, Duration.ZERO, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random(1)),
            d -> { }), clock);

    @AfterEach
    void stop() {
        emulator.close();
    }

    void user(String id, String department) {
        ObjectNode u = json.createObjectNode().put("id", id).put("displayName", "User " + id)
                .put("department", department).put("mail", id + "@contoso.com");
        emulator.directory().putUser(TENANT, u);
    }

    @Test
    void pagesEndInADeltaLinkThatReturnsOnlyChangesAndRemovals() throws Exception {
        user("u1", "A");
        user("u2", "B");
        user("u3", "C");
        emulator.directory().pageSize(2);

        GraphPage first = graph.getPage("acme", FULL);
        assertThat(first.items()).extracting(Object::toString).containsExactly(
                "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u1\",\"displayName\":\"User u1\","
                        + "\"department\":\"A\"}",
                "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u2\",\"displayName\":\"User u2\","
                        + "\"department\":\"B\"}");
        assertThat(first.deltaPath()).isNull();
        assertThat(first.nextPath()).startsWith("/users/delta?$select=id%2CdisplayName%2Cdepartment&$skiptoken=");
        GraphPage last = graph.getPage("acme", first.nextPath());
        assertThat(last.items()).extracting(i -> i.get("id").asText()).containsExactly("u3");
        assertThat(last.nextPath()).isNull();
        assertThat(last.deltaPath()).isEqualTo("/users/delta?$deltatoken=0.3");

        GraphPage nothing = graph.getPage("acme", last.deltaPath());
        assertThat(nothing.items()).isEmpty();
        assertThat(nothing.deltaPath()).isEqualTo(last.deltaPath());

        user("u2", "B2");
        emulator.directory().removeUser(TENANT, "u1", "changed");
        GraphPage changes = graph.getPage("acme", last.deltaPath());
        assertThat(changes.items()).extracting(Object::toString).containsExactly(
                "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u1\",\"@removed\":{\"reason\":\"changed\"}}",
                "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u2\",\"displayName\":\"User u2\","
                        + "\"department\":\"B2\",\"mail\":\"u2@contoso.com\"}");
        assertThat(changes.deltaPath()).isEqualTo("/users/delta?$deltatoken=0.5");
        // A full round leaves the removed user out; another tenant sees none of these.
        assertThat(graph.getPage("acme", FULL).items()).hasSize(2);
    }

    @Test
    void deniedExpiredAndThrottledAsGraphAnswers() throws Exception {
        user("u1", "A");
        String link = graph.getPage("acme", FULL).deltaPath();

        emulator.directory().denyUserRead("app");
        GraphException denied = fails(FULL);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.code()).isEqualTo("Authorization_RequestDenied");
        emulator.directory().allowUserRead("app");

        emulator.directory().expireDeltaTokens(TENANT);
        GraphException expired = fails(link);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.code()).isEqualTo("SyncStateNotFound");
        String fresh = graph.getPage("acme", FULL).deltaPath(); // a full round starts over
        assertThat(fresh).isEqualTo("/users/delta?$deltatoken=1.1");
        assertThat(graph.getPage("acme", fresh).items()).isEmpty();

        emulator.directory().throttleNext(1, 7);
        GraphException throttled = fails(FULL);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.retryAfter()).contains(Duration.ofSeconds(7));
    }

    private GraphException fails(String path) {
        try {
            graph.getPage("acme", path);
        } catch (GraphException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a GraphException for " + path);
    }
}
