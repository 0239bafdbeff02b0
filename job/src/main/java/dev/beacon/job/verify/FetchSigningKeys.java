package dev.beacon.job.verify;

import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.contracts.fetched.FetchedMessageSignature;
import java.util.List;

/**
 * The HMAC keys the control plane signs fetched messages with (the job-secrets file {@code fetch-signing-keys}),
 * current first. The job holds no Graph credential, so a fetched message is believed only when its signature
 * matches one of them; any of the list is accepted so a rotation loses no record in flight. Never printed.
 */
public final class FetchSigningKeys {

    private static final FetchSigningKeys NONE = new FetchSigningKeys(List.of());

    private final List<byte[]> keys;

    private FetchSigningKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    /** No keys configured: every fetched message is unverifiable. */
    public static FetchSigningKeys none() {
        return NONE;
    }

    /**
     * Decodes base64 keys as exported by the control plane.
     *
     * @throws IllegalArgumentException when a key is not base64 or not {@value FetchedMessageSignature#KEY_BYTES}
     *     bytes; the message never quotes a key
     */
    public static FetchSigningKeys decode(List<String> base64Keys) {
        return new FetchSigningKeys(List.copyOf(FetchedMessageSignature.decodeKeys(base64Keys)));
    }

    public boolean isConfigured() {
        return !keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /** True when {@code message}'s signature is valid under one of the keys (constant-time comparison). */
    public boolean verify(FetchedMessage message) {
        return FetchedMessageSignature.verify(message, keys);
    }

    @Override
    public String toString() {
        return "FetchSigningKeys[" + keys.size() + " keys]";
    }
}
