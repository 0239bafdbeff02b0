package dev.beacon.job.testing;

import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.emergencyevents.EmergencyCallEvent;
import dev.beacon.job.ingest.SourceRef;
import dev.beacon.job.reference.ReferenceUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds Graph {@link EmergencyCallEvent}s, directory users and sites for tests: the caller of {@link Signals}
 * (same tenant and object id), with sensible defaults that each test overrides where it matters.
 */
public final class CallEventSamples {

    public static final String SUBSCRIPTION = "events-sub-1";
    public static final String UPN = "Alex.Caller@Contoso.example";
    public static final String PHONE = "+15550100";
    public static final String POLICY = "Emergency-US";
    public static final String EVENT_NAME = "Alex Caller (Graph)";

    private CallEventSamples() {}

    public static Builder started(String eventId, long atMillis) {
        return new Builder().id(eventId).type(EmergencyCallEvent.CALL_STARTED).at(atMillis);
    }

    public static Builder ended(String eventId, long atMillis) {
        return new Builder().id(eventId).type(EmergencyCallEvent.CALL_ENDED).at(atMillis);
    }

    public static Builder roster(String eventId, long atMillis) {
        return new Builder().id(eventId).type(EmergencyCallEvent.ROSTER_UPDATED).at(atMillis);
    }

    /** Teams' emergency location of the default event. */
    public static StructuredLocation eventLocation() {
        StructuredLocation l = new StructuredLocation();
        l.source = StructuredLocation.FROM_EMERGENCY_CALL_EVENT;
        l.houseNumber = "1";
        l.street = "Main St";
        l.city = "Redmond";
        l.countryOrRegion = "US";
        l.latitude = 47.64;
        l.longitude = -122.13;
        return l;
    }

    public static ReferenceUpdate directoryUser(String tenant, String userId, String upn) {
        ReferenceUpdate u = new ReferenceUpdate();
        u.kind = ReferenceUpdate.Kind.DIRECTORY_USER;
        u.key = (tenant + "|" + userId).toLowerCase(java.util.Locale.ROOT);
        ReferenceUpdate.DirectoryUser d = new ReferenceUpdate.DirectoryUser();
        d.tenantId = tenant;
        d.userId = userId;
        d.displayName = "Alex Caller";
        d.userPrincipalName = upn;
        d.department = "Facilities";
        d.jobTitle = "Engineer";
        d.officeLocation = "B4/2";
        d.businessPhones = new ArrayList<>(List.of("+15550199"));
        d.mobilePhone = "+15550111";
        u.user = d;
        return u;
    }

    public static ReferenceUpdate site(String siteId, String tenant, String... terms) {
        ReferenceUpdate u = new ReferenceUpdate();
        u.kind = ReferenceUpdate.Kind.SITE;
        u.key = siteId;
        ReferenceUpdate.Site s = new ReferenceUpdate.Site();
        s.siteId = siteId;
        s.tenantId = tenant;
        s.name = "Site " + siteId;
        s.matchTerms = new ArrayList<>(List.of(terms));
        s.address = "1 Main St";
        s.building = "4";
        s.responders = new ArrayList<>(List.of("desk-" + siteId));
        u.site = s;
        return u;
    }

    public static final class Builder {
        private SourceRef source = new SourceRef(Signals.TOPIC, 0, 100, 0, 0);
        private String subscriptionId = SUBSCRIPTION;
        private String tenantId = Signals.TENANT;
        private String eventId;
        private String eventType;
        private long eventAt;
        private String policyName = POLICY;
        private String dialedNumber = "911";
        private String callerDisplayName = EVENT_NAME;
        private String callerUpn = UPN;
        private String callerPhoneNumber = PHONE;
        private String callerUserId = Signals.CALLER;
        private StructuredLocation location = eventLocation();
        private String contentHash = "event-hash-1";

        public Builder id(String id) {
            this.eventId = id;
            return this;
        }

        public Builder type(String type) {
            this.eventType = type;
            return this;
        }

        public Builder at(long millis) {
            this.eventAt = millis;
            return this;
        }

        public Builder offset(long offset) {
            this.source = new SourceRef(Signals.TOPIC, 0, offset, 0, 0);
            return this;
        }

        public Builder dialed(String number) {
            this.dialedNumber = number;
            return this;
        }

        public Builder phone(String number) {
            this.callerPhoneNumber = number;
            return this;
        }

        public Builder upn(String upn) {
            this.callerUpn = upn;
            return this;
        }

        public Builder callerUserId(String userId) {
            this.callerUserId = userId;
            return this;
        }

        public Builder location(StructuredLocation location) {
            this.location = location;
            return this;
        }

        public Builder policy(String policy) {
            this.policyName = policy;
            return this;
        }

        public Builder contentHash(String hash) {
            this.contentHash = hash;
            return this;
        }

        public EmergencyCallEvent build() {
            return new EmergencyCallEvent(source, subscriptionId, tenantId, eventId, eventType, eventAt, policyName,
                    dialedNumber, callerDisplayName, callerUpn, callerPhoneNumber, callerUserId, location,
                    contentHash);
        }
    }
}
