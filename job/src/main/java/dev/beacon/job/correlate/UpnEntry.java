package dev.beacon.job.correlate;

/**
 * One entry of the directory's UPN index: under {@link #key} ({@code tenant|lower(upn)}) lives user
 * {@link #userId}, or, when null, nobody any more (the user was deleted or changed UPN).
 */
public class UpnEntry {
    public String key;
    public String userId;

    public UpnEntry() {}

    public UpnEntry(String key, String userId) {
        this.key = key;
        this.userId = userId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpnEntry e && java.util.Objects.equals(key, e.key)
                && java.util.Objects.equals(userId, e.userId);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(key, userId);
    }

    @Override
    public String toString() {
        return "UpnEntry{" + key + " -> " + userId + "}";
    }
}
