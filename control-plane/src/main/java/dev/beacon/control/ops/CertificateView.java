package dev.beacon.control.ops;

import java.time.Instant;

/** An encryption certificate (public facts only). {@code subscriptions}: how many active subscriptions use it. */
public record CertificateView(String certificateId, String integrationId, Instant notAfter, Instant createdAt,
                              Instant retiredAt, int subscriptions) {}
