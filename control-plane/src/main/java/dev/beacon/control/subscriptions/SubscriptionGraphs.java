package dev.beacon.control.subscriptions;

import dev.beacon.control.emergency.EmergencyEventResources;
import dev.beacon.control.emergency.EmergencyEventsApi;
import dev.beacon.control.graph.GraphClient;

/**
 * The Graph client a subscription is managed through, by its resource: emergency-call-event subscriptions through
 * {@code BEACON_EMERGENCY_EVENTS_API_VERSION} (default {@code beta}), everything else through v1.0. A subscription
 * is created, renewed, listed and deleted through the same version.
 */
public record SubscriptionGraphs(GraphClient chats, GraphClient emergencyEvents) {

    /** {@code graph} for chats, its {@value EmergencyEventsApi#DEFAULT_VERSION} twin for emergency events. */
    public static SubscriptionGraphs of(GraphClient graph) {
        return new SubscriptionGraphs(graph, graph.withGraphVersion(EmergencyEventsApi.DEFAULT_VERSION));
    }

    /** {@code graph} for chats, its {@code emergencyVersion} twin for emergency events. */
    public static SubscriptionGraphs of(GraphClient graph, String emergencyVersion) {
        return new SubscriptionGraphs(graph, graph.withGraphVersion(emergencyVersion));
    }

    public GraphClient forResource(String resource) {
        return EmergencyEventResources.isEmergencyResource(resource) ? emergencyEvents : chats;
    }
}
