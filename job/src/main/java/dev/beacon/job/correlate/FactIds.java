package dev.beacon.job.correlate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic fact ids: a name-based (version 5, SHA-1) UUID of {@code tenant|caller|anchor} in a fixed Beacon
 * namespace, where the anchor is the {@code createdDateTime} of the call's <em>earliest</em> message. The messages
 * of a call and therefore its earliest one do not depend on arrival order, partitioning, parallelism or failures,
 * so neither does the id: replaying the same notifications, in any order, from any checkpoint, gives the same ids.
 *
 * <p>The price of publishing on first sight: when a later-created desk message is seen first, the call is
 * published under that message's id until the earlier message arrives. The id then moves to the earliest message
 * and the provisional id is answered by a supersede record ({@link EmergencyCallFact#supersede}); PostgreSQL
 * removes its row and remembers it in {@code fact_alias}. Every id a call can ever have been published under is the
 * id of one of its messages, which is what makes recovery safe: after a restart the correlator supersedes the id
 * of every replayed message that joins another call, whatever an earlier attempt published.
 *
 * <p>The rejected alternative, rounding the time to a bucket, needs no supersede but splits a call whose desk
 * messages straddle a bucket boundary into two facts.
 */
public final class FactIds {

    /** Beacon's namespace for fact ids. Never change it: every stored fact id depends on it. */
    public static final UUID NAMESPACE = UUID.fromString("366771f6-38ff-4891-b976-79cb8e267262");

    private static final byte[] NAMESPACE_BYTES = ByteBuffer.allocate(16)
            .putLong(NAMESPACE.getMostSignificantBits())
            .putLong(NAMESPACE.getLeastSignificantBits())
            .array();

    /** The namespace of security-line fact ids. Never change it: every stored security-line fact id depends on it. */
    public static final UUID SECURITY_LINE_NAMESPACE = UUID.fromString("9c1f4b52-7d0e-4e8a-b3a6-5f2d8c61e0a4");

    private static final byte[] SECURITY_LINE_NAMESPACE_BYTES = ByteBuffer.allocate(16)
            .putLong(SECURITY_LINE_NAMESPACE.getMostSignificantBits())
            .putLong(SECURITY_LINE_NAMESPACE.getLeastSignificantBits())
            .array();

    // MessageDigest is not thread-safe; one per thread avoids looking the provider up for every fact.
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    });

    private FactIds() {}

    /** The fact id of a call of this caller whose earliest message was created at the given time. */
    public static String factId(String tenantId, String callerUserId, long earliestMessageCreatedAtMillis) {
        return uuidV5(tenantId + "|" + callerUserId + "|" + earliestMessageCreatedAtMillis).toString();
    }

    /**
     * The fact id of a call to a security line: a version 5 UUID of ACS's call id (its {@code correlationId}, else
     * {@code serverCallId}, else the event id) in a namespace of its own, so it can never equal an emergency fact's.
     */
    public static String securityLineFactId(String callId) {
        return uuidV5(SECURITY_LINE_NAMESPACE_BYTES, callId).toString();
    }

    /** RFC 4122 / 9562 name-based UUID, version 5. */
    static UUID uuidV5(String name) {
        return uuidV5(NAMESPACE_BYTES, name);
    }

    private static UUID uuidV5(byte[] namespace, String name) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        sha1.update(namespace);
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
