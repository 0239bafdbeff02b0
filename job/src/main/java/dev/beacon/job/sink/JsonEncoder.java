package dev.beacon.job.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;

/**
 * Turns a record into its JSON document with the caller's mapper, so a sink keeps one ObjectMapper per subtask.
 * The helpers in {@link FactJson} and {@link RecordJson} fit as method references, e.g. {@code FactJson::toJson}.
 */
@FunctionalInterface
public interface JsonEncoder<T> extends Serializable {
    ObjectNode toJson(T value, ObjectMapper mapper);
}
