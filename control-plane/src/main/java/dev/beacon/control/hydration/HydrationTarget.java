package dev.beacon.control.hydration;

/**
 * The integration whose token fetches a message, and the tenant its rate budget is counted in.
 *
 * @param how {@code subscription} (found by the notification's subscription id) or {@code tenant} (the only
 *            integration of the notification's tenant)
 */
record HydrationTarget(String integrationId, String tenantId, String how) {}
