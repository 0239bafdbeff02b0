package dev.beacon.job.triage;

import dev.beacon.job.ingest.SourceRef;

/**
 * A Graph lifecycle notification ({@code reauthorizationRequired}, {@code subscriptionRemoved}, {@code missed}),
 * forwarded to the control plane's topic. {@code json} is the notification item as received, with
 * {@code clientState} removed: the control plane has its own copy and the topic is no place for secrets.
 */
public record LifecycleNotice(
        SourceRef source, String subscriptionId, String tenantId, String lifecycleEvent, String json) {}
