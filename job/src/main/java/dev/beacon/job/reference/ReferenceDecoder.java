package dev.beacon.job.reference;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.contracts.records.DirectoryUserRecord;
import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.contracts.records.SiteRecord;
import java.io.IOException;

/**
 * Turns one record of a reference topic into a {@link ReferenceUpdate}: the topic says which contract record the
 * value is ({@link ReferenceSettings#kindOf}); a null value is a tombstone for the record's key. Pure and not
 * thread-safe (one per operator instance).
 *
 * <p>A record that breaks the contract is refused with a {@link ContractFormatException} whose message names the
 * topic's kind and the field, never a value: directory records are personal data.
 */
public final class ReferenceDecoder {

    private final ReferenceSettings settings;
    private final ObjectMapper mapper = new ObjectMapper();

    public ReferenceDecoder(ReferenceSettings settings) {
        this.settings = settings;
    }

    /**
     * @param key   the record key ({@code tenant|userId}, {@code siteId}, {@code lineId}); may be null for a value
     *              record (the record's own key is used), never for a tombstone
     * @param value the JSON of the contract record, or null for a tombstone
     */
    public ReferenceUpdate decode(String topic, String key, byte[] value) throws ContractFormatException {
        ReferenceUpdate.Kind kind = settings.kindOf(topic);
        if (kind == null) {
            throw new ContractFormatException("the record's topic is not a reference topic");
        }
        String what = label(kind);
        if (value == null) {
            if (key == null || key.isBlank()) {
                throw new ContractFormatException(what + ": a tombstone without a key");
            }
            return ReferenceUpdate.tombstone(kind, key);
        }
        JsonNode json;
        try {
            json = mapper.readTree(value);
        } catch (JacksonException e) {
            throw new ContractFormatException(what + ": the value is not JSON");
        } catch (IOException e) {
            throw new ContractFormatException(what + ": the value cannot be read");
        }
        ReferenceUpdate update;
        try {
            update = switch (kind) {
                case DIRECTORY_USER -> ReferenceUpdate.of(DirectoryUserRecord.fromJson(json));
                case SITE -> ReferenceUpdate.of(SiteRecord.fromJson(json));
                case SECURITY_LINE -> ReferenceUpdate.of(SecurityLineRecord.fromJson(json));
            };
        } catch (ContractFormatException e) {
            throw new ContractFormatException(e.field(), e.problem(), what + ": " + e.getMessage());
        }
        // A later tombstone names the Kafka key: a record stored under another key could never be deleted.
        if (key != null && !key.equals(update.key)) {
            throw new ContractFormatException(what + ": the record key is not the key of the record it holds");
        }
        return update;
    }

    static String label(ReferenceUpdate.Kind kind) {
        return switch (kind) {
            case DIRECTORY_USER -> "directory user";
            case SITE -> "site";
            case SECURITY_LINE -> "security line";
        };
    }
}
