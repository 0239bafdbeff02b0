package dev.beacon.job.verify;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a notification's {@code clientState} against the secrets our subscriptions were created with. Several
 * secrets can be accepted at once so that a secret can be rotated without dropping notifications of subscriptions
 * that still carry the old one. Never reveals the secrets (not in toString, not in exceptions).
 */
public final class ClientStateVerifier implements Serializable {

    private static final long serialVersionUID = 1L;

    private final byte[][] acceptedSecrets;

    public ClientStateVerifier(List<String> acceptedSecrets) {
        if (acceptedSecrets == null || acceptedSecrets.isEmpty()) {
            throw new IllegalArgumentException("at least one accepted clientState secret is required");
        }
        this.acceptedSecrets = new byte[acceptedSecrets.size()][];
        for (int i = 0; i < acceptedSecrets.size(); i++) {
            String secret = acceptedSecrets.get(i);
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("accepted clientState secret #" + (i + 1) + " is empty");
            }
            this.acceptedSecrets[i] = secret.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Whether {@code presented} equals one of the accepted secrets. Compares against every secret, without an early
     * exit, and in time that depends only on the presented value's length, so timing tells an attacker nothing about
     * which secret came close.
     */
    public boolean isAccepted(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean accepted = false;
        for (byte[] secret : acceptedSecrets) {
            // The presented value goes first: MessageDigest.isEqual's running time follows its first argument.
            accepted |= MessageDigest.isEqual(candidate, secret);
        }
        return accepted;
    }

    /** Secrets from configuration, e.g. {@code "new-secret, old-secret"}: trimmed, empty entries dropped. */
    public static List<String> parse(String commaSeparated) {
        ArrayList<String> secrets = new ArrayList<>();
        if (commaSeparated == null) {
            return secrets;
        }
        for (String part : commaSeparated.split(",")) {
            String secret = part.trim();
            if (!secret.isEmpty()) {
                secrets.add(secret);
            }
        }
        return secrets;
    }

    public int secretCount() {
        return acceptedSecrets.length;
    }

    @Override
    public String toString() {
        return "ClientStateVerifier{" + acceptedSecrets.length + " accepted secret(s)}";
    }
}
