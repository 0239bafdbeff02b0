package dev.beacon.local.compose;

import dev.beacon.control.http.ApiJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's view of the control plane's admin API (as {@code beaconctl} posts): JSON with the admin bearer
 * token, retried while the control plane is still starting. Never logs the token or request bodies.
 */
final class DemoAdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(DemoAdminApi.class);

    private final URI server;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    DemoAdminApi(URI server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    /**
     * POSTs {@code body} to {@code path} until the API answers something other than a 5xx or a refused connection,
     * for at most {@code patience}.
     *
     * @return the final HTTP status
     */
    int post(String path, Object body, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        byte[] json;
        try {
            json = ApiJson.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the request to " + path, e);
        }
        HttpRequest request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        while (true) {
            String problem;
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 500) {
                    return status;
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the control plane at " + server + " did not accept POST " + path
                        + " within " + patience.toSeconds() + " s (" + problem + ")");
            }
            LOG.info("control plane at {} not ready for POST {} ({}); retrying", server, path, problem);
            Thread.sleep(2000);
        }
    }
}
