package dev.beacon.job.correlate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic fact ids: a name-based (version 5, SHA-1) UUID of {@code tenant|caller|anchor} in a fixed Beacon
 * namespace, so that replaying the same notifications yields the same ids and the sinks' upserts stay idempotent.
 *
 * <p>Trade-off: the anchor is the {@code createdDateTime} of the message that <em>opened</em> the fact. That is
 * deterministic for a replay of the same input in the same order. If the chats' notifications arrive in another
 * order (a replay that interleaves partitions differently), a different message may open the fact and the id
 * changes; the later {@code callStartedAt} correction (earliest message) deliberately does not change the id,
 * since sinks would otherwise see a second fact for one call. The alternative, rounding the time to a window
 * bucket, would be order-independent but would split a call that straddles a bucket boundary into two facts.
 */
public final class FactIds {

    /** Beacon's namespace for fact ids. Never change it: every stored fact id depends on it. */
    public static final UUID NAMESPACE = UUID.fromString("366771f6-38ff-4891-b976-79cb8e267262");

    private static final byte[] NAMESPACE_BYTES = ByteBuffer.allocate(16)
            .putLong(NAMESPACE.getMostSignificantBits())
            .putLong(NAMESPACE.getLeastSignificantBits())
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

    /** The fact id for a call of this caller whose first seen message was created at the given time. */
    public static String factId(String tenantId, String callerUserId, long firstMessageCreatedAtMillis) {
        return uuidV5(tenantId + "|" + callerUserId + "|" + firstMessageCreatedAtMillis).toString();
    }

    /** RFC 4122 / 9562 name-based UUID, version 5. */
    static UUID uuidV5(String name) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        sha1.update(NAMESPACE_BYTES);
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
