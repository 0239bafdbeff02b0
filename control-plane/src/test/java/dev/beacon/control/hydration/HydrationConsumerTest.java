package dev.beacon.control.hydration;

import static dev.beacon.control.hydration.HydrationRig.CHAT;
import static dev.beacon.control.hydration.HydrationRig.TENANT;
import static dev.beacon.control.hydration.HydrationRig.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import dev.beacon.contracts.fetched.Origin;
import dev.beacon.control.emulator.MicrosoftEmulator.Fault;
import dev.beacon.control.emulator.MicrosoftEmulator.Response;
import dev.beacon.control.subscriptions.SubscriptionRig;
import dev.beacon.control.testing.KafkaBroker;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hydration end to end on real parts (broker, PostgreSQL, the emulator's Graph): what is published, recorded,
 * dead-lettered and committed, exactly.
 */
class HydrationConsumerTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    static final String MESSAGES = "/v1\\.0/chats/.+/messages/.+";

    @TempDir
    Path exportDir;
    HydrationRig rig;

    @BeforeEach
    void setUp(TestInfo test) {
        rig = new HydrationRig(PG, exportDir, KAFKA.get(), test.getTestMethod().orElseThrow().getName(), 1, true);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    @Test
    void aRequestBecomesExactlyOneSignedEncryptedFetchedMessageAndOnlyThenItsOffsetIsCommitted() throws Exception {
        String json = rig.message("1772438400123");
        rig.start();

        rig.request("1772438400123");
        await("committed", () -> rig.committed() == 1);

        List<FetchedMessage> events = rig.events();
        assertThat(events).hasSize(1);
        FetchedMessage m = events.get(0);
        assertThat(m.origin()).isEqualTo(Origin.HYDRATION);
        assertThat(m.integrationId()).isEqualTo(SubscriptionRig.INTEGRATION);
        assertThat(m.tenantId()).isEqualTo(TENANT);
        assertThat(m.subscriptionId()).isEqualTo(rig.subscriptionId);
        assertThat(m.chatId()).isEqualTo(CHAT);
        assertThat(m.messageId()).isEqualTo("1772438400123");
        assertThat(FetchedMessageSignature.verify(m, List.of(rig.signingKey))).isTrue();
        assertThat(m.content().encryptionCertificateId())
                .isEqualTo(rig.base.certificates.current(SubscriptionRig.INTEGRATION).id());
        // Exactly the bytes Graph sent.
        assertThat(new String(rig.decrypt(m), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(rig.counters.fetchedCount()).isEqualTo(1);
        assertThat(rig.counters.publishedCount()).isEqualTo(1);
        assertThat(rig.counters.retries()).isZero();
        assertThat(rig.counters.deadLettersTotal()).isZero();
        assertThat(rig.outcomes(PG)).isEmpty();
        assertThat(rig.base.emulator.countCalls("GET", MESSAGES)).isEqualTo(1);
    }

    @Test
    void aMessageDeletedBeforeTheFetchIsRecordedAndCommittedWithNothingPublished() throws Exception {
        rig.start();

        rig.request("1772438400999");
        await("committed", () -> rig.committed() == 1);

        assertThat(rig.events()).isEmpty();
        assertThat(rig.outcomes(PG)).containsExactly(Map.of("integration_id", SubscriptionRig.INTEGRATION,
                "chat_id", CHAT, "message_id", "1772438400999", "subscription_id", rig.subscriptionId,
                "outcome", "deleted", "graph_status", 404));
        assertThat(rig.counters.deletedCount()).isEqualTo(1);
        assertThat(rig.counters.fetchedCount()).isZero();
        assertThat(rig.deadLetters()).isEmpty();
    }

    @Test
    void forbiddenIsDeadLetteredAndRecordedUnknownSubscriptionsAndPoisonAreDeadLetteredWithTheirReasons()
            throws Exception {
        rig.message("1772438400001");
        Fault forbidden = rig.base.emulator.inject("GET", MESSAGES, Response.json(403,
                "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Missing role permissions on the request.\"}}"), 1);
        rig.start();

        rig.request("1772438400001");
        rig.request("1772438400002", "no-such-subscription", "fabrikam.com", 0);
        rig.raw(null);
        rig.raw("{not json");
        rig.raw("[1,2]");
        rig.raw("{\"chat_id\":\"" + CHAT + "\",\"subscription_id\":\"s\"}");
        rig.raw("{\"chat_id\":\"" + CHAT + "\",\"message_id\":17}");
        // No subscription known, but the tenant has exactly one integration: that one fetches it.
        String json = rig.message("1772438400003");
        rig.request("1772438400003", "replaced-long-ago", TENANT, 0);
        await("all committed", () -> rig.committed() == 8);

        // Requests run concurrently, so dead letters arrive in any order: compare them in offset order.
        List<JsonNode> letters = rig.deadLetters().stream()
                .sorted(java.util.Comparator.comparingLong(l -> l.get("source_offset").asLong())).toList();
        assertThat(letters).extracting(l -> l.get("reason").asText()).containsExactly("forbidden",
                "unknown-subscription", "empty-record", "not-json", "invalid-request", "invalid-request",
                "invalid-request");
        assertThat(letters).extracting(l -> l.get("source_offset").asLong()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L,
                6L);
        assertThat(letters.get(0).get("detail").asText()).contains("403", "Forbidden", SubscriptionRig.INTEGRATION);
        assertThat(letters.get(5).get("detail").asText()).isEqualTo("message_id is missing or empty");
        assertThat(letters.get(6).get("detail").asText()).isEqualTo("message_id is a number, not a string");
        assertThat(letters).allSatisfy(l -> assertThat(l.get("consumer_group").asText()).isEqualTo(rig.group));
        assertThat(forbidden.hits()).isEqualTo(1);
        assertThat(rig.outcomes(PG)).containsExactly(Map.of("integration_id", SubscriptionRig.INTEGRATION,
                "chat_id", CHAT, "message_id", "1772438400001", "subscription_id", rig.subscriptionId,
                "outcome", "forbidden", "graph_status", 403));
        assertThat(rig.counters.deadLetters(HydrationPoison.FORBIDDEN)).isEqualTo(1);
        assertThat(rig.counters.deadLetters(HydrationPoison.UNKNOWN_SUBSCRIPTION)).isEqualTo(1);
        assertThat(rig.counters.deadLetters(HydrationPoison.EMPTY_RECORD)).isEqualTo(1);
        assertThat(rig.counters.deadLetters(HydrationPoison.NOT_JSON)).isEqualTo(1);
        assertThat(rig.counters.deadLetters(HydrationPoison.INVALID_REQUEST)).isEqualTo(3);
        assertThat(rig.counters.forbiddenCount()).isEqualTo(1);
        assertThat(rig.events()).singleElement().satisfies(m -> {
            assertThat(m.messageId()).isEqualTo("1772438400003");
            assertThat(m.subscriptionId()).isEqualTo("replaced-long-ago");
            assertThat(new String(rig.decrypt(m), StandardCharsets.UTF_8)).isEqualTo(json);
        });
    }

    @Test
    void aRestartMidwayLosesNothing() throws Exception {
        int n = 60;
        for (int i = 0; i < n; i++) {
            rig.message("17724384" + (10000 + i));
        }
        HydrationConsumer first = rig.start();
        for (int i = 0; i < n; i++) {
            rig.request("17724384" + (10000 + i));
        }
        await("some published", () -> rig.counters.publishedCount() >= 10);
        first.close();
        long publishedByFirst = rig.counters.publishedCount();
        assertThat(publishedByFirst).isLessThan(n);

        rig.start();
        await("all committed", () -> rig.committed() == n);

        List<FetchedMessage> events = rig.events();
        Set<String> ids = events.stream().map(FetchedMessage::messageId).collect(Collectors.toSet());
        assertThat(ids).hasSize(n);
        // At least once: a request published but not yet committed at the stop is published again (the job
        // deduplicates); nothing else is.
        assertThat(events.size()).isBetween(n, n + 1);
        System.out.printf("restart: first consumer published %d of %d, %d duplicate(s) after the restart%n",
                publishedByFirst, n, events.size() - n);
    }
}
