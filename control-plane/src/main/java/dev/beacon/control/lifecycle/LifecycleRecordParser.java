package dev.beacon.control.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.contracts.records.LifecycleRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.Locale;

/**
 * Reads one {@code graph-lifecycle} record, as the job writes it, through the contract's {@link LifecycleRecord}:
 * a JSON object with {@code source, partition, offset, item_index, subscription_id, tenant_id, lifecycle_event,
 * notification}. Only the subscription id and the event are required: {@code tenant_id} may be null (the handler
 * finds the subscription by id), and the embedded Graph item is not needed here. What the contract rejects becomes
 * a {@link PoisonReason}; an event name the control plane does not know is poison too.
 */
final class LifecycleRecordParser {

    /** Either an event, or why the record is poison and a detail that never quotes its content. */
    record Parsed(LifecycleEvent event, PoisonReason poison, String detail) {
        static Parsed poison(PoisonReason reason, String detail) {
            return new Parsed(null, reason, detail);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();

    Parsed parse(byte[] value, Instant receivedAt) {
        if (value == null || value.length == 0) {
            return Parsed.poison(PoisonReason.EMPTY_RECORD, "the record has no value");
        }
        JsonNode n;
        try {
            n = mapper.readTree(value);
        } catch (IOException e) {
            // Jackson's message quotes the input; only its position is kept.
            return Parsed.poison(PoisonReason.NOT_JSON, e instanceof JsonProcessingException j
                    && j.getLocation() != null ? "not JSON (line " + j.getLocation().getLineNr() + ", column "
                    + j.getLocation().getColumnNr() + ")" : "not JSON");
        }
        if (n == null || !n.isObject()) {
            return Parsed.poison(PoisonReason.NOT_AN_OBJECT, "JSON, but " + (n == null ? "empty" : n.getNodeType()
                    .name().toLowerCase(Locale.ROOT)) + " instead of an object");
        }
        LifecycleRecord record;
        try {
            record = LifecycleRecord.fromJson(n);
        } catch (ContractFormatException e) {
            // The contract's message names the field and never quotes its content.
            return Parsed.poison(reason(e), e.getMessage());
        }
        if (!LifecycleEvent.KNOWN_EVENTS.contains(record.lifecycleEvent())) {
            // The name is Graph's (bounded, not secret) but may be anything in a forged record: keep it short.
            return Parsed.poison(PoisonReason.UNKNOWN_LIFECYCLE_EVENT, "lifecycle_event '"
                    + abbreviate(record.lifecycleEvent()) + "' is not one of " + LifecycleEvent.KNOWN_EVENTS);
        }
        return new Parsed(new LifecycleEvent(record.subscriptionId(), record.tenantId(), record.lifecycleEvent(),
                receivedAt), null, null);
    }

    /** A missing required field has its own reason; a wrong type or anything else is an invalid field. */
    private static PoisonReason reason(ContractFormatException e) {
        if (e.problem() == ContractFormatException.Problem.MISSING) {
            if ("subscription_id".equals(e.field())) {
                return PoisonReason.MISSING_SUBSCRIPTION_ID;
            }
            if ("lifecycle_event".equals(e.field())) {
                return PoisonReason.MISSING_LIFECYCLE_EVENT;
            }
        }
        return PoisonReason.INVALID_FIELD;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
    }
}
