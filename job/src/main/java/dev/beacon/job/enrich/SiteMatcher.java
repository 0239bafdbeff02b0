package dev.beacon.job.enrich;

import dev.beacon.job.correlate.StructuredLocation;
import dev.beacon.job.reference.ReferenceUpdate.Site;
import java.util.ArrayList;
import java.util.Locale;

/**
 * Finds the site ops mapped a call's free-text location to, and gives it as a {@link StructuredLocation} with
 * source {@link StructuredLocation#FROM_SITE}. Pure and stateless: the caller keeps the sites (broadcast state).
 *
 * <p>The rules, in order of precedence:
 * <ol>
 *   <li>a site matches when one of its {@code matchTerms} occurs in the location text, case-insensitively, as
 *       whole words: a term edge that is a letter or digit must not touch another letter or digit in the text
 *       ({@code B4} matches "Building B4, floor 2" but not "AB42"); runs of whitespace count as one space;
 *   <li>sites of the fact's tenant win over global sites (tenant null); sites of other tenants never match;
 *   <li>then the longest matching term wins (the most specific description: "Building 4 North" over "Building 4");
 *   <li>then the smallest {@code siteId}, so that the same sites always give the same answer.
 * </ol>
 */
public final class SiteMatcher {

    private SiteMatcher() {}

    /**
     * The location of the best-matching site, or null when none matches (or there is no location text).
     *
     * @param sites        the current sites, in any order; null entries and sites without terms are skipped
     * @param tenantId     the fact's tenant
     * @param locationText the location the caller's chat message carried
     */
    public static StructuredLocation match(Iterable<Site> sites, String tenantId, String locationText) {
        if (sites == null || locationText == null || locationText.isBlank()) {
            return null;
        }
        String text = normalize(locationText);
        Site best = null;
        boolean bestOwn = false;
        int bestLength = 0;
        for (Site site : sites) {
            if (site == null || site.siteId == null) {
                continue;
            }
            boolean own = site.tenantId != null;
            if (own && !site.tenantId.equalsIgnoreCase(tenantId == null ? "" : tenantId)) {
                continue;
            }
            int length = longestMatchingTerm(site, text);
            if (length == 0) {
                continue;
            }
            if (best == null || better(own, length, site.siteId, bestOwn, bestLength, best.siteId)) {
                best = site;
                bestOwn = own;
                bestLength = length;
            }
        }
        return best == null ? null : locationOf(best);
    }

    /** The structured location a site stands for. */
    public static StructuredLocation locationOf(Site site) {
        StructuredLocation l = new StructuredLocation();
        l.source = StructuredLocation.FROM_SITE;
        l.siteId = site.siteId;
        l.siteName = site.name;
        l.address = site.address;
        l.building = site.building;
        l.floor = site.floor;
        l.latitude = site.latitude;
        l.longitude = site.longitude;
        l.responders = site.responders == null ? new ArrayList<>() : new ArrayList<>(site.responders);
        return l;
    }

    private static boolean better(boolean own, int length, String id, boolean bestOwn, int bestLength, String bestId) {
        if (own != bestOwn) {
            return own;
        }
        if (length != bestLength) {
            return length > bestLength;
        }
        return id.compareTo(bestId) < 0;
    }

    /** The length of the site's longest term found in {@code text} (normalized), or 0. */
    private static int longestMatchingTerm(Site site, String text) {
        if (site.matchTerms == null) {
            return 0;
        }
        int longest = 0;
        for (String raw : site.matchTerms) {
            if (raw == null || raw.isBlank()) {
                continue;
            }
            String term = normalize(raw);
            if (term.length() > longest && containsAsWords(text, term)) {
                longest = term.length();
            }
        }
        return longest;
    }

    static boolean containsAsWords(String text, String term) {
        for (int at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
            int end = at + term.length();
            boolean startOk = !isWord(term.codePointAt(0)) || at == 0 || !isWord(text.codePointBefore(at));
            boolean endOk = !isWord(term.codePointBefore(term.length())) || end == text.length()
                    || !isWord(text.codePointAt(end));
            if (startOk && endOk) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWord(int codePoint) {
        return Character.isLetterOrDigit(codePoint);
    }

    /** Lower case (locale-independent), trimmed, whitespace runs as one space. */
    static String normalize(String s) {
        return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
