package dev.beacon.control.directory;

import dev.beacon.contracts.records.DirectoryUserRecord;
import dev.beacon.contracts.records.ReferenceTopics;

/**
 * One entry of a {@code /users/delta} page, as it goes to {@link ReferenceTopics#DIRECTORY}: a user (its current
 * fields), or a removal ({@code user} null: a tombstone that deletes the key).
 */
public record DirectoryChange(String key, DirectoryUserRecord user) {

    public static DirectoryChange upsert(DirectoryUserRecord user) {
        return new DirectoryChange(user.key(), user);
    }

    public static DirectoryChange removed(String tenantId, String userId) {
        return new DirectoryChange(ReferenceTopics.directoryKey(tenantId, userId), null);
    }

    public boolean tombstone() {
        return user == null;
    }
}
