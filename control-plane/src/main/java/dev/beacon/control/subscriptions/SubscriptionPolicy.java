package dev.beacon.control.subscriptions;

import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.signin.GraphToken;
import dev.beacon.control.subscriptions.SubscriptionStore.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the reconciler does with a desired subscription and the subscription we hold for it: a pure function of
 * their state and the clock, without Graph, so every case can be tested as a table. The Graph side (and what
 * Graph answers: conflicts to adopt, 404s, throttling) is {@link SubscriptionActions}.
 */
final class SubscriptionPolicy {

    /** What to do with one desired subscription. */
    enum Decision {
        /** We hold none: create it. */
        CREATE,
        /** Graph asked us to wait, or the last attempt failed: not before {@code next_attempt_at}. */
        DEFER,
        /** Resource, change types, URLs or resource data changed; Graph cannot PATCH those: delete and create. */
        REPLACE,
        /** Past its expiry, so Graph has deleted it: record the delivery gap and create it again. */
        RECREATE_EXPIRED,
        /** About half of its remaining lifetime has passed, or it must move to the current certificate. */
        RENEW,
        /** Nothing to do this pass. */
        KEEP
    }

    private SubscriptionPolicy() {
    }

    /**
     * @param resource             {@code d.resource()} with {@code {user}} resolved ({@link #resolve})
     * @param row                  the active subscription we hold for {@code d}, or null
     * @param currentCertificateId the integration's current certificate; asked only when {@code d} includes
     *                             resource data and the subscription is otherwise healthy (asking may rotate it)
     */
    static Decision decide(DesiredSubscription d, String resource, Row row, Supplier<String> currentCertificateId,
                           Instant now) {
        if (row == null) {
            return Decision.CREATE;
        }
        if (row.nextAttemptAt() != null && now.isBefore(row.nextAttemptAt())) {
            return Decision.DEFER;
        }
        if (!matches(row, d, resource)) {
            return Decision.REPLACE;
        }
        if (!now.isBefore(row.expiresAt())) {
            return Decision.RECREATE_EXPIRED;
        }
        boolean moveKey = d.includeResourceData()
                && !currentCertificateId.get().equals(row.encryptionCertificateId());
        return moveKey || renewalDue(row, now) ? Decision.RENEW : Decision.KEEP;
    }

    /** About half of the remaining lifetime has passed since the last renewal (or creation). */
    static boolean renewalDue(Row row, Instant now) {
        Instant last = row.lastConfirmedAt();
        Duration half = Duration.between(last, row.expiresAt()).dividedBy(2);
        return !now.isBefore(last.plus(half));
    }

    /** The subscription still is what {@code d} asks for, in everything Graph cannot change by a renewal. */
    static boolean matches(Row row, DesiredSubscription d, String resource) {
        return row.resource().equals(resource)
                && row.changeTypes().equals(d.changeTypes())
                && row.notificationUrl().equals(d.notificationUrl())
                && row.lifecycleNotificationUrl().equals(d.effectiveLifecycleUrl())
                && (row.encryptionCertificateId() != null) == d.includeResourceData();
    }

    /** Replaces {@code {user}} with the signed-in account's object id. */
    static String resolve(String resource, GraphToken token) {
        if (!resource.contains("{user}")) {
            return resource;
        }
        if (token.userObjectId() == null || token.userObjectId().isBlank()) {
            throw new IllegalArgumentException("resource " + resource + " needs {user}, but the token is app-only");
        }
        return resource.replace("{user}", token.userObjectId());
    }

    /**
     * The active subscriptions we hold, by desired resource: the newest per entry is reconciled, older ones
     * ({@code duplicates}, e.g. from a crash between create and the old one's delete) are deleted.
     *
     * @param newestByDesired mutable: the pass takes out each desired entry's row; what is left is no longer desired
     */
    record Held(Map<String, Row> newestByDesired, List<Row> duplicates) {

        /** @param activeNewestFirst as {@link SubscriptionStore#active} returns them */
        static Held of(List<Row> activeNewestFirst) {
            Map<String, Row> newest = new LinkedHashMap<>();
            List<Row> duplicates = new ArrayList<>();
            for (Row r : activeNewestFirst) {
                if (newest.putIfAbsent(r.desiredResource(), r) != null) {
                    duplicates.add(r);
                }
            }
            return new Held(newest, duplicates);
        }

        /** After the desired entries took theirs: the rows to delete in Graph. */
        List<Row> unwanted() {
            List<Row> unwanted = new ArrayList<>(newestByDesired.values());
            unwanted.addAll(duplicates);
            return unwanted;
        }
    }
}
