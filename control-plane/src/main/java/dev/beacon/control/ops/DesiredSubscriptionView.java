package dev.beacon.control.ops;

/** A desired subscription as ops write and read it (see {@code integration.DesiredSubscription}). */
public record DesiredSubscriptionView(
        String resource,
        String changeTypes,
        String notificationUrl,
        String lifecycleNotificationUrl,
        Boolean includeResourceData,
        Integer lifetimeMinutes) {}
