package dev.beacon.control.alerts;

/** The answer to adding a route: the route, and a generated webhook secret (shown this once, else null). */
public record AddedAlertRoute(AlertRoute route, String generatedSecret) {}
