package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Azure Communication Services {@code Microsoft.Communication.IncomingCall} events as Event Grid delivers them
 * (https://learn.microsoft.com/en-us/azure/event-grid/communication-services-voice-video-events): in the Event Grid
 * schema (an array of events) or as CloudEvents 1.0 (one, or a batch), POSTed to a webhook the way Event Grid does
 * (with its handshakes), or written to an event hub (a Kafka topic), one message per event.
 *
 * <p>Event Hubs destinations: Event Grid writes each event as its own message; this writes the event's JSON object
 * (the decoder should also accept a one-element array, which some Event Grid setups produce).
 */
public final class AcsIncomingCalls {

    /** Event Grid's eventTime: seven fraction digits, {@code Z}. */
    public static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    public static final String EVENT_TYPE = "Microsoft.Communication.IncomingCall";
    public static final String ACS_RESOURCE = "/subscriptions/00000000-0000-0000-0000-00000000c0de/resourcegroups/"
            + "beacon/providers/microsoft.communication/communicationservices/beacon-acs";

    /** A communication identifier: {@code phoneNumber} ({@code 4:+1…}) or {@code communicationUser}. */
    public record Party(String kind, String rawId) {
        public static Party phone(String e164) {
            return new Party("phoneNumber", "4:" + e164);
        }

        public static Party communicationUser(String id) {
            return new Party("communicationUser", id);
        }

        /** A Teams user or resource account, e.g. {@code 28:orgid:<guid>}. */
        public static Party teams(String rawId) {
            return new Party("microsoftTeamsUser", rawId);
        }
    }

    /** One incoming call. */
    public record IncomingCall(String eventId, Party from, Party to, String serverCallId, String callerDisplayName,
                               String correlationId, Instant eventTime) {

        /** A PSTN call from {@code fromE164} to the line {@code to} (ids random). */
        public static IncomingCall pstn(String fromE164, Party to, String displayName, Instant at) {
            return new IncomingCall(UUID.randomUUID().toString(), Party.phone(fromE164), to,
                    "aHR0cHM6Ly9hcGkuZmxpZ2h0cHJveHkuc2t5cGUuY29tL2FwaS92Mi9jcC9j" + UUID.randomUUID(),
                    displayName, UUID.randomUUID().toString(), at);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    private AcsIncomingCalls() {
    }

    // ---- JSON ----

    /** The Event Grid schema: an array of events. */
    public static String eventGridJson(List<IncomingCall> calls) {
        ArrayNode array = JSON.createArrayNode();
        calls.forEach(c -> array.add(eventGridEvent(c)));
        return array.toString();
    }

    /** One CloudEvent 1.0 (structured mode). */
    public static String cloudEventJson(IncomingCall call) {
        return cloudEvent(call).toString();
    }

    /** A CloudEvents batch (an array). */
    public static String cloudEventsBatchJson(List<IncomingCall> calls) {
        ArrayNode array = JSON.createArrayNode();
        calls.forEach(c -> array.add(cloudEvent(c)));
        return array.toString();
    }

    /** Event Grid's {@code SubscriptionValidationEvent} (an array with that one event). */
    public static String validationEventJson(String validationCode) {
        ArrayNode array = JSON.createArrayNode();
        ObjectNode e = array.addObject();
        e.put("id", UUID.randomUUID().toString());
        e.put("topic", ACS_RESOURCE);
        e.put("subject", "");
        ObjectNode data = e.putObject("data");
        data.put("validationCode", validationCode);
        data.put("validationUrl", "https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/beacon/validate?"
                + "id=" + validationCode + "&t=2026-01-01T00:00:00.0000000Z&apiVersion=2018-05-01-preview&token=x");
        e.put("eventType", "Microsoft.EventGrid.SubscriptionValidationEvent");
        e.put("eventTime", EVENT_TIME.format(Instant.now()));
        e.put("metadataVersion", "1");
        e.put("dataVersion", "1");
        return array.toString();
    }

    static ObjectNode eventGridEvent(IncomingCall c) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", c.eventId());
        e.put("topic", ACS_RESOURCE);
        e.put("subject", subject(c));
        e.set("data", data(c));
        e.put("eventType", EVENT_TYPE);
        e.put("dataVersion", "1.0");
        e.put("metadataVersion", "1");
        e.put("eventTime", EVENT_TIME.format(c.eventTime()));
        return e;
    }

    static ObjectNode cloudEvent(IncomingCall c) {
        ObjectNode e = JSON.createObjectNode();
        e.put("id", c.eventId());
        e.put("source", ACS_RESOURCE);
        e.put("subject", subject(c));
        e.put("type", EVENT_TYPE);
        e.put("time", EVENT_TIME.format(c.eventTime()));
        e.put("specversion", "1.0");
        e.put("datacontenttype", "application/json");
        e.set("data", data(c));
        return e;
    }

    private static String subject(IncomingCall c) {
        return "/caller/" + c.from().rawId() + "/recipient/" + c.to().rawId();
    }

    private static ObjectNode data(IncomingCall c) {
        ObjectNode d = JSON.createObjectNode();
        d.set("to", identifier(c.to()));
        d.set("from", identifier(c.from()));
        d.put("serverCallId", c.serverCallId());
        d.put("callerDisplayName", c.callerDisplayName());
        d.put("incomingCallContext", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJjYyI6IkgyOHJCQkJCIn0.");
        d.put("correlationId", c.correlationId());
        return d;
    }

    private static ObjectNode identifier(Party p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", p.kind());
        n.put("rawId", p.rawId());
        switch (p.kind()) {
            case "phoneNumber" -> n.putObject("phoneNumber").put("value", p.rawId().substring(2));
            case "communicationUser" -> n.putObject("communicationUser").put("id", p.rawId());
            default -> n.putObject("microsoftTeamsUser").put("userId", p.rawId().replaceFirst("^\\d+:orgid:", ""))
                    .put("isAnonymous", false).put("cloud", "public");
        }
        return n;
    }

    // ---- delivery ----

    /** Event Grid delivering {@code calls} in its schema to a webhook; returns the HTTP status. */
    public static int postEventGrid(URI webhook, List<IncomingCall> calls) {
        return post(webhook, eventGridJson(calls), "application/json", "Notification");
    }

    /** Event Grid delivering {@code calls} as a CloudEvents batch to a webhook; returns the HTTP status. */
    public static int postCloudEvents(URI webhook, List<IncomingCall> calls) {
        return post(webhook, cloudEventsBatchJson(calls), "application/cloudevents-batch+json; charset=utf-8", null);
    }

    /** Event Grid's validation handshake (Event Grid schema); returns status and body. */
    public static HttpResponse<String> validate(URI webhook, String validationCode) {
        return send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .header("aeg-event-type", "SubscriptionValidation")
                .POST(HttpRequest.BodyPublishers.ofString(validationEventJson(validationCode))));
    }

    /** Event Grid's CloudEvents abuse-protection handshake (OPTIONS). */
    public static HttpResponse<String> abuseProtection(URI webhook, String origin) {
        return send(HttpRequest.newBuilder(webhook).header("WebHook-Request-Origin", origin)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Event Grid delivering to an event hub: one message per event (the event's JSON object, Event Grid schema or
     * CloudEvent), written to {@code topic} with acks=all; returns the bodies written, in order.
     */
    public static List<String> writeToEventHub(String bootstrap, String topic, List<IncomingCall> calls,
                                               boolean cloudEvents) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        List<String> bodies = calls.stream()
                .map(c -> (cloudEvents ? cloudEvent(c) : eventGridEvent(c)).toString()).toList();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < calls.size(); i++) {
                producer.send(new ProducerRecord<>(topic, calls.get(i).correlationId().getBytes(StandardCharsets.UTF_8),
                        bodies.get(i).getBytes(StandardCharsets.UTF_8))).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("writing to the event hub (Kafka) failed", e);
        }
        return bodies;
    }

    private static int post(URI webhook, String body, String contentType, String aegEventType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(webhook).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (aegEventType != null) {
            b.header("aeg-event-type", aegEventType);
        }
        return send(b).statusCode();
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("delivery failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
