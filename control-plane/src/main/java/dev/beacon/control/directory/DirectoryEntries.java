package dev.beacon.control.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.contracts.records.DirectoryUserRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns one item of a {@code /users/delta} page into a {@link DirectoryChange}. An item with {@code @removed}
 * (reason {@code changed}: soft-deleted, {@code deleted}: gone) is a removal; any other is the user's current
 * fields (no {@code Prefer: return=minimal} is sent, so Graph returns every selected property, not only the changed
 * ones). Values of the wrong JSON type read as absent; an item without an id is skipped (empty).
 */
final class DirectoryEntries {

    /** What the sync asks Graph for: exactly the fields of {@link DirectoryUserRecord}. */
    static final String SELECT = "id,displayName,userPrincipalName,department,jobTitle,officeLocation,businessPhones,"
            + "mobilePhone";

    private DirectoryEntries() {}

    static Optional<DirectoryChange> change(String tenantId, JsonNode item) {
        String id = text(item, "id");
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        if (item.has("@removed")) {
            return Optional.of(DirectoryChange.removed(tenantId, id));
        }
        List<String> phones = new ArrayList<>();
        for (JsonNode p : item.path("businessPhones")) {
            if (p.isTextual()) {
                phones.add(p.asText());
            }
        }
        return Optional.of(DirectoryChange.upsert(new DirectoryUserRecord(tenantId, id, text(item, "displayName"),
                text(item, "userPrincipalName"), text(item, "department"), text(item, "jobTitle"),
                text(item, "officeLocation"), phones, text(item, "mobilePhone"))));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
