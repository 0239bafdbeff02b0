package dev.beacon.control.signin;

import com.microsoft.aad.msal4j.HttpMethod;
import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * MSAL transport that keeps the real authority URLs but sends each request to another base URL (the emulator).
 * Only installed when {@link MicrosoftEndpoints#routed()}; production MSAL uses its own HTTP client.
 */
public final class RoutedHttpClient implements IHttpClient {

    private final URI target;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public RoutedHttpClient(URI target) {
        this.target = target;
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        URL u = request.url();
        String base = target.toString().replaceAll("/$", "");
        var b = java.net.http.HttpRequest.newBuilder(URI.create(
                        base + u.getPath() + (u.getQuery() == null ? "" : "?" + u.getQuery())))
                .timeout(Duration.ofSeconds(30));
        if (request.headers() != null) {
            request.headers().forEach((k, v) -> {
                if (!k.equalsIgnoreCase("Content-Length") && !k.equalsIgnoreCase("Host")) {
                    b.header(k, v);
                }
            });
        }
        if (request.httpMethod() == HttpMethod.POST) {
            b.POST(java.net.http.HttpRequest.BodyPublishers.ofString(request.body() == null ? "" : request.body()));
        } else {
            b.GET();
        }
        var r = http.send(b.build(), BodyHandlers.ofString());
        var out = new com.microsoft.aad.msal4j.HttpResponse().statusCode(r.statusCode()).body(r.body());
        out.addHeaders(r.headers().map());
        return out;
    }
}
