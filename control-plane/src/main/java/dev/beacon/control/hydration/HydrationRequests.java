package dev.beacon.control.hydration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.contracts.records.HydrationRequestRecord;
import java.io.IOException;

/** Reads one {@code graph-needs-hydration} value with the contract's codec; bad input becomes a poison reason. */
final class HydrationRequests {

    /** Either a request or why there is none; {@code detail} names the problem, never quotes content. */
    record Parsed(HydrationRequestRecord request, HydrationPoison poison, String detail) {
        static Parsed poison(HydrationPoison reason, String detail) {
            return new Parsed(null, reason, detail);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();

    Parsed parse(byte[] value) {
        if (value == null || value.length == 0) {
            return Parsed.poison(HydrationPoison.EMPTY_RECORD, "the record has no value");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            long offset = at == null ? -1 : at.getCharOffset() >= 0 ? at.getCharOffset() : at.getByteOffset();
            return Parsed.poison(HydrationPoison.NOT_JSON, offset < 0 ? "not JSON" : "not JSON (at byte " + offset
                    + ")");
        } catch (IOException e) {
            return Parsed.poison(HydrationPoison.NOT_JSON, "not JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            return Parsed.poison(HydrationPoison.EMPTY_RECORD, "the record is blank");
        }
        try {
            return new Parsed(HydrationRequestRecord.fromJson(tree), null, null);
        } catch (ContractFormatException e) {
            return Parsed.poison(HydrationPoison.INVALID_REQUEST, e.getMessage());
        }
    }
}
