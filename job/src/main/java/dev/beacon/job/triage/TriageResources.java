package dev.beacon.job.triage;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import dev.beacon.contracts.secrets.SecretSource;
import dev.beacon.contracts.secrets.SecretSource.SecretException;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.config.InvalidSettingException;
import dev.beacon.job.config.Secret;
import dev.beacon.job.detect.DetectionRules;
import dev.beacon.job.redact.SecretScrubber;
import dev.beacon.job.verify.ClientStateVerifier;
import dev.beacon.job.verify.DecryptionKeys;
import dev.beacon.job.verify.FetchSigningKeys;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What triage reads from its configuration when it opens on a task manager: the accepted clientState secrets, the
 * decryption keys, the detection rules and the keys that sign fetched messages. Each problem becomes an {@link InvalidSettingException} that names the
 * setting to fix and never holds a secret. The client's start-up check loads the same way in replay and local runs,
 * where the submitting process sees the same files and environment as the operators.
 *
 * @param keys empty (every rich notification becomes an {@code unknown_certificate} dead letter) when no keystore is
 *             configured at all; a keystore that is configured but unusable is an error
 * @param fetchSigningKeys {@link FetchSigningKeys#none()} (every fetched message becomes a
 *             {@code fetched_message_unverifiable} dead letter) when none are configured; a configured but malformed
 *             key list is an error
 */
public record TriageResources(
        ClientStateVerifier clientStates, SecretScrubber scrubber, DecryptionKeys keys, DetectionRules rules,
        FetchSigningKeys fetchSigningKeys) {

    private static final Logger LOG = LoggerFactory.getLogger(TriageResources.class);

    /** What was already logged, by job: parallel subtasks in one task manager fail alike and should say it once. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    /** @throws InvalidSettingException naming the first setting that is missing or unusable */
    public static TriageResources load(TriageSettings settings) {
        List<String> secrets = clientStateSecrets(settings);
        return new TriageResources(new ClientStateVerifier(secrets), SecretScrubber.of(secrets), keys(settings),
                rules(settings.rulesFile()), fetchSigningKeys(settings));
    }

    /**
     * {@link #load} for an operator's {@code open()}. A configuration error does not go away by restarting, so it
     * is logged once (per job and task manager) at ERROR and fails the job for good instead of restarting it.
     */
    public static TriageResources loadOrStopJob(TriageSettings settings, Object jobId) {
        TriageResources resources;
        try {
            resources = load(settings);
        } catch (InvalidSettingException e) {
            if (REPORTED.add(jobId + " " + e.getMessage())) {
                LOG.error("Beacon cannot start: {}", e.getMessage());
            }
            throw new SuppressRestartsException(e);
        }
        if (resources.keys.certificateIds().isEmpty() && REPORTED.add(jobId + " no keystore")) {
            LOG.warn("No decryption keystore is configured ({}): every rich notification becomes an "
                    + "unknown_certificate dead letter", keystoreSetting(settings));
        }
        if (!resources.fetchSigningKeys.isConfigured() && REPORTED.add(jobId + " no fetch-signing keys")) {
            // Normal for Event-Hubs-only deployments, which run without a control plane.
            LOG.warn("No fetch-signing keys are configured ({}): every message the control plane fetched from Graph "
                    + "becomes a fetched_message_unverifiable dead letter", fetchSigningKeysSetting(settings));
        }
        return resources;
    }

    static ClientStateVerifier clientStates(TriageSettings settings) {
        return new ClientStateVerifier(clientStateSecrets(settings));
    }

    private static List<String> clientStateSecrets(TriageSettings settings) {
        String setting = InvalidSettingException.secretSetting(settings.clientState(),
                BeaconOptions.CLIENT_STATE_FILE.key());
        List<String> secrets;
        try {
            secrets = settings.clientState().resolveList();
        } catch (SecretException e) {
            throw InvalidSettingException.secret(setting, e);
        }
        if (secrets == null || secrets.isEmpty()) {
            throw new InvalidSettingException(setting, (secrets == null ? "is not set" : "is empty")
                    + "; it must hold the subscriptions' clientState (several, comma-separated, during a rotation)");
        }
        return secrets;
    }

    static DecryptionKeys keys(TriageSettings settings) {
        String path = settings.resolveKeystorePath();
        if (path == null) {
            return DecryptionKeys.none();
        }
        String setting = keystoreSetting(settings);
        Path file = Path.of(path);
        if (!Files.exists(file)) {
            throw new InvalidSettingException(setting, "PKCS12 key store " + path + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidSettingException(setting, "PKCS12 key store " + path + " is not a readable file");
        }
        String passwordSetting = InvalidSettingException.secretSetting(settings.keystorePassword(),
                BeaconOptions.KEYSTORE_PASSWORD_FILE.key());
        String password = resolve(settings.keystorePassword(), passwordSetting);
        if (password == null) {
            throw new InvalidSettingException(passwordSetting, "is not set, but PKCS12 key store " + path
                    + " needs its password");
        }
        try {
            return DecryptionKeys.load(file, password.toCharArray());
        } catch (IllegalArgumentException e) {
            // DecryptionKeys' messages name the file, never the password.
            if (causedBy(e, UnrecoverableKeyException.class)) {
                throw new InvalidSettingException(passwordSetting, "wrong password for PKCS12 key store " + path);
            }
            throw new InvalidSettingException(setting, e.getMessage());
        }
    }

    /**
     * The keys of {@code auth.fetch-signing-key-file} (the job-secrets list file) or of the environment variable
     * (comma- or newline-separated, or its {@code _FILE}); none when neither is set. Set but unreadable, empty or
     * malformed is a configuration error: a key file that is there but wrong would silently dead-letter every
     * fetched message.
     */
    static FetchSigningKeys fetchSigningKeys(TriageSettings settings) {
        Secret secret = settings.fetchSigningKeys();
        if (secret == null) {
            return FetchSigningKeys.none();
        }
        String setting = fetchSigningKeysSetting(settings);
        List<String> base64Keys;
        try {
            if (secret.file() != null) {
                base64Keys = JobSecretsLayout.readList(setting, Path.of(secret.file()));
            } else {
                String value = resolve(secret, setting);
                if (value == null) {
                    return FetchSigningKeys.none();
                }
                base64Keys = Arrays.stream(value.split("[\\r\\n,]+")).map(String::strip)
                        .filter(k -> !k.isEmpty()).toList();
            }
        } catch (SecretSource.SecretException e) {
            // Its message names the setting and the file, never the content; drop the repeated setting.
            String problem = e.getMessage().startsWith(setting + ": ")
                    ? e.getMessage().substring(setting.length() + 2) : e.getMessage();
            throw new InvalidSettingException(setting, problem);
        }
        if (base64Keys.isEmpty()) {
            throw new InvalidSettingException(setting, "holds no key");
        }
        try {
            return FetchSigningKeys.decode(base64Keys);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(setting, e.getMessage());
        }
    }

    /** How the fetch-signing keys' location reads in messages. */
    static String fetchSigningKeysSetting(TriageSettings settings) {
        Secret secret = settings.fetchSigningKeys();
        return secret == null ? BeaconOptions.FETCH_SIGNING_KEY_FILE.key()
                : InvalidSettingException.secretSetting(secret, BeaconOptions.FETCH_SIGNING_KEY_FILE.key());
    }

    /** The detection rules of {@code detect.rules-file}, or the built-in ones when it is not set. */
    public static DetectionRules rules(String rulesFile) {
        if (rulesFile == null || rulesFile.isBlank()) {
            return DetectionRules.defaults();
        }
        try {
            return DetectionRules.load(Path.of(rulesFile));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            String problem = e instanceof UncheckedIOException io
                    ? "cannot read " + rulesFile + " (" + io.getCause().getClass().getSimpleName() + ")"
                    : e.getMessage();
            throw new InvalidSettingException(BeaconOptions.RULES_FILE.key(), problem);
        }
    }

    /** How the keystore's location reads in messages: the option, or the environment variable it came from. */
    static String keystoreSetting(TriageSettings settings) {
        String option = BeaconOptions.KEYSTORE_PATH.key();
        return settings.keystorePath() != null && !settings.keystorePath().isBlank()
                ? option
                : option + " (or environment variable " + settings.keystorePathEnv() + ")";
    }

    private static String resolve(Secret secret, String setting) {
        try {
            return secret.resolve();
        } catch (SecretException e) {
            throw InvalidSettingException.secret(setting, e);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
