package dev.beacon.control.signin;

import java.net.URI;

/**
 * Where Entra ID and Graph live. Production uses the real hosts. For the local demo and tests, {@code route}
 * points at the Graph/Entra emulator: MSAL keeps the real authority URL and only its transport is redirected
 * ({@link RoutedHttpClient}), and Graph calls go to the same emulator.
 *
 * @param authorityHost e.g. {@code https://login.microsoftonline.com/}
 * @param graphBaseUrl  e.g. {@code https://graph.microsoft.com/v1.0}
 * @param route         null in production; else a plain-HTTP base URL every Microsoft call is sent to
 */
public record MicrosoftEndpoints(String authorityHost, String graphBaseUrl, URI route) {

    public static final MicrosoftEndpoints PRODUCTION =
            new MicrosoftEndpoints("https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0", null);

    /** Real URLs, every call sent to {@code emulator} instead (tests and the local demo). */
    public static MicrosoftEndpoints routedTo(URI emulator) {
        return new MicrosoftEndpoints(PRODUCTION.authorityHost, PRODUCTION.graphBaseUrl, emulator);
    }

    /** The MSAL authority for a tenant: {@code https://login.microsoftonline.com/<tenant>/}. */
    public String authority(String tenantId) {
        return authorityHost + tenantId + "/";
    }

    /** The URL a Graph call really goes to (the emulator when routed, under the same version segment). */
    public URI graphUri(String pathAndQuery) {
        String base = route == null ? graphBaseUrl : route.toString().replaceAll("/$", "") + "/" + graphVersion();
        return URI.create(base + (pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery));
    }

    /** The last segment of the Graph base URL: {@code v1.0} or {@code beta}. */
    public String graphVersion() {
        String b = graphBaseUrl.replaceAll("/+$", "");
        return b.substring(b.lastIndexOf('/') + 1);
    }

    /** The same endpoints with Graph's {@code version} ({@code v1.0} or {@code beta}) instead. */
    public MicrosoftEndpoints withGraphVersion(String version) {
        String b = graphBaseUrl.replaceAll("/+$", "");
        return new MicrosoftEndpoints(authorityHost, b.substring(0, b.lastIndexOf('/') + 1) + version, route);
    }

    public boolean routed() {
        return route != null;
    }
}
