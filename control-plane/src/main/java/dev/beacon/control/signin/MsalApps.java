package dev.beacon.control.signin;

import com.microsoft.aad.msal4j.AbstractClientApplicationBase;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.PublicClientApplication;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.Integration;
import dev.beacon.control.integration.IntegrationStore;
import dev.beacon.control.vault.TokenVault;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One MSAL application per integration, rebuilt when the integration's registration changes, and the one way to
 * wait for Entra. Applications use the real authority ({@link MicrosoftEndpoints#authority}); only when the endpoints
 * are routed (emulator) is the transport redirected and instance discovery switched off. PII logging stays off.
 */
final class MsalApps implements AutoCloseable {

    private final IntegrationStore integrations;
    private final TokenVault vault;
    private final MicrosoftEndpoints endpoints;
    private final Duration entraTimeout;
    private final ExecutorService msalExecutor = Executors.newCachedThreadPool(daemon("msal"));
    private final Map<String, MsalApp> apps = new ConcurrentHashMap<>();

    /** One MSAL application, with the registration it was built for. */
    record MsalApp(String clientId, String tenantId, AuthMode mode, AbstractClientApplicationBase app) {}

    MsalApps(IntegrationStore integrations, TokenVault vault, MicrosoftEndpoints endpoints, Duration entraTimeout) {
        this.integrations = integrations;
        this.vault = vault;
        this.endpoints = endpoints;
        this.entraTimeout = entraTimeout;
    }

    MsalApp app(Integration in) {
        MsalApp existing = apps.get(in.id());
        if (existing != null && existing.clientId().equals(in.clientId()) && existing.tenantId().equals(in.tenantId())
                && existing.mode() == in.authMode()) {
            return existing;
        }
        MsalApp built = new MsalApp(in.clientId(), in.tenantId(), in.authMode(), build(in));
        apps.put(in.id(), built);
        return built;
    }

    /** Drops the integration's application: its in-memory cache still holds an account the vault forgot. */
    void forget(String integrationId) {
        apps.remove(integrationId);
    }

    private AbstractClientApplicationBase build(Integration in) {
        String authority = endpoints.authority(in.tenantId());
        try {
            if (in.authMode() == AuthMode.DEVICE_CODE) {
                PublicClientApplication.Builder b = PublicClientApplication.builder(in.clientId())
                        .authority(authority)
                        .logPii(false)
                        .executorService(msalExecutor)
                        .setTokenCacheAccessAspect(vault.aspectFor(in.id()));
                if (endpoints.routed()) {
                    b.instanceDiscovery(false).httpClient(new RoutedHttpClient(endpoints.route()));
                }
                return b.build();
            }
            byte[] stored = integrations.credential(in.id()).orElseThrow(() -> new IllegalArgumentException(
                    in.authMode().dbValue() + " needs a client secret or certificate, and none is stored"));
            ConfidentialClientApplication.Builder b = ConfidentialClientApplication
                    .builder(in.clientId(), AppCredential.toMsal(in.credentialKind(), stored))
                    .authority(authority)
                    .logPii(false)
                    .executorService(msalExecutor);
            if (in.authMode() == AuthMode.AUTH_CODE) {
                b.setTokenCacheAccessAspect(vault.aspectFor(in.id())); // app-only tokens stay in memory
            }
            if (endpoints.routed()) {
                b.instanceDiscovery(false).httpClient(new RoutedHttpClient(endpoints.route()));
            }
            return b.build();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("tenant '" + in.tenantId() + "' does not make a valid authority URL");
        }
    }

    /** Waits for an MSAL call, at most the configured Entra timeout (then cancels it and says Entra is unavailable). */
    <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(entraTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new EntraUnavailableException("sign-in: Entra did not answer within " + entraTimeout);
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        msalExecutor.shutdownNow();
    }
}
