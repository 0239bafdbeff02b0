package dev.beacon.control.hydration;

import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.subscriptions.SubscriptionStore;
import java.util.List;
import java.util.Optional;

/**
 * Finds the integration that serves a notification: by its subscription id (any state: a notification may arrive
 * just after its subscription was replaced), else by its tenant when exactly one integration serves that tenant.
 * Both reads hit PostgreSQL; an outage throws and the request is retried.
 */
final class HydrationTargets {

    private final SubscriptionStore subscriptions;
    private final IntegrationStore integrations;

    HydrationTargets(SubscriptionStore subscriptions, IntegrationStore integrations) {
        this.subscriptions = subscriptions;
        this.integrations = integrations;
    }

    Optional<HydrationTarget> find(String subscriptionId, String tenantId) {
        if (subscriptionId != null) {
            Optional<HydrationTarget> bySubscription = subscriptions.find(subscriptionId)
                    .flatMap(row -> integrations.get(row.integrationId()))
                    .map(i -> new HydrationTarget(i.id(), i.tenantId(), "subscription"));
            if (bySubscription.isPresent()) {
                return bySubscription;
            }
        }
        if (tenantId == null) {
            return Optional.empty();
        }
        List<Integration> ofTenant = integrations.list().stream()
                .filter(i -> i.tenantId().equalsIgnoreCase(tenantId)).toList();
        return ofTenant.size() == 1
                ? Optional.of(new HydrationTarget(ofTenant.get(0).id(), ofTenant.get(0).tenantId(), "tenant"))
                : Optional.empty();
    }
}
