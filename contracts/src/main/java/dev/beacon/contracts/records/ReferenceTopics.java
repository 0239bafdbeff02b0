package dev.beacon.contracts.records;

import java.util.Locale;

/**
 * The compacted topics through which the control plane hands reference data to the job, and their record keys. A
 * record's value is the JSON of its contract record; a {@code null} value (tombstone) deletes the key.
 *
 * <ul>
 *   <li>{@link #DIRECTORY}: {@link DirectoryUserRecord}, key {@code tenant|userId}</li>
 *   <li>{@link #SITES}: {@link SiteRecord}, key {@code siteId}</li>
 *   <li>{@link #SECURITY_LINES}: {@link SecurityLineRecord}, key {@code lineId}</li>
 * </ul>
 */
public final class ReferenceTopics {

    public static final String DIRECTORY = "beacon-directory";
    public static final String SITES = "beacon-sites";
    public static final String SECURITY_LINES = "beacon-security-lines";

    private ReferenceTopics() {}

    /** Key of a directory record: tenant and Entra object id, lower case (Graph ids are case-insensitive GUIDs). */
    public static String directoryKey(String tenantId, String userId) {
        return lower(tenantId) + "|" + lower(userId);
    }

    static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
