package dev.beacon.control.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.emulator.EntraEndpoints.IssuedToken;
import dev.beacon.control.graph.GraphClient;
import dev.beacon.control.graph.GraphException;
import dev.beacon.control.graph.GraphPage;
import dev.beacon.control.graph.Backoff;
import dev.beacon.control.graph.RetryPolicy;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.signin.MicrosoftEndpoints;
import dev.beacon.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The emulator's Graph list endpoints keep Graph's documented rules, seen through the real GraphClient. */
class GraphMessageListsTest {

    static final String TENANT = "contoso.com";
    static final String ME = "aaaaaaaa-0000-4000-8000-000000000001";
    static final String CHAT = "19:list@thread.v2";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T08:00:00Z"));
    final MicrosoftEmulator emulator = MicrosoftEmulator.start(clock);
    final RetryPolicy once = new RetryPolicy(1, Duration.ZERO,
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), new Random(1)), d -> { });
    final GraphClient delegated = client(false);
    final GraphClient appOnly = client(true);

    @AfterEach
    void stop() {
        emulator.close();
    }

    GraphClient client(boolean app) {
        return GraphClient.create(MicrosoftEndpoints.routedTo(emulator.baseUri()), id -> {
            Instant exp = clock.instant().plus(Duration.ofHours(1));
            return new GraphToken(emulator.entra().issueAccessToken(new IssuedToken(TENANT, app ? null : ME,
                    app ? null : "svc@contoso.com", "app", app, exp)), exp, app ? null : ME, null);
        }, once, clock);
    }

    void messages(int n) {
        for (int i = 0; i < n; i++) {
            emulator.putMessage(TENANT, CHAT, "{\"id\":\"m" + i + "\",\"chatId\":\"" + CHAT + "\",\"messageType\":"
                    + "\"message\",\"lastModifiedDateTime\":\"" + clock.instant().plusSeconds(i) + "\"}");
        }
    }

    List<String> all(GraphClient graph, String path) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String p = path; p != null; ) {
            GraphPage page = graph.getPage("acme", p);
            page.items().stream().map(m -> m.path("id").asText()).forEach(ids::add);
            p = page.nextPath();
        }
        return ids;
    }

    @Test
    void chatMessagesNewestFirstFilteredAndPaged() throws Exception {
        messages(7);
        String q = GraphClient.query("$top", "3", "$orderby", "lastModifiedDateTime desc", "$filter",
                "lastModifiedDateTime gt " + clock.instant().plusSeconds(1));
        assertThat(all(delegated, "/chats/" + CHAT + "/messages" + q)).containsExactly("m6", "m5", "m4", "m3", "m2");
        GraphPage first = delegated.getPage("acme", "/chats/" + CHAT + "/messages" + q);
        assertThat(first.items()).hasSize(3);
        assertThat(first.nextPath()).startsWith("/chats/" + CHAT + "/messages?").contains("$skiptoken=3");
    }

    @Test
    void refusesWhatGraphRefuses() {
        messages(1);
        String base = "/chats/" + CHAT + "/messages";
        for (String q : List.of(GraphClient.query("$top", "51"),
                GraphClient.query("$orderby", "lastModifiedDateTime asc"),
                GraphClient.query("$orderby", "lastModifiedDateTime desc", "$filter",
                        "createdDateTime gt 2026-03-02T07:00:00Z"))) {
            assertThatThrownBy(() -> delegated.getPage("acme", base + q)).as(q)
                    .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        // getAllMessages GET is application-only; a delegated caller lists only its own chats
        assertThatThrownBy(() -> delegated.getPage("acme", "/users/" + ME + "/chats/getAllMessages"))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> delegated.getPage("acme", "/users/someone-else/chats"))
                .isInstanceOfSatisfying(GraphException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void chatsAndGetAllMessagesAppOnly() throws Exception {
        messages(60);
        emulator.putMessage(TENANT, "19:other@thread.v2", "{\"id\":\"x\",\"chatId\":\"19:other@thread.v2\","
                + "\"lastModifiedDateTime\":\"" + clock.instant().minusSeconds(60) + "\"}");
        assertThat(all(delegated, "/me/chats")).containsExactly(CHAT, "19:other@thread.v2");
        assertThat(all(delegated, "/users/" + ME + "/chats")).containsExactly(CHAT, "19:other@thread.v2");

        String q = GraphClient.query("$top", "50", "$filter", "lastModifiedDateTime gt "
                + clock.instant().minusSeconds(1) + " and lastModifiedDateTime lt " + clock.instant().plusSeconds(59),
                "model", "B");
        List<String> ids = all(appOnly, "/users/" + ME + "/chats/getAllMessages" + q);
        assertThat(ids).hasSize(59).startsWith("m0", "m1").doesNotContain("x", "m59");
    }

    @Test
    void getAllMessagesResolvesAUpnThroughTheDirectoryAndAnswers404ForAnUnknownOne() throws Exception {
        messages(2);
        com.fasterxml.jackson.databind.node.ObjectNode desk = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("id", ME).put("userPrincipalName", "Security.Desk@contoso.com");
        emulator.directory().putUser(TENANT, desk);

        // a UPN (any case) resolves like Graph's /users/{userPrincipalName}; the tenant-wide messages are listed
        assertThat(all(appOnly, "/users/security.desk@contoso.com/chats/getAllMessages?model=B"))
                .containsExactly("m0", "m1");
        assertThat(all(appOnly, "/users/" + ME + "/chats/getAllMessages")).containsExactly("m0", "m1");
        assertThatThrownBy(() -> appOnly.getPage("acme", "/users/nobody@contoso.com/chats/getAllMessages"))
                .isInstanceOfSatisfying(GraphException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("Request_ResourceNotFound");
                });
    }
}
