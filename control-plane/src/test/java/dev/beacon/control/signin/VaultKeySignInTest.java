package dev.beacon.control.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.beacon.control.emulator.EntraEndpoints;
import dev.beacon.control.integration.AuthMode;
import dev.beacon.control.integration.IntegrationStatus;
import dev.beacon.control.vault.SealPurpose;
import dev.beacon.control.vault.SealedBox;
import dev.beacon.control.vault.VaultKeyException;
import dev.beacon.control.vault.VaultRekey;
import dev.beacon.testing.PostgresFixture;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The vault key as sign-in sees it: a wrong key is a clear status, rotation and rekey keep every secret. */
class VaultKeySignInTest {

    @RegisterExtension
    static final PostgresFixture PG = new PostgresFixture();

    private static final String ID = "acme";
    private SignInHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new SignInHarness(PG);
        h.addDeviceCodeIntegration(ID);
        h.signInWithDeviceCode(h.service(), ID);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aWrongVaultKeyIsAClearStatusNamingTheNeededKey() throws Exception {
        SealedBox other = SealedBox.fromBase64(SealedBox.newKeyBase64(), List.of());
        SignInService s = h.service(other, SignInHarness.fastSettings());

        assertThatThrownBy(() -> s.graphToken(ID)).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining(h.box.primaryKeyId())
                .hasMessageContaining(other.primaryKeyId())
                .hasMessageNotContaining(h.vaultKey);
        var in = h.integrations.require(ID);
        assertThat(in.status()).isEqualTo(IntegrationStatus.ERROR);
        assertThat(in.statusDetail()).startsWith("vault: ").contains(h.box.primaryKeyId())
                .doesNotContain("\tat ").doesNotContain("Exception");
        // the row is untouched: the right key still opens it, and the status heals with it
        GraphToken t = h.service().graphToken(ID);
        assertThat(h.emulator.entra().validAccessToken(t.accessToken())).isPresent();
        assertThat(h.integrations.require(ID).status()).isEqualTo(IntegrationStatus.ACTIVE);
    }

    @Test
    void rotationOpensOldRowsAndRekeyResealsEverySealedColumn() throws Exception {
        SealedBox oldOnly = h.box;
        String newKey = SealedBox.newKeyBase64();
        SealedBox rotated = SealedBox.fromBase64(newKey, List.of(h.vaultKey));
        SealedBox newOnly = SealedBox.fromBase64(newKey, List.of());
        // one value in every other sealed column, all under the old key
        h.integrations.add("app-only", "App", EntraEndpoints.DEFAULT_TENANT, SignInHarness.CLIENT_ID,
                AuthMode.CLIENT_CREDENTIALS, "secret", "app-secret".getBytes(StandardCharsets.UTF_8));
        PG.execute("INSERT INTO client_state (client_state_id, integration_id, secret_sealed) VALUES (?, ?, ?)",
                "cs-1", ID, oldOnly.sealString("client-state-secret", SealPurpose.clientState("cs-1")));
        PG.execute("INSERT INTO encryption_certificate (certificate_id, integration_id, certificate_der, "
                        + "private_key_sealed, not_after) VALUES (?, ?, ?, ?, ?)", "cert-1", ID, new byte[] {1, 2},
                oldOnly.sealString("pkcs8-bytes", SealPurpose.privateKey("cert-1")),
                Timestamp.from(Instant.now().plusSeconds(86_400)));

        // new primary + old as previous: old rows open
        String at = h.service(rotated, SignInHarness.fastSettings()).graphToken(ID).accessToken();
        assertThat(at).isEqualTo(h.emulator.entra().issuedAccessTokens().get(0));

        VaultRekey.Result r = new VaultRekey(h.sql, rotated).run();
        assertThat(r).isEqualTo(new VaultRekey.Result(1, 1, 1, 1, 0));
        assertThat(PG.queryValue("SELECT vault_key_id FROM token_cache")).isEqualTo(newOnly.primaryKeyId());
        for (String column : List.of("SELECT credential_sealed FROM integration WHERE integration_id = 'app-only'",
                "SELECT cache_sealed FROM token_cache", "SELECT secret_sealed FROM client_state",
                "SELECT private_key_sealed FROM encryption_certificate")) {
            assertThat(SealedBox.keyIdOf((byte[]) PG.queryValue(column))).isEqualTo(newOnly.primaryKeyId());
        }
        assertThat(newOnly.openString((byte[]) PG.queryValue("SELECT secret_sealed FROM client_state"),
                SealPurpose.clientState("cs-1"))).isEqualTo("client-state-secret");
        assertThat(new VaultRekey(h.sql, rotated).run()).isEqualTo(new VaultRekey.Result(0, 0, 0, 0, 4));

        // afterwards the new key alone works and the old key alone fails, naming the key it lacks
        assertThat(h.service(newOnly, SignInHarness.fastSettings()).graphToken(ID).accessToken()).isEqualTo(at);
        assertThatThrownBy(() -> h.service(oldOnly, SignInHarness.fastSettings()).graphToken(ID))
                .isInstanceOf(VaultKeyException.class).hasMessageContaining(newOnly.primaryKeyId());
    }
}
