package dev.beacon.contracts.records;

import static dev.beacon.contracts.records.ContractFormatException.Problem.INVALID;
import static dev.beacon.contracts.records.ContractFormatException.Problem.MISSING;
import static dev.beacon.contracts.records.ContractFormatException.Problem.WRONG_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Strict field access for the contract codecs: wrong types are errors, never coerced. */
public final class Fields {

    private Fields() {}

    public static String requiredText(JsonNode n, String field) throws ContractFormatException {
        String v = optionalText(n, field);
        if (v == null || v.isBlank()) {
            throw new ContractFormatException(field, MISSING, field + " is missing or empty");
        }
        return v;
    }

    public static String optionalText(JsonNode n, String field) throws ContractFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ContractFormatException(field, WRONG_TYPE, field + " is a " + type(v) + ", not a string");
        }
        return v.asText();
    }

    public static long optionalLong(JsonNode n, String field, long absent) throws ContractFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new ContractFormatException(field, WRONG_TYPE, field + " is a " + type(v) + ", not an integer");
        }
        return v.asLong();
    }

    public static Instant requiredInstant(JsonNode n, String field) throws ContractFormatException {
        String v = requiredText(n, field);
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new ContractFormatException(field, INVALID, field + " is not an ISO-8601 instant");
        }
    }

    public static JsonNode requiredObject(JsonNode n, String field) throws ContractFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ContractFormatException(field, MISSING, field + " is missing");
        }
        if (!v.isObject()) {
            throw new ContractFormatException(field, WRONG_TYPE, field + " is a " + type(v) + ", not an object");
        }
        return v;
    }

    /** An array of strings; absent or null reads as empty. */
    public static java.util.List<String> optionalTextList(JsonNode n, String field) throws ContractFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return java.util.List.of();
        }
        if (!v.isArray()) {
            throw new ContractFormatException(field, WRONG_TYPE, field + " is a " + type(v) + ", not an array");
        }
        java.util.List<String> out = new java.util.ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new ContractFormatException(field, WRONG_TYPE, field + " holds a " + type(e) + ", not a string");
            }
            out.add(e.asText());
        }
        return out;
    }

    /** A number; absent or null reads as null. */
    public static Double optionalDouble(JsonNode n, String field) throws ContractFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new ContractFormatException(field, WRONG_TYPE, field + " is a " + type(v) + ", not a number");
        }
        return v.asDouble();
    }

    static String type(JsonNode v) {
        return v.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
