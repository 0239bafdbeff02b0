package dev.beacon.job.decode;

import dev.beacon.contracts.fetched.FetchedMessage;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.SourceRef;

/** One notification of a record: either decoded, or the reason it could not be, ready for the dead-letter output. */
public sealed interface DecodedItem {

    SourceRef source();

    /** A well-formed notification. Not yet authenticated: clientState and encrypted content are checked later. */
    record Ok(ChangeNotification notification) implements DecodedItem {
        @Override
        public SourceRef source() {
            return notification.source();
        }
    }

    /**
     * A message the control plane fetched from Graph (hydration or backfill), well-formed but not yet verified: its
     * signature is checked, then its content decrypted, by the next stage.
     *
     * @param message      the record as parsed
     * @param notification the record seen as a rich {@code created} notification of {@link FetchedMessage#resource()},
     *                     so detection and dead letters treat it like one; its node is the whole record, content
     *                     still encrypted
     */
    record Fetched(FetchedMessage message, ChangeNotification notification) implements DecodedItem {
        @Override
        public SourceRef source() {
            return notification.source();
        }
    }

    /**
     * An Azure event that is not a Graph notification: an Event Grid schema event, or a CloudEvent whose type is an
     * Azure Communication Services one ({@code Microsoft.Communication.*}). Triage decides by {@link #type} what it
     * is; its envelope is checked, its data is not.
     *
     * @param schema     {@link #EVENT_GRID} or {@link ChangeNotification#CLOUDEVENTS}
     * @param resource   the Event Grid {@code topic} or the CloudEvent {@code source}; null when absent
     * @param timeMillis {@code eventTime} / {@code time}; 0 when absent
     * @param data       the event's {@code data}, never null
     * @param node       the event as received, only for dead letters; never printed
     */
    record AzureEvent(SourceRef source, String schema, String id, String type, String resource, long timeMillis,
            com.fasterxml.jackson.databind.JsonNode data, com.fasterxml.jackson.databind.JsonNode node)
            implements DecodedItem {

        public static final String EVENT_GRID = "eventgrid";

        @Override
        public String toString() {
            return "AzureEvent{" + source + " " + schema + ", id=" + id + ", type=" + type + "}";
        }
    }

    /**
     * A notification that is not well-formed; the other notifications of its record are unaffected.
     *
     * @param raw the item as JSON with {@code clientState} redacted, cut to the configured maximum
     */
    record Invalid(SourceRef source, DeadLetterReason reason, String detail, String raw, boolean rawTruncated)
            implements DecodedItem {

        public DeadLetter toDeadLetter(long failedAtMillis) {
            return new DeadLetter(source, reason, detail, raw, rawTruncated, failedAtMillis);
        }
    }
}
