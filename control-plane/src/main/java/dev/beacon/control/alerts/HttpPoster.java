package dev.beacon.control.alerts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** POSTs JSON and turns the answer into success or a {@link DeliveryFailure} that never quotes the URL. */
final class HttpPoster {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    void post(String url, byte[] body, Map<String, String> headers) throws DeliveryFailure {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Beacon-Alerts/1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<Void> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryFailure(e.getClass().getSimpleName(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure("interrupted", false);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        boolean retryable = status >= 500 || status == 408 || status == 429 || (status >= 300 && status < 400);
        throw new DeliveryFailure("HTTP " + status, !retryable);
    }
}
