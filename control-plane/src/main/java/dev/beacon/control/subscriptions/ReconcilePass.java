package dev.beacon.control.subscriptions;

import dev.beacon.control.certs.EncryptionCertificates;
import dev.beacon.control.certs.EncryptionCertificates.Certificate;
import dev.beacon.control.signin.GraphToken;
import java.util.Optional;

/** The integration, its token and (lazily) its certificate, for one pass or action, plus what it did. */
final class ReconcilePass {
    final String integrationId;
    final GraphToken token;
    final ReconcileTally tally = new ReconcileTally();
    private final EncryptionCertificates certificates;
    private Certificate certificate;

    ReconcilePass(String integrationId, GraphToken token, EncryptionCertificates certificates) {
        this.integrationId = integrationId;
        this.token = token;
        this.certificates = certificates;
    }

    /**
     * The integration's current encryption certificate, rotated first when due. Lazy: only passes that need a key
     * create or rotate one (which changes the job's secrets).
     */
    Certificate certificate() {
        if (certificate == null) {
            boolean had = certificates.existing(integrationId).isPresent();
            Optional<Certificate> rotated = certificates.rotateIfDue(integrationId);
            certificate = rotated.orElseGet(() -> certificates.current(integrationId));
            if (!had || rotated.isPresent()) {
                tally.secretsChanged = true;
            }
        }
        return certificate;
    }
}
