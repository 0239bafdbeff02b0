package dev.beacon.control.ingress;

import java.util.HashMap;
import java.util.Map;

/** The environment the ingress tests start an ingress with; each test puts its own topic, limits and changes. */
final class IngressEnv {

    private IngressEnv() {
    }

    /**
     * An ingress on loopback (ephemeral webhook and metrics ports) that trusts {@code jwks}'s keys for
     * {@link TestJwks#APP_ID} and accepts {@code clientStates} (comma-separated). Mutable.
     */
    static Map<String, String> loopback(TestJwks jwks, String kafkaBootstrap, String clientStates) {
        Map<String, String> env = new HashMap<>();
        env.put("BEACON_INGRESS_HOST", "127.0.0.1");
        env.put("BEACON_INGRESS_PORT", "0");
        env.put("BEACON_INGRESS_METRICS_PORT", "0");
        env.put("BEACON_KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("BEACON_CLIENT_STATE", clientStates);
        env.put("BEACON_INGRESS_APP_IDS", TestJwks.APP_ID);
        env.put("BEACON_INGRESS_JWKS_URL", jwks.url().toString());
        return env;
    }
}
