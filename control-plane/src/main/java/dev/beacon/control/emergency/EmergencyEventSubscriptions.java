package dev.beacon.control.emergency;

import dev.beacon.control.integration.DesiredSubscription;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.subscriptions.DesiredSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an integration desires, emergency call events included: its stored entries, plus one subscription per
 * emergency calling policy ({@link EmergencyPolicies}) on {@link EmergencyEventResources#resource}, change type
 * {@code updated}, rich notifications only (the integration's encryption certificate, like chat subscriptions),
 * at most one day ({@link EmergencyEventResources#MAX_LIFETIME_MINUTES}; renewed at about half of it, like chat
 * subscriptions), delivered where the integration's first stored entry delivers (Event Hubs, Event Grid or the
 * webhook ingress, lifecycle URL included).
 *
 * <p>The entries are derived at every pass, so a changed policy list or delivery target takes effect at the next
 * pass: the reconciler creates, replaces and deletes subscriptions to match.
 */
public final class EmergencyEventSubscriptions implements DesiredSource {

    private static final Logger log = LoggerFactory.getLogger(EmergencyEventSubscriptions.class);

    private final IntegrationStore integrations;
    private final EmergencyPolicies policies;

    public EmergencyEventSubscriptions(IntegrationStore integrations, EmergencyPolicies policies) {
        this.integrations = integrations;
        this.policies = policies;
    }

    @Override
    public List<DesiredSubscription> desired(String integrationId) {
        List<DesiredSubscription> stored = integrations.desired(integrationId);
        List<String> names = policies.list(integrationId);
        if (names.isEmpty()) {
            return stored;
        }
        Optional<Integration> integration = integrations.get(integrationId);
        if (integration.isEmpty() || integration.get().authMode().delegated()) {
            // Refused when policies are set; an auth mode cannot change later. Defensive: never ask Graph for them.
            log.warn("integration {} has emergency policies but no app-only sign-in; not subscribing to them",
                    integrationId);
            return stored;
        }
        Optional<DesiredSubscription> target = stored.stream().findFirst();
        if (target.isEmpty()) {
            log.warn("integration {} has emergency policies but no desired subscription to take the delivery "
                    + "target from; not subscribing to them", integrationId);
            return stored;
        }
        List<DesiredSubscription> out = new ArrayList<>(stored);
        for (String name : names) {
            out.add(forPolicy(integrationId, name, target.get()));
        }
        return out;
    }

    /** The subscription for {@code policyName}, delivered like {@code target}. */
    public static DesiredSubscription forPolicy(String integrationId, String policyName, DesiredSubscription target) {
        return new DesiredSubscription(integrationId, EmergencyEventResources.resource(policyName),
                EmergencyEventResources.CHANGE_TYPE, target.notificationUrl(), target.lifecycleNotificationUrl(),
                true, EmergencyEventResources.MAX_LIFETIME_MINUTES);
    }
}
