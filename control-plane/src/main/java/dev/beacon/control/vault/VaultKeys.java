package dev.beacon.control.vault;

import dev.beacon.contracts.secrets.SecretSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link SealedBox} from the operator's configuration:
 *
 * <ul>
 *   <li>{@code BEACON_VAULT_KEY} (base64 of 32 bytes) or {@code BEACON_VAULT_KEY_FILE} (a file holding it): the
 *       primary key, which seals;</li>
 *   <li>{@code BEACON_VAULT_PREVIOUS_KEYS} or {@code BEACON_VAULT_PREVIOUS_KEYS_FILE}: older keys that only open,
 *       separated by commas (or lines, in the file). Used while rotating keys.</li>
 * </ul>
 *
 * Files are the preferred form (mounted secrets); either form, never both ({@link SecretSource}'s rule). The
 * environment is read through a map so tests can pass their own.
 * Error messages name the variable or file, never key material.
 */
public final class VaultKeys {

    public static final String KEY = "BEACON_VAULT_KEY";
    public static final String KEY_FILE = "BEACON_VAULT_KEY_FILE";
    public static final String PREVIOUS_KEYS = "BEACON_VAULT_PREVIOUS_KEYS";
    public static final String PREVIOUS_KEYS_FILE = "BEACON_VAULT_PREVIOUS_KEYS_FILE";

    private VaultKeys() {}

    /** Typically {@code VaultKeys.fromEnvironment(System.getenv())}. */
    public static SealedBox fromEnvironment(Map<String, String> env) {
        String primary = valueOrFile(env, KEY);
        if (primary == null || primary.isBlank()) {
            throw new VaultKeyException("no vault key configured (set " + KEY + " or " + KEY_FILE + ")");
        }
        String previous = valueOrFile(env, PREVIOUS_KEYS);
        List<String> previousKeys = new ArrayList<>();
        if (previous != null) {
            for (String k : previous.split("[,\\s]+")) {
                if (!k.isBlank()) {
                    previousKeys.add(k.strip());
                }
            }
        }
        return SealedBox.fromBase64(primary.strip(), previousKeys);
    }

    /** By the one NAME / NAME_FILE rule ({@link SecretSource}); its errors become vault-key errors. */
    private static String valueOrFile(Map<String, String> env, String valueVar) {
        try {
            return SecretSource.resolve(env, valueVar).orElse(null);
        } catch (SecretSource.SecretException e) {
            throw new VaultKeyException(e.getMessage());
        }
    }
}
