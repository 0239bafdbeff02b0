package dev.beacon.job.correlate;

/**
 * What {@link MessageDeduplicator} remembers about one chat message: just enough to recognise redeliveries and
 * reaction-only updates, and to route a later content-less {@code deleted} notification to its caller. Never the
 * message content itself.
 */
public class SeenMessage {
    /** The content hash of the newest version seen. */
    public String contentHash;
    /** {@code lastModifiedDateTime} of the newest version seen; 0 when unknown. */
    public long lastModifiedAtMillis;
    public String callerUserId;
    public String callerDisplayName;
    public boolean deleted;

    public SeenMessage() {}

    public SeenMessage(
            String contentHash, long lastModifiedAtMillis, String callerUserId, String callerDisplayName,
            boolean deleted) {
        this.contentHash = contentHash;
        this.lastModifiedAtMillis = lastModifiedAtMillis;
        this.callerUserId = callerUserId;
        this.callerDisplayName = callerDisplayName;
        this.deleted = deleted;
    }

    @Override
    public String toString() {
        // The hash is derived from content; keep it out of logs like the content itself.
        return "SeenMessage{caller=" + callerUserId + (deleted ? ", deleted" : "") + "}";
    }
}
