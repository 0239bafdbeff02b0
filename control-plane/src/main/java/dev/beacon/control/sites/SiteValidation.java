package dev.beacon.control.sites;

import dev.beacon.contracts.records.SiteRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks what ops send for a site and turns it into the {@link SiteRecord} that is stored and published. Every
 * rejection is an {@link IllegalArgumentException} (HTTP 400) whose message says which field and what is allowed.
 */
public final class SiteValidation {

    public static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,99}");
    static final int MAX_NAME = 200;
    static final int MAX_TERM = 200;
    static final int MAX_TERMS = 50;
    static final int MAX_ADDRESS = 500;
    static final int MAX_BUILDING = 200;
    static final int MAX_FLOOR = 50;
    static final int MAX_RESPONDER = 200;
    static final int MAX_RESPONDERS = 50;

    private SiteValidation() {}

    /** The record for {@code siteId}; the name is always the first match term (duplicates dropped, any case). */
    public static SiteRecord record(String siteId, NewSite s) {
        if (siteId == null || !SITE_ID.matcher(siteId).matches()) {
            throw new IllegalArgumentException("site id must be 1-64 lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        if (s == null) {
            throw new IllegalArgumentException("the request body is empty");
        }
        String name = text(s.name(), "name", MAX_NAME);
        if (name == null) {
            throw new IllegalArgumentException("name is required");
        }
        String tenant = text(s.tenantId(), "tenant", 100);
        if (tenant != null && !TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant must be an Entra tenant id or domain (letters, digits, '.' "
                    + "and '-', at most 100 characters)");
        }
        Map<String, String> terms = new LinkedHashMap<>();
        terms.put(name.toLowerCase(Locale.ROOT), name);
        for (String t : list(s.matchTerms(), "match term", MAX_TERM, MAX_TERMS)) {
            terms.putIfAbsent(t.toLowerCase(Locale.ROOT), t);
        }
        if (terms.size() > MAX_TERMS) {
            throw new IllegalArgumentException("a site has at most " + MAX_TERMS + " match terms");
        }
        Double lat = s.latitude();
        Double lon = s.longitude();
        if ((lat == null) != (lon == null)) {
            throw new IllegalArgumentException("latitude and longitude go together: give both or neither");
        }
        if (lat != null && (!Double.isFinite(lat) || lat < -90 || lat > 90)) {
            throw new IllegalArgumentException("latitude must be between -90 and 90 degrees, got " + lat);
        }
        if (lon != null && (!Double.isFinite(lon) || lon < -180 || lon > 180)) {
            throw new IllegalArgumentException("longitude must be between -180 and 180 degrees, got " + lon);
        }
        return new SiteRecord(siteId, tenant == null ? null : tenant.toLowerCase(Locale.ROOT), name,
                List.copyOf(terms.values()), text(s.address(), "address", MAX_ADDRESS),
                text(s.building(), "building", MAX_BUILDING), text(s.floor(), "floor", MAX_FLOOR), lat, lon,
                list(s.responders(), "responder", MAX_RESPONDER, MAX_RESPONDERS));
    }

    /** Stripped text, null when absent or blank; too long or holding control characters is rejected. */
    public static String text(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " must not contain control characters (line breaks, tabs)");
        }
        return v;
    }

    private static List<String> list(List<String> values, String field, int maxLength, int maxCount) {
        List<String> out = new ArrayList<>();
        for (String v : values == null ? List.<String>of() : values) {
            String t = text(v, field, maxLength);
            if (t == null) {
                throw new IllegalArgumentException("a " + field + " must not be empty");
            }
            out.add(t);
        }
        if (out.size() > maxCount) {
            throw new IllegalArgumentException("at most " + maxCount + " " + field + "s");
        }
        return out;
    }
}
