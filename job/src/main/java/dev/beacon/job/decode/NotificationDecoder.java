package dev.beacon.job.decode;

import dev.beacon.contracts.crypto.EncryptedContent;
import static dev.beacon.job.audit.DeadLetterReason.INVALID_CLOUDEVENT;
import static dev.beacon.job.audit.DeadLetterReason.INVALID_EVENT_GRID_EVENT;
import static dev.beacon.job.audit.DeadLetterReason.INVALID_FETCHED_MESSAGE;
import static dev.beacon.job.audit.DeadLetterReason.INVALID_NOTIFICATION;
import static dev.beacon.job.audit.DeadLetterReason.MALFORMED_JSON;
import static dev.beacon.job.audit.DeadLetterReason.OVERSIZED;
import static dev.beacon.job.audit.DeadLetterReason.PROCESSING_ERROR;
import static dev.beacon.job.audit.DeadLetterReason.TOO_DEEPLY_NESTED;
import static dev.beacon.job.audit.DeadLetterReason.UNRECOGNIZED_ENVELOPE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.beacon.contracts.fetched.FetchedMessageCodec;
import dev.beacon.contracts.records.ContractFormatException;
import dev.beacon.job.audit.DeadLetter;
import dev.beacon.job.audit.DeadLetterReason;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.redact.ClientStateRedaction;
import dev.beacon.job.redact.SecretScrubber;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns one raw record into its change notifications. Understands the three ways Graph notifications reach the
 * hub: the bare Graph collection {@code {"value":[...]}} (Graph to Event Hubs), structured-mode CloudEvents (one
 * event, or a JSON array of events) and binary-mode CloudEvents ({@code ce_*} Kafka headers, data as the value);
 * and the control plane's fetched messages ({@code "schema":"dev.beacon.fetched-message.v1"}, see
 * {@link FetchedRecords}), one per record. Azure events that are not Graph notifications (Event Grid schema events,
 * alone or in an array, and CloudEvents of type {@code Microsoft.Communication.*}, such as ACS {@code IncomingCall})
 * become {@link DecodedItem.AzureEvent}s, told apart from Graph's CloudEvents by their type.
 *
 * <p>It checks shape only; authenticity ({@code clientState}, encrypted content) is the next stage's job. Bad input
 * never throws: a broken record becomes a {@link DecodeResult#failure record-level failure}, a broken notification
 * an {@link DecodedItem.Invalid} next to its record's valid ones. Failure details never quote the input.
 *
 * <p>Holds one {@link ObjectMapper}; build one decoder per operator instance in {@code open()}. Not serializable.
 */
public final class NotificationDecoder {

    private static final String VALUE = "value";

    private final DecodeLimits limits;
    private final SecretScrubber secrets;
    private final ObjectMapper mapper;

    public NotificationDecoder(DecodeLimits limits) {
        this(limits, SecretScrubber.none());
    }

    /** {@code secrets}: scrubbed from every dead letter's raw text and detail, and from {@link #withoutSecrets}. */
    public NotificationDecoder(DecodeLimits limits, SecretScrubber secrets) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        // The parser enforces the limits while reading, so a 10,000-level document fails at level 65 instead of
        // building (or recursing into) a huge tree.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxDocumentLength(limits.maxRecordBytes())
                        .build())
                // Two clientState or changeType members would let different readers see different notifications.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** Decodes one record. Never throws. */
    public DecodeResult decode(RawRecord record) {
        if (record == null) {
            return DecodeResult.failure(null, PROCESSING_ERROR, "no record", "", false);
        }
        try {
            return DecodeResult.ok(record.ref(), decodeRecord(record));
        } catch (Rejected r) {
            return failure(record, r.reason, r.detail);
        } catch (RuntimeException e) {
            return failure(record, PROCESSING_ERROR, "unexpected " + e.getClass().getSimpleName() + " while decoding");
        }
    }

    /**
     * Parses JSON that must be an object (the decrypted chatMessage of a rich notification) under the same limits as
     * records. The exception's message describes the problem without quoting the input.
     */
    public JsonNode parseJsonObject(byte[] json) throws JsonRejectedException {
        if (json == null || json.length == 0) {
            throw new JsonRejectedException("empty JSON");
        }
        if (json.length > limits.maxRecordBytes()) {
            throw new JsonRejectedException(
                    "JSON of " + json.length + " bytes exceeds the limit of " + limits.maxRecordBytes());
        }
        try {
            JsonNode node = parse(json);
            if (!node.isObject()) {
                throw new JsonRejectedException("JSON is " + kind(node) + ", not an object");
            }
            return node;
        } catch (Rejected r) {
            throw new JsonRejectedException(r.detail);
        }
    }

    /** The node as compact JSON. Never throws. */
    public String toJson(JsonNode node) {
        if (node == null) {
            return "null";
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }

    /**
     * A dead letter for a notification that decoded but failed a later check (client state, signature, content);
     * {@code raw} is the item as received with {@code clientState} redacted, cut to the configured maximum.
     */
    public DeadLetter deadLetter(
            ChangeNotification notification, DeadLetterReason reason, String detail, long failedAtMillis) {
        DeadLetterRaw raw = rawOf(notification.node());
        return new DeadLetter(notification.source(), reason, secrets.redact(detail), raw.text(), raw.truncated(),
                failedAtMillis);
    }

    /**
     * A dead letter for an Azure event that decoded but could not be used; {@code raw} is the event as received with
     * {@code incomingCallContext} redacted, cut to the configured maximum.
     */
    public DeadLetter deadLetter(DecodedItem.AzureEvent event, DeadLetterReason reason, String detail,
            long failedAtMillis) {
        DeadLetterRaw raw = rawOf(event.node());
        return new DeadLetter(event.source(), reason, secrets.redact(detail), raw.text(), raw.truncated(),
                failedAtMillis);
    }

    /** The node as JSON for another system: every {@code clientState} member removed, secrets scrubbed. */
    public String withoutSecrets(JsonNode node) {
        return secrets.redact(toJson(ClientStateRedaction.removed(node)));
    }

    // ---- envelopes -------------------------------------------------------------------------------------------

    private ArrayList<DecodedItem> decodeRecord(RawRecord record) throws Rejected {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            throw new Rejected(MALFORMED_JSON, "empty record");
        }
        if (value.length > limits.maxRecordBytes()) {
            throw new Rejected(OVERSIZED,
                    "record of " + value.length + " bytes exceeds the limit of " + limits.maxRecordBytes());
        }
        Items items = new Items(record.ref());
        if (record.header("ce_specversion") != null) {
            decodeBinaryCloudEvent(record, items);
            return items.list;
        }
        JsonNode root = parse(value);
        if (FetchedMessageCodec.claims(root)) {
            // Judged as what it claims to be, never as Graph JSON: a forged schema must not find a way around.
            items.add(fetched(root, items.nextRef()));
        } else if (root.isObject() && root.path(VALUE).isArray()) {
            addCollection(items, root.get(VALUE), ChangeNotification.GRAPH, null);
        } else if (root.isObject() && root.has("specversion")) {
            addStructuredCloudEvent(items, root);
        } else if (EventGridEvents.isEventGridEvent(root)) {
            addEventGridEvent(items, root);
        } else if (root.isArray()) {
            addCloudEventBatch(items, root);
        } else {
            throw new Rejected(UNRECOGNIZED_ENVELOPE,
                    kind(root) + " is neither a Graph notification collection nor a CloudEvent");
        }
        return items.list;
    }

    private DecodedItem fetched(JsonNode root, SourceRef ref) {
        try {
            return FetchedRecords.read(root, ref);
        } catch (ContractFormatException e) {
            return invalid(ref, INVALID_FETCHED_MESSAGE, e.getMessage(), root);
        }
    }

    /** @param event the CloudEvent that carried the collection; null for the graph channel */
    private void addCollection(Items items, JsonNode value, String channel, EventAttributes event) throws Rejected {
        if (value.isEmpty()) {
            throw new Rejected(INVALID_NOTIFICATION, "notification collection is empty");
        }
        if (value.size() > limits.maxItemsPerRecord()) {
            throw tooManyItems(value.size());
        }
        for (JsonNode item : value) {
            items.add(decodeItem(item, items.nextRef(), channel, event));
        }
    }

    /** Binary mode: attributes in {@code ce_*} headers, data (an item or a collection) as the record value. */
    private void decodeBinaryCloudEvent(RawRecord record, Items items) throws Rejected {
        EventAttributes event = checkAttributes(record.header("ce_specversion"), record.header("ce_id"),
                record.header("ce_source"), record.header("ce_type"), record.header("ce_time"),
                record.header("content-type"));
        JsonNode data = parse(record.value());
        if (EventGridEvents.isAzureCommunicationType(event.type())) {
            items.add(new DecodedItem.AzureEvent(items.nextRef(), ChangeNotification.CLOUDEVENTS, event.id(),
                    event.type(), event.source(), event.timeMillis(), data, data));
            return;
        }
        addCloudEventData(items, data, event);
    }

    /** A single structured-mode event: any problem with it is a problem of the whole record. */
    private void addStructuredCloudEvent(Items items, JsonNode event) throws Rejected {
        if (!event.isObject()) {
            throw new Rejected(INVALID_CLOUDEVENT, "event is " + kind(event) + ", not an object");
        }
        EventAttributes attributes = checkAttributes(attribute(event, "specversion"), attribute(event, "id"),
                attribute(event, "source"), attribute(event, "type"), attribute(event, "time"),
                attribute(event, "datacontenttype"));
        attribute(event, "subject"); // optional, but a string when present
        if (EventGridEvents.isAzureCommunicationType(attributes.type())) {
            items.add(new DecodedItem.AzureEvent(items.nextRef(), ChangeNotification.CLOUDEVENTS, attributes.id(),
                    attributes.type(), attributes.source(), attributes.timeMillis(), eventData(event), event));
            return;
        }
        addCloudEventData(items, eventData(event), attributes);
    }

    /** A batch: a broken event becomes one invalid item and the other events still decode. */
    private void addCloudEventBatch(Items items, JsonNode events) throws Rejected {
        if (events.isEmpty()) {
            throw new Rejected(INVALID_CLOUDEVENT, "CloudEvents batch is empty");
        }
        if (events.size() > limits.maxItemsPerRecord()) {
            throw tooManyItems(events.size());
        }
        for (JsonNode event : events) {
            try {
                if (EventGridEvents.isEventGridEvent(event)) {
                    addEventGridEvent(items, event);
                } else {
                    addStructuredCloudEvent(items, event);
                }
            } catch (Rejected r) {
                if (r.reason == OVERSIZED) {
                    throw r; // the item limit is about the record as a whole
                }
                items.add(invalid(items.nextRef(), r.reason, r.detail, event));
            }
        }
    }

    /** The event's data: {@code data}, or JSON decoded from {@code data_base64}. */
    private JsonNode eventData(JsonNode event) throws Rejected {
        JsonNode data = event.get("data");
        JsonNode base64 = event.get("data_base64");
        boolean hasData = data != null && !data.isNull();
        boolean hasBase64 = base64 != null && !base64.isNull();
        if (hasData && hasBase64) {
            throw new Rejected(INVALID_CLOUDEVENT, "event has both data and data_base64");
        }
        if (hasBase64) {
            if (!base64.isTextual()) {
                throw new Rejected(INVALID_CLOUDEVENT, "data_base64 is not a string");
            }
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(base64.textValue());
            } catch (IllegalArgumentException e) {
                throw new Rejected(INVALID_CLOUDEVENT, "data_base64 is not valid base64");
            }
            if (decoded.length == 0) {
                throw new Rejected(INVALID_CLOUDEVENT, "data_base64 is empty");
            }
            return parse(decoded);
        }
        if (!hasData) {
            throw new Rejected(INVALID_CLOUDEVENT, "event has no data");
        }
        return data;
    }

    /**
     * An Event Grid schema event ({@link EventGridEvents}). A {@code Microsoft.Graph.*} one carries a change
     * notification as its data and takes the Graph path; any other becomes an {@link DecodedItem.AzureEvent} for
     * triage to judge by its type.
     */
    private void addEventGridEvent(Items items, JsonNode event) throws Rejected {
        EventGridEvents.Envelope e;
        try {
            e = EventGridEvents.read(event);
        } catch (EventGridEvents.Invalid invalid) {
            throw new Rejected(INVALID_EVENT_GRID_EVENT, invalid.getMessage());
        }
        if (EventGridEvents.isGraphType(e.type())) {
            addCloudEventData(items, e.data(), new EventAttributes(e.id(), e.type(), e.topic(), e.timeMillis()));
            return;
        }
        items.add(new DecodedItem.AzureEvent(items.nextRef(), DecodedItem.AzureEvent.EVENT_GRID, e.id(), e.type(),
                e.topic(), e.timeMillis(), e.data(), event));
    }

    private void addCloudEventData(Items items, JsonNode data, EventAttributes event) throws Rejected {
        if (data.isObject() && data.path(VALUE).isArray()) {
            addCollection(items, data.get(VALUE), ChangeNotification.CLOUDEVENTS, event);
        } else if (data.isObject()) {
            items.add(decodeItem(data, items.nextRef(), ChangeNotification.CLOUDEVENTS, event));
        } else {
            throw new Rejected(INVALID_CLOUDEVENT, "event data is " + kind(data) + ", not a change notification");
        }
    }

    /**
     * What Beacon uses of a CloudEvent besides its data.
     *
     * @param timeMillis the {@code time} attribute; 0 when absent
     */
    private record EventAttributes(String id, String type, String source, long timeMillis) {}

    /** The CloudEvents 1.0 required attributes, and the optional ones Beacon relies on when present. */
    private static EventAttributes checkAttributes(
            String specVersion, String id, String source, String type, String time, String contentType)
            throws Rejected {
        if (!"1.0".equals(specVersion)) {
            throw new Rejected(INVALID_CLOUDEVENT, "specversion is " + clip(specVersion) + ", not \"1.0\"");
        }
        requireAttribute("id", id);
        requireAttribute("source", source);
        requireAttribute("type", type);
        long timeMillis = 0L;
        if (time != null) {
            try {
                timeMillis = Math.max(0L, OffsetDateTime.parse(time).toInstant().toEpochMilli());
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new Rejected(INVALID_CLOUDEVENT, "time is not an RFC 3339 timestamp");
            }
        }
        if (contentType != null && !isJson(contentType)) {
            throw new Rejected(INVALID_CLOUDEVENT, "content type " + clip(contentType) + " is not JSON");
        }
        return new EventAttributes(id, type, source, timeMillis);
    }

    private static void requireAttribute(String name, String value) throws Rejected {
        if (value == null || value.isBlank()) {
            throw new Rejected(INVALID_CLOUDEVENT, "missing or empty " + name);
        }
        String bad = ControlCharacters.describeFirst(value);
        if (bad != null) {
            // Ids and types end up in keys, logs and the database, where a control character does harm.
            throw new Rejected(INVALID_CLOUDEVENT, name + " contains " + bad);
        }
    }

    private static String attribute(JsonNode event, String name) throws Rejected {
        JsonNode node = event.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Rejected(INVALID_CLOUDEVENT, name + " is " + kind(node) + ", not a string");
        }
        return node.textValue();
    }

    private static boolean isJson(String contentType) {
        int params = contentType.indexOf(';');
        String mediaType =
                (params < 0 ? contentType : contentType.substring(0, params)).trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    /** {@code Microsoft.Graph.ChatMessageCreated} means {@code created}, and so on; null when the type says none. */
    private static String changeTypeOf(String cloudEventType) {
        if (cloudEventType == null) {
            return null;
        }
        String type = cloudEventType.toLowerCase(Locale.ROOT);
        for (String change : new String[] {"created", "updated", "deleted"}) {
            if (type.endsWith(change)) {
                return change;
            }
        }
        return null;
    }

    // ---- one notification --------------------------------------------------------------------------------------

    private DecodedItem decodeItem(JsonNode item, SourceRef ref, String channel, EventAttributes event) {
        if (!item.isObject()) {
            return invalid(ref, INVALID_NOTIFICATION, "notification is " + kind(item) + ", not an object", item);
        }
        try {
            return new DecodedItem.Ok(notification(item, ref, channel, event));
        } catch (Rejected r) {
            return invalid(ref, r.reason, r.detail, item);
        }
    }

    private ChangeNotification notification(JsonNode item, SourceRef ref, String channel, EventAttributes event)
            throws Rejected {
        // Every field below that is not a secret or a timestamp ends up in a key, an audit row or a topic, where a
        // control character would do harm (PostgreSQL rejects NUL): such a notification is invalid, not cleaned up.
        String subscriptionId = identifier(item, "subscriptionId", "");
        String changeType = identifier(item, "changeType", "");
        String clientState = text(item, "clientState");
        String lifecycleEvent = identifier(item, "lifecycleEvent", "");
        String resource = identifier(item, "resource", "");
        String expiration = text(item, "subscriptionExpirationDateTime");
        JsonNode resourceData = object(item, "resourceData");
        EncryptedContent encrypted = encryptedContent(item);
        String odataType = resourceData == null ? null : identifier(resourceData, "@odata.type", "resourceData.");
        String odataId = resourceData == null ? null : identifier(resourceData, "@odata.id", "resourceData.");
        String resourceDataId = resourceData == null ? null : identifier(resourceData, "id", "resourceData.");
        String tenantId = firstPresent(identifier(item, "tenantId", ""), identifier(item, "organizationId", ""),
                resourceData == null ? null : identifier(resourceData, "organizationId", "resourceData."),
                TenantIds.inPath(resource), event == null ? null : TenantIds.inPath(event.source()));

        if (!ChangeNotification.isValidation(subscriptionId, changeType)) {
            require("subscriptionId", subscriptionId);
            if (lifecycleEvent != null) {
                require("lifecycleEvent", lifecycleEvent);
                lifecycleEvent = oneOf("lifecycleEvent", lifecycleEvent, ChangeNotification.LIFECYCLE_EVENTS);
            } else {
                require("resource", resource);
                String given = changeType != null ? changeType : changeTypeOf(event == null ? null : event.type());
                require("changeType", given);
                changeType = oneOf("changeType", given, ChangeNotification.CHANGE_TYPES);
            }
        }

        ResourceIds ids = ResourceIds.parse(resource).orElse(ResourceIds.parse(odataId));
        String messageId = ids.messageId();
        if (messageId == null && isChatMessageOrUnknown(odataType)) {
            messageId = resourceDataId;
        }
        return new ChangeNotification(ref, channel, subscriptionId, changeType, clientState, tenantId, resource,
                ids.chatId(), messageId, odataType, lifecycleEvent, expiration, encrypted,
                event == null ? null : event.id(), event == null ? null : event.type(),
                event == null ? 0L : event.timeMillis(), item);
    }

    /**
     * The canonical spelling of an enumerated value. Matching ignores ASCII case only (Graph documents one spelling,
     * and case carries no meaning in these values); anything else must match exactly: surrounding whitespace, a
     * control character, a non-ASCII look-alike (such as a dotted capital I) or an unknown value is rejected, so
     * "created" followed by a NUL is not {@code created}.
     */
    private static String oneOf(String field, String value, List<String> allowed) throws Rejected {
        String bad = ControlCharacters.describeFirstOutsidePrintableAscii(value);
        if (bad != null) {
            throw new Rejected(INVALID_NOTIFICATION, field + " contains " + bad);
        }
        for (String canonical : allowed) {
            if (canonical.equalsIgnoreCase(value)) { // safe: value is printable ASCII here
                return canonical;
            }
        }
        throw new Rejected(INVALID_NOTIFICATION, field + " " + clip(value) + " is not " + orList(allowed));
    }

    /** "a, b or c". */
    private static String orList(List<String> values) {
        int last = values.size() - 1;
        return last == 0 ? values.get(0) : String.join(", ", values.subList(0, last)) + " or " + values.get(last);
    }

    /** resourceData.id is the message id only when resourceData describes a message (chats have ids too). */
    private static boolean isChatMessageOrUnknown(String odataType) {
        return odataType == null || odataType.toLowerCase(Locale.ROOT).endsWith("chatmessage");
    }

    private static EncryptedContent encryptedContent(JsonNode item) throws Rejected {
        JsonNode node = item.get("encryptedContent");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new Rejected(INVALID_NOTIFICATION, "encryptedContent is " + kind(node) + ", not an object");
        }
        String data = text(node, "data", "encryptedContent.");
        String dataKey = text(node, "dataKey", "encryptedContent.");
        String certificateId = text(node, "encryptionCertificateId", "encryptedContent.");
        require("encryptedContent.data", data);
        require("encryptedContent.dataKey", dataKey);
        require("encryptedContent.encryptionCertificateId", certificateId);
        // A missing dataSignature is not a format error: the decryptor rejects it as an HMAC mismatch.
        return new EncryptedContent(data, text(node, "dataSignature", "encryptedContent."), dataKey, certificateId,
                text(node, "encryptionCertificateThumbprint", "encryptedContent."));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private JsonNode parse(byte[] json) throws Rejected {
        int malformed = StrictUtf8.firstMalformedOffset(json);
        if (malformed >= 0) {
            throw new Rejected(MALFORMED_JSON, "not well-formed UTF-8 at byte " + malformed);
        }
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new Rejected(MALFORMED_JSON, "no JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            if (isNestingViolation(e)) {
                throw new Rejected(TOO_DEEPLY_NESTED,
                        "JSON nested deeper than " + limits.maxNestingDepth() + " levels");
            }
            if (e instanceof StreamConstraintsException) {
                throw new Rejected(MALFORMED_JSON, "JSON exceeds a parser limit" + where(e));
            }
            // Jackson's own message quotes the offending input; the position is enough and leaks nothing.
            throw new Rejected(MALFORMED_JSON, "not valid JSON" + where(e));
        } catch (IOException e) {
            throw new Rejected(MALFORMED_JSON, "unreadable JSON");
        }
    }

    private static boolean isNestingViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException
                    && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("nesting depth")) {
                return true;
            }
        }
        return false;
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static String text(JsonNode node, String field) throws Rejected {
        return text(node, field, "");
    }

    /** A string field that must hold no control character; null when absent. */
    private static String identifier(JsonNode node, String field, String prefix) throws Rejected {
        String value = text(node, field, prefix);
        String bad = value == null ? null : ControlCharacters.describeFirst(value);
        if (bad != null) {
            throw new Rejected(INVALID_NOTIFICATION, prefix + field + " contains " + bad);
        }
        return value;
    }

    private static String text(JsonNode node, String field, String prefix) throws Rejected {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Rejected(INVALID_NOTIFICATION, prefix + field + " is " + kind(value) + ", not a string");
        }
        return value.textValue();
    }

    private static JsonNode object(JsonNode node, String field) throws Rejected {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new Rejected(INVALID_NOTIFICATION, field + " is " + kind(value) + ", not an object");
        }
        return value;
    }

    private static void require(String field, String value) throws Rejected {
        if (value == null || value.isBlank()) {
            throw new Rejected(INVALID_NOTIFICATION, "missing or empty " + field);
        }
    }

    private static String firstPresent(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** A JSON node's kind, for details: "an array", "a number", ... */
    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case BINARY -> "binary";
            case NULL, MISSING -> "null";
        };
    }

    /**
     * A value echoed in a detail: quoted, short, control characters escaped (details go to the database and logs).
     * Only non-secret fields (changeType, attributes) are echoed.
     */
    private static String clip(String value) {
        if (value == null) {
            return "missing";
        }
        String shown = value.length() <= 40 ? value : value.substring(0, 40) + "...";
        return "\"" + ControlCharacters.escape(shown) + "\"";
    }

    private Rejected tooManyItems(int count) {
        return new Rejected(OVERSIZED,
                count + " notifications exceed the limit of " + limits.maxItemsPerRecord() + " per record");
    }

    private DecodedItem.Invalid invalid(SourceRef ref, DeadLetterReason reason, String detail, JsonNode item) {
        DeadLetterRaw raw = rawOf(item);
        return new DecodedItem.Invalid(ref, reason, secrets.redact(detail), raw.text(), raw.truncated());
    }

    private DeadLetterRaw rawOf(JsonNode item) {
        return DeadLetterRaw.ofJson(AzureEventRedaction.masked(item), this::toJson, limits.maxDeadLetterRawChars(),
                secrets);
    }

    private DecodeResult failure(RawRecord record, DeadLetterReason reason, String detail) {
        DeadLetterRaw raw = DeadLetterRaw.ofRecordValue(record.value(), limits.maxDeadLetterRawChars(), secrets);
        return DecodeResult.failure(record.ref(), reason, secrets.redact(detail), raw.text(), raw.truncated());
    }

    /** The notifications of one record, numbered in order across collections and CloudEvents batches. */
    private final class Items {
        final SourceRef record;
        final ArrayList<DecodedItem> list = new ArrayList<>();
        int next;

        Items(SourceRef record) {
            this.record = record;
        }

        SourceRef nextRef() throws Rejected {
            if (next >= limits.maxItemsPerRecord()) {
                throw new Rejected(OVERSIZED,
                        "more than " + limits.maxItemsPerRecord() + " notifications in one record");
            }
            return record.forItem(next++);
        }

        void add(DecodedItem item) {
            list.add(item);
        }
    }

    /** Control flow for bad input inside the decoder; never escapes it. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final DeadLetterReason reason;
        final String detail;

        Rejected(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
            this.detail = detail;
        }
    }
}
