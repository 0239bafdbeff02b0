package dev.beacon.control.subscriptions;

import dev.beacon.control.integration.DesiredSubscription;
import java.util.List;

/**
 * Where the reconciler reads what an integration desires: its stored entries ({@code IntegrationStore::desired}),
 * plus derived ones such as one emergency-call-event subscription per emergency policy
 * ({@code emergency.EmergencyEventSubscriptions}).
 */
@FunctionalInterface
public interface DesiredSource {

    List<DesiredSubscription> desired(String integrationId);
}
