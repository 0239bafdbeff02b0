package dev.beacon.control.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultKeysTest {

    private final String primary = SealedBox.newKeyBase64();
    private final String old1 = SealedBox.newKeyBase64();
    private final String old2 = SealedBox.newKeyBase64();

    @Test
    void readsThePrimaryAndPreviousKeysFromTheEnvironment() {
        SealedBox box = VaultKeys.fromEnvironment(Map.of(VaultKeys.KEY, primary,
                VaultKeys.PREVIOUS_KEYS, old1 + ", " + old2));
        assertThat(box.keyIds()).containsExactly(id(primary), id(old1), id(old2));
        assertThat(box.primaryKeyId()).isEqualTo(id(primary));
    }

    @Test
    void readsKeysFromFiles(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), primary + "\n");
        Path previous = Files.writeString(dir.resolve("previous"), old1 + "\n" + old2 + "\n");
        SealedBox box = VaultKeys.fromEnvironment(Map.of(VaultKeys.KEY_FILE, key.toString(),
                VaultKeys.PREVIOUS_KEYS_FILE, previous.toString()));
        assertThat(box.keyIds()).containsExactly(id(primary), id(old1), id(old2));
    }

    @Test
    void missingOrAmbiguousConfigurationIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> VaultKeys.fromEnvironment(Map.of())).isInstanceOf(VaultKeyException.class)
                .hasMessageContaining("BEACON_VAULT_KEY");
        assertThatThrownBy(() -> VaultKeys.fromEnvironment(Map.of(VaultKeys.KEY, primary, VaultKeys.KEY_FILE, "/x")))
                .isInstanceOf(VaultKeyException.class).hasMessageContaining("not both")
                .hasMessageNotContaining(primary);
        assertThatThrownBy(() -> VaultKeys.fromEnvironment(Map.of(VaultKeys.KEY_FILE,
                dir.resolve("missing").toString()))).isInstanceOf(VaultKeyException.class)
                .hasMessageStartingWith("BEACON_VAULT_KEY_FILE: no such file");
    }

    private static String id(String key) {
        return SealedBox.fromBase64(key, List.of()).primaryKeyId();
    }
}
