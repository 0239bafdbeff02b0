package dev.beacon.control.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.control.emulator.GraphEndpoints.EmulatedSubscription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Graph's emergency call event notifications as the emulator plays them
 * (https://learn.microsoft.com/en-us/graph/changenotifications-for-emergencycalls): for a subscription on
 * {@code communications/calls/getEmergencyEventsByPolicy(policyName='…')}, a rich {@code updated} notification whose
 * {@code encryptedContent} decrypts to Microsoft's documented {@code emergencyCallEvent} shape, encrypted with the
 * contract's {@code RichNotificationCrypto} for the subscription's certificate, with a validation token, delivered
 * like the chat deliveries: to the event hub of {@link GraphNotifications#deliverEventHubsTo}, or POSTed to the
 * webhook.
 */
public final class EmergencyCallEvents {

    /** Graph's eventDateTime: seven fraction digits and a {@code +00:00} offset, as in the documented example. */
    public static final DateTimeFormatter EVENT_DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSxxx").withZone(ZoneOffset.UTC);

    /** The caller's location; coordinates are strings, as Graph sends them. */
    public record Location(String street, String city, String state, String countryOrRegion, String postalCode,
                           Map<String, String> additionalData, String latitude, String longitude) {

        /** The documented example's address (Redmond), with {@code latitude} 47.6 and {@code longitude} -122.1. */
        public static Location redmond() {
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("companyName", "Contoso");
            extra.put("additionalInfo", "700");
            extra.put("houseNumber", "725");
            extra.put("county", "King");
            extra.put("streetSuffix", "NE");
            return new Location("Microsoft Way", "Redmond", "WA", "United States", "98052", extra, "47.6",
                    "-122.1");
        }
    }

    /** {@code callerInfo}. */
    public record Caller(String displayName, String upn, String phoneNumber, String tenantId, Location location) {}

    /**
     * One emergency call event.
     *
     * @param callEventType {@code callStarted}, {@code callEnded} or {@code rosterUpdated}
     */
    public record Event(String id, String callEventType, Instant eventDateTime, String emergencyNumberDialed,
                        Caller caller) {}

    private final MicrosoftEmulator emulator;
    private final Map<String, List<String>> sent = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    EmergencyCallEvents(MicrosoftEmulator emulator) {
        this.emulator = emulator;
    }

    /** The decrypted resource data Graph sends for {@code event} under {@code policyName} (the documented shape). */
    public String decryptedJson(String policyName, Event event) {
        ObjectNode root = emulator.json().createObjectNode();
        root.put("@odata.id", resourceOf(policyName));
        root.put("@odata.type", "#microsoft.graph.emergencyCallEvent");
        root.put("id", event.id());
        ObjectNode e = root.putObject("emergencyCallEvent");
        e.put("id", event.id());
        e.put("callEventType", event.callEventType());
        e.put("policyName", policyName);
        e.put("eventDateTime", EVENT_DATE_TIME.format(event.eventDateTime()));
        e.put("emergencyNumberDialed", event.emergencyNumberDialed());
        Caller c = event.caller();
        ObjectNode caller = e.putObject("callerInfo");
        caller.put("displayName", c.displayName());
        caller.put("upn", c.upn());
        caller.put("phoneNumber", c.phoneNumber());
        caller.put("tenantId", c.tenantId());
        if (c.location() != null) {
            Location l = c.location();
            ObjectNode location = caller.putObject("location");
            ObjectNode address = location.putObject("address");
            address.put("street", l.street());
            address.put("city", l.city());
            address.put("state", l.state());
            address.put("countryOrRegion", l.countryOrRegion());
            address.put("postalCode", l.postalCode());
            ObjectNode extra = address.putObject("additionalData");
            l.additionalData().forEach(extra::put);
            ObjectNode coordinates = location.putObject("coordinates");
            coordinates.put("latitude", l.latitude());
            coordinates.put("longitude", l.longitude());
        }
        return root.toString();
    }

    /** The notification collection {@link #deliver} sends (a fresh encryption and validation token each call). */
    public String collection(EmulatedSubscription s, Event event) {
        String policy = EmergencyEventSubscriptionRules.policyOf(s.resource()).orElseThrow(
                () -> new IllegalArgumentException("subscription " + s.id() + " is not for emergency call events"));
        ObjectNode root = emulator.json().createObjectNode();
        ObjectNode item = root.putArray("value").addObject();
        item.put("subscriptionId", s.id());
        item.put("clientState", s.clientState());
        item.put("changeType", "updated");
        item.put("tenantId", s.tenantId());
        item.put("resource", s.resource());
        item.put("subscriptionExpirationDateTime", s.expirationDateTime().toString());
        ObjectNode data = item.putObject("resourceData");
        data.put("@odata.id", s.resource());
        data.put("@odata.type", "#microsoft.graph.emergencyCallEvent");
        data.put("id", event.id());
        item.put("organizationId", s.tenantId());
        ObjectNode encrypted = item.putObject("encryptedContent");
        GraphEndpoints.encryptFor(s.encryptionCertificate(), s.encryptionCertificateId(),
                decryptedJson(policy, event)).forEach(encrypted::put);
        root.putArray("validationTokens").add(emulator.notifications().validationToken(s.tenantId(),
                s.applicationId()));
        return root.toString();
    }

    /**
     * Sends {@code event} to the subscription's notification URL, as Graph does, and returns the HTTP status the
     * webhook answered (200 for an event hub).
     */
    public int deliver(String subscriptionId, Event event) {
        EmulatedSubscription s = emulator.graph().subscription(subscriptionId)
                .orElseThrow(() -> new IllegalArgumentException("no subscription " + subscriptionId));
        String body = collection(s, event);
        sent.computeIfAbsent(subscriptionId, k -> new CopyOnWriteArrayList<>()).add(body);
        if (s.notificationUrl().startsWith("EventHub:")) {
            BiConsumer<EmulatedSubscription, String> hub = emulator.notifications().eventHub();
            if (hub == null) {
                throw new IllegalStateException("an Event Hubs subscription, but no event hub: call "
                        + "notifications().deliverEventHubsTo");
            }
            hub.accept(s, body);
            return 200;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.notificationUrl()))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("delivery to the notification URL failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The bodies sent for {@code subscriptionId}, oldest first. */
    public List<String> sent(String subscriptionId) {
        return List.copyOf(sent.getOrDefault(subscriptionId, List.of()));
    }

    /** The resource for {@code policyName}, quotes doubled as OData requires. */
    public static String resourceOf(String policyName) {
        return "communications/calls/getEmergencyEventsByPolicy(policyName='" + policyName.replace("'", "''") + "')";
    }
}
