package dev.beacon.job.reference;

import dev.beacon.contracts.records.DirectoryUserRecord;
import dev.beacon.contracts.records.SecurityLineRecord;
import dev.beacon.contracts.records.SiteRecord;
import java.util.ArrayList;

/**
 * One record of the control plane's reference data (the compacted topics of
 * {@link dev.beacon.contracts.records.ReferenceTopics}), as the job keeps it: exactly one of {@link #user},
 * {@link #site} and {@link #line} is set, or none for a tombstone (the key was deleted).
 *
 * <p>POJOs with concrete collection types rather than the contract's records, because these live in Flink state.
 */
public class ReferenceUpdate {

    public enum Kind { DIRECTORY_USER, SITE, SECURITY_LINE }

    public Kind kind;
    /** The record key on its topic ({@code tenant|userId}, {@code siteId}, {@code lineId}). */
    public String key;
    public DirectoryUser user;
    public Site site;
    public SecurityLine line;

    public ReferenceUpdate() {}

    public boolean isTombstone() {
        return user == null && site == null && line == null;
    }

    public static ReferenceUpdate tombstone(Kind kind, String key) {
        ReferenceUpdate u = new ReferenceUpdate();
        u.kind = kind;
        u.key = key;
        return u;
    }

    public static ReferenceUpdate of(DirectoryUserRecord r) {
        ReferenceUpdate u = tombstone(Kind.DIRECTORY_USER, r.key());
        DirectoryUser d = new DirectoryUser();
        d.tenantId = r.tenantId();
        d.userId = r.userId();
        d.displayName = r.displayName();
        d.userPrincipalName = r.userPrincipalName();
        d.department = r.department();
        d.jobTitle = r.jobTitle();
        d.officeLocation = r.officeLocation();
        d.businessPhones = new ArrayList<>(r.businessPhones());
        d.mobilePhone = r.mobilePhone();
        u.user = d;
        return u;
    }

    public static ReferenceUpdate of(SiteRecord r) {
        ReferenceUpdate u = tombstone(Kind.SITE, r.siteId());
        Site s = new Site();
        s.siteId = r.siteId();
        s.tenantId = r.tenantId();
        s.name = r.name();
        s.matchTerms = new ArrayList<>(r.matchTerms());
        s.address = r.address();
        s.building = r.building();
        s.floor = r.floor();
        s.latitude = r.latitude();
        s.longitude = r.longitude();
        s.responders = new ArrayList<>(r.responders());
        u.site = s;
        return u;
    }

    public static ReferenceUpdate of(SecurityLineRecord r) {
        ReferenceUpdate u = tombstone(Kind.SECURITY_LINE, r.lineId());
        SecurityLine l = new SecurityLine();
        l.lineId = r.lineId();
        l.integrationId = r.integrationId();
        l.tenantId = r.tenantId();
        l.displayName = r.displayName();
        l.userPrincipalName = r.userPrincipalName();
        l.phoneNumber = r.phoneNumber();
        l.acsResourceId = r.acsResourceId();
        u.line = l;
        return u;
    }

    /** See {@link DirectoryUserRecord}. */
    public static class DirectoryUser {
        public String tenantId;
        public String userId;
        public String displayName;
        public String userPrincipalName;
        public String department;
        public String jobTitle;
        public String officeLocation;
        public ArrayList<String> businessPhones = new ArrayList<>();
        public String mobilePhone;

        public DirectoryUser() {}
    }

    /** See {@link SiteRecord}. */
    public static class Site {
        public String siteId;
        public String tenantId;
        public String name;
        public ArrayList<String> matchTerms = new ArrayList<>();
        public String address;
        public String building;
        public String floor;
        public Double latitude;
        public Double longitude;
        public ArrayList<String> responders = new ArrayList<>();

        public Site() {}
    }

    /** See {@link SecurityLineRecord}. */
    public static class SecurityLine {
        public String lineId;
        public String integrationId;
        public String tenantId;
        public String displayName;
        public String userPrincipalName;
        public String phoneNumber;
        public String acsResourceId;

        public SecurityLine() {}
    }
}
