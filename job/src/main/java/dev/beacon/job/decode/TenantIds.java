package dev.beacon.job.decode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tenant named by a Graph resource path ({@code tenants/{id}/...} or {@code tenants('{id}')/...}) or by a
 * CloudEvent source from Event Grid ({@code /tenants/{id}/applications/{appId}}). Used when a notification carries
 * no {@code tenantId} or {@code organizationId}: both name the subscription's tenant, as those fields would.
 */
final class TenantIds {

    // One segment, like ResourceIds: "tenants" then ('key') or /key; plain classes keep matching linear.
    private static final Pattern TENANT_SEGMENT =
            Pattern.compile("(?i)(?:^|/)tenants(?:\\('([^'/]+)'\\)|/([^/'()?#]+))");

    private TenantIds() {}

    /** The first tenant segment's id, or null when there is none. */
    static String inPath(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        Matcher m = TENANT_SEGMENT.matcher(path);
        if (!m.find()) {
            return null;
        }
        String id = m.group(1) != null ? m.group(1) : m.group(2);
        return id.isBlank() ? null : id;
    }
}
