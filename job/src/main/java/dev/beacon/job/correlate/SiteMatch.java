package dev.beacon.job.correlate;

import dev.beacon.job.reference.ReferenceUpdate.Site;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * Which of ops' sites a chat's free-text location names: a site matches when one of its match terms occurs in the
 * text (case-insensitive). The longest matching term wins ("building 4 floor 2" over "building 4"), then a site of
 * the call's tenant over a global one (no tenant), then the smaller site id, so the choice never depends on the
 * order sites arrived in. Pure; the "factsout" engineer's {@code enrich/SiteMatcher} may replace it.
 */
public final class SiteMatch {

    private SiteMatch() {}

    /** The best site for the text, or null when none matches (or there is no text). */
    public static Site best(String tenantId, String locationText, Collection<Site> sites) {
        if (locationText == null || locationText.isBlank() || sites == null) {
            return null;
        }
        String text = locationText.toLowerCase(Locale.ROOT);
        Site best = null;
        int bestLength = 0;
        for (Site site : sites) {
            if (site == null || (site.tenantId != null && !site.tenantId.equalsIgnoreCase(tenantId))) {
                continue;
            }
            int length = longestTermIn(text, site);
            if (length > 0 && (best == null || better(site, length, best, bestLength))) {
                best = site;
                bestLength = length;
            }
        }
        return best;
    }

    /** The site as a fact's structured location ({@link StructuredLocation#FROM_SITE}). */
    public static StructuredLocation toLocation(Site site) {
        StructuredLocation l = new StructuredLocation();
        l.source = StructuredLocation.FROM_SITE;
        l.siteId = site.siteId;
        l.siteName = site.name;
        l.address = site.address;
        l.building = site.building;
        l.floor = site.floor;
        l.latitude = site.latitude;
        l.longitude = site.longitude;
        if (site.responders != null) {
            l.responders.addAll(site.responders);
        }
        return l;
    }

    private static boolean better(Site site, int length, Site best, int bestLength) {
        if (length != bestLength) {
            return length > bestLength;
        }
        boolean specific = site.tenantId != null;
        if (specific != (best.tenantId != null)) {
            return specific;
        }
        return Objects.compare(site.siteId, best.siteId,
                java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())) < 0;
    }

    private static int longestTermIn(String text, Site site) {
        int longest = 0;
        if (site.matchTerms == null) {
            return 0;
        }
        for (String term : site.matchTerms) {
            if (term == null || term.isBlank()) {
                continue;
            }
            String t = term.trim().toLowerCase(Locale.ROOT);
            if (t.length() > longest && text.contains(t)) {
                longest = t.length();
            }
        }
        return longest;
    }
}
