package dev.beacon.contracts.crypto;

import java.security.PrivateKey;
import java.util.Optional;

/** Finds the private key of the certificate Graph encrypted for: by {@code encryptionCertificateId}, else thumbprint. */
@FunctionalInterface
public interface KeyLookup {
    Optional<PrivateKey> find(String encryptionCertificateId, String encryptionCertificateThumbprint);
}
