package dev.beacon.control.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SealedBoxTest {

    private final String keyA = SealedBox.newKeyBase64();
    private final String keyB = SealedBox.newKeyBase64();
    private final SealedBox a = SealedBox.fromBase64(keyA, List.of());

    @Test
    void sealsAndOpensUnderTheSamePurpose() {
        byte[] box = a.sealString("refresh-token-value", "token_cache/acme/u1");
        assertThat(new String(box, StandardCharsets.ISO_8859_1)).doesNotContain("refresh-token-value");
        assertThat(a.openString(box, "token_cache/acme/u1")).isEqualTo("refresh-token-value");
        assertThat(SealedBox.keyIdOf(box)).isEqualTo(a.primaryKeyId());
        // a fresh nonce each time: equal plaintexts give different boxes
        assertThat(a.sealString("refresh-token-value", "token_cache/acme/u1")).isNotEqualTo(box);
    }

    @Test
    void aBoxDoesNotOpenUnderAnotherPurpose() {
        byte[] box = a.sealString("secret", SealPurpose.tokenCache("acme", "u1"));
        assertThatThrownBy(() -> a.open(box, SealPurpose.tokenCache("acme", "u2")))
                .isInstanceOf(VaultKeyException.class).hasMessageContaining("integrity check")
                .hasMessageContaining("token_cache/acme/u2");
    }

    @Test
    void anUnknownKeyIdIsNamedInTheMessage() {
        byte[] box = a.sealString("secret", "p");
        SealedBox b = SealedBox.fromBase64(keyB, List.of());
        assertThatThrownBy(() -> b.open(box, "p")).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining("sealed with vault key " + a.primaryKeyId())
                .hasMessageContaining("configured: " + b.primaryKeyId())
                .hasMessageNotContaining(keyA).hasMessageNotContaining(keyB);
    }

    @Test
    void rotationOpensOldBoxesAndSealsWithTheNewKey() {
        byte[] old = a.sealString("secret", "p");
        SealedBox rotated = SealedBox.fromBase64(keyB, List.of(keyA));
        assertThat(rotated.keyIds()).containsExactly(SealedBox.fromBase64(keyB, List.of()).primaryKeyId(),
                a.primaryKeyId());
        assertThat(rotated.openString(old, "p")).isEqualTo("secret");
        assertThat(rotated.needsReseal(old)).isTrue();
        byte[] resealed = rotated.sealString(rotated.openString(old, "p"), "p");
        assertThat(rotated.needsReseal(resealed)).isFalse();
        assertThat(SealedBox.keyIdOf(resealed)).isEqualTo(rotated.primaryKeyId());
        assertThatThrownBy(() -> a.open(resealed, "p")).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining(rotated.primaryKeyId());
    }

    @Test
    void tamperingIsDetected() {
        byte[] box = a.sealString("secret", "p");
        byte[] flipped = box.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> a.open(flipped, "p")).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining("altered");
        assertThatThrownBy(() -> a.open(new byte[] {9, 9, 9}, "p")).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining("not a Beacon sealed box");
    }

    @Test
    void badKeysAreRefusedWithoutShowingThem() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> SealedBox.fromBase64(shortKey, List.of())).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> SealedBox.fromBase64("not base64!", List.of()))
                .isInstanceOf(VaultKeyException.class).hasMessageContaining("not valid base64");
        assertThat(a.toString()).doesNotContain(keyA);
    }
}
