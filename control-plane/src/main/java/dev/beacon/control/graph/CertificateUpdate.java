package dev.beacon.control.graph;

/** A new encryption certificate to PATCH onto a subscription (key rotation). */
public record CertificateUpdate(String encryptionCertificate, String encryptionCertificateId) {}
