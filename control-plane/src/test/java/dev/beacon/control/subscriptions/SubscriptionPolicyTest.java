package dev.beacon.control.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.subscriptions.SubscriptionPolicy.Decision;
import dev.beacon.control.subscriptions.SubscriptionPolicy.Held;
import dev.beacon.control.subscriptions.SubscriptionStore.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reconciler's decision per desired/held pair, as a table: state and clock in, decision out, no Graph. */
class SubscriptionPolicyTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String RESOURCE = "/users/u-1/chats/getAllMessages?model=B";
    static final String HOOK = "https://hooks.example.com/graph/notify";
    static final String LIFECYCLE = "https://hooks.example.com/graph/lifecycle";

    /**
     * Columns: held row ({@code none} or {@code held}); what of the row differs from the desired entry;
     * next_attempt_at in minutes from now (blank: none); hours since the last confirmation; hours until expiry;
     * resource data wanted; the row's certificate; the current certificate; expected decision.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "nothing held                    | none |               | -   | 10 | 62 | false | -      | cert-1 | CREATE",
        "healthy, early in its life      | held |               | -   | 10 | 62 | false | -      | cert-1 | KEEP",
        "half of its lifetime passed     | held |               | -   | 36 | 36 | false | -      | cert-1 | RENEW",
        "just before half                | held |               | -   | 35 | 37 | false | -      | cert-1 | KEEP",
        "Graph asked to wait             | held |               | 5   | 36 | 36 | false | -      | cert-1 | DEFER",
        "wait is over                    | held |               | -5  | 36 | 36 | false | -      | cert-1 | RENEW",
        "wait beats a changed entry      | held | resource      | 5   | 10 | 62 | false | -      | cert-1 | DEFER",
        "resource changed                | held | resource      | -   | 10 | 62 | false | -      | cert-1 | REPLACE",
        "change types changed            | held | changeTypes   | -   | 10 | 62 | false | -      | cert-1 | REPLACE",
        "notification URL changed        | held | notification  | -   | 10 | 62 | false | -      | cert-1 | REPLACE",
        "lifecycle URL changed           | held | lifecycle     | -   | 10 | 62 | false | -      | cert-1 | REPLACE",
        "resource data now wanted        | held |               | -   | 10 | 62 | true  | -      | cert-1 | REPLACE",
        "changed beats expired           | held | resource      | -   | 80 | -8 | false | -      | cert-1 | REPLACE",
        "expired                         | held |               | -   | 80 | -8 | false | -      | cert-1 | RECREATE_EXPIRED",
        "expires exactly now             | held |               | -   | 72 | 0  | false | -      | cert-1 | RECREATE_EXPIRED",
        "resource data, current key      | held |               | -   | 10 | 62 | true  | cert-1 | cert-1 | KEEP",
        "resource data, key was rotated  | held |               | -   | 10 | 62 | true  | cert-1 | cert-2 | RENEW",
        "expired beats a rotated key     | held |               | -   | 80 | -8 | true  | cert-1 | cert-2 | RECREATE_EXPIRED",
    })
    void decides(String name, String held, String changed, Integer nextAttemptMinutes, int confirmedHoursAgo,
                 int expiresInHours, boolean resourceData, String rowCertificate, String currentCertificate,
                 Decision expected) {
        DesiredSubscription d = new DesiredSubscription("acme", "/users/{user}/chats/getAllMessages?model=B",
                "created,updated", HOOK, LIFECYCLE, resourceData, 4320);
        Row row = held.equals("none") ? null : row(changed, nextAttemptMinutes, confirmedHoursAgo, expiresInHours,
                rowCertificate);
        AtomicInteger asked = new AtomicInteger();

        Decision decision = SubscriptionPolicy.decide(d, RESOURCE, row, () -> {
            asked.incrementAndGet();
            return currentCertificate;
        }, NOW);

        assertThat(decision).isEqualTo(expected);
        // Asking may create or rotate the integration's key: only when a held subscription with resource data
        // got as far as the key check.
        boolean keyChecked = resourceData && (expected == Decision.RENEW || expected == Decision.KEEP);
        assertThat(asked.get()).isEqualTo(keyChecked ? 1 : 0);
    }

    static Row row(String changed, Integer nextAttemptMinutes, int confirmedHoursAgo, int expiresInHours,
                   String certificateId) {
        String c = changed == null ? "" : changed;
        return new Row("sub-1", "acme", "/users/{user}/chats/getAllMessages?model=B",
                c.equals("resource") ? "/users/u-2/chats/getAllMessages?model=B" : RESOURCE,
                c.equals("changeTypes") ? "created" : "created,updated",
                c.equals("notification") ? "https://other.example.com/notify" : HOOK,
                c.equals("lifecycle") ? HOOK : LIFECYCLE,
                "cs-1", certificateId, SubscriptionStore.ACTIVE, NOW.plus(Duration.ofHours(expiresInHours)),
                NOW.minus(Duration.ofHours(confirmedHoursAgo)), null, 0, 0, null,
                nextAttemptMinutes == null ? null : NOW.plus(Duration.ofMinutes(nextAttemptMinutes)));
    }

    @Test
    void keepsTheNewestHeldPerDesiredEntryAndDeletesTheRest() {
        Row newest = withDesired("sub-3", "/a");
        Row older = withDesired("sub-2", "/a");
        Row other = withDesired("sub-1", "/b");
        Held held = Held.of(List.of(newest, older, other));

        assertThat(held.newestByDesired().remove("/a")).isEqualTo(newest);
        assertThat(held.unwanted()).containsExactly(other, older);
    }

    @Test
    void resolvesTheSignedInUser() {
        GraphToken delegated = new GraphToken("t", NOW, "u-1", "svc@contoso.com");
        GraphToken appOnly = new GraphToken("t", NOW, null, null);

        assertThat(SubscriptionPolicy.resolve("/users/{user}/chats/getAllMessages", delegated))
                .isEqualTo("/users/u-1/chats/getAllMessages");
        assertThat(SubscriptionPolicy.resolve("/chats/getAllMessages", appOnly)).isEqualTo("/chats/getAllMessages");
        assertThatThrownBy(() -> SubscriptionPolicy.resolve("/users/{user}/chats", appOnly))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("app-only");
    }

    static Row withDesired(String id, String desiredResource) {
        return new Row(id, "acme", desiredResource, desiredResource, "created", HOOK, LIFECYCLE, "cs", null,
                SubscriptionStore.ACTIVE, NOW.plus(Duration.ofHours(1)), NOW, null, 0, 0, null, null);
    }
}
