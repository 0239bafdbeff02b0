package dev.beacon.control.ingress;

import dev.beacon.contracts.secrets.JobSecretsLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clientState values a notification may carry: from {@code BEACON_CLIENT_STATE} (comma-separated), or from the
 * job-secrets export's {@code client-states} file, re-read when its modification time changes (checked at most once
 * a second), so a rotation by the control plane reaches the ingress without a restart.
 *
 * <p>{@link #accepts} compares SHA-256 digests with {@link MessageDigest#isEqual} against every accepted value,
 * without stopping at the first match: the time taken does not tell which value, or how much of one, matched.
 */
public final class AcceptedClientStates {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptedClientStates.class);

    private final Path file;
    private volatile List<byte[]> digests;
    private volatile FileTime loadedVersion;
    private volatile long checkedAtNanos;

    private AcceptedClientStates(Path file, List<byte[]> digests) {
        this.file = file;
        this.digests = digests;
    }

    public static AcceptedClientStates of(String commaSeparated) {
        List<byte[]> d = digestsOf(commaSeparated);
        if (d.isEmpty()) {
            throw new IllegalArgumentException("BEACON_CLIENT_STATE holds no value");
        }
        return new AcceptedClientStates(null, d);
    }

    /**
     * Reads the file now and again whenever it changes. A file that does not exist yet, or is still empty, is the
     * control plane not having exported yet (the ingress may start first): no value is accepted until it appears,
     * and the ingress answers 503 meanwhile ({@link #size()} is 0), so Graph retries. A file that exists but cannot
     * be read is a configuration error.
     */
    public static AcceptedClientStates fromFile(Path file) {
        AcceptedClientStates s = new AcceptedClientStates(file, List.of());
        if (!Files.exists(file)) {
            LOG.warn("no clientState file at {} yet (BEACON_CLIENT_STATE_FILE): notifications are answered 503 "
                    + "until the control plane exports one", file);
            return s;
        }
        if (!s.reload()) {
            throw new IllegalArgumentException("BEACON_CLIENT_STATE_FILE: cannot read " + file);
        }
        if (s.digests.isEmpty()) {
            LOG.warn("the clientState file {} is empty: notifications are answered 503 until the control plane "
                    + "exports a value", file);
        }
        return s;
    }

    /** Re-reads the file if it changed (at most once a second); returns how many values are accepted now. */
    public int refreshed() {
        refreshIfChanged();
        return digests.size();
    }

    public static AcceptedClientStates from(IngressSettings settings) {
        return settings.clientStateFile() != null ? fromFile(settings.clientStateFile())
                : of(settings.clientStates());
    }

    /** True when {@code presented} is one of the accepted values. Null or empty is never accepted. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        refreshIfChanged();
        byte[] p = sha256(presented.getBytes(StandardCharsets.UTF_8));
        boolean match = false;
        for (byte[] d : digests) {
            match |= MessageDigest.isEqual(p, d);
        }
        return match;
    }

    public int size() {
        return digests.size();
    }

    private void refreshIfChanged() {
        if (file == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - checkedAtNanos < 1_000_000_000L) {
            return;
        }
        checkedAtNanos = now;
        try {
            if (loadedVersion == null && !Files.exists(file)) {
                return; // not exported yet: said once at start
            }
            FileTime t = Files.getLastModifiedTime(file);
            if (!t.equals(loadedVersion)) {
                reload();
            }
        } catch (IOException e) {
            LOG.warn("cannot check the clientState file {} ({}); keeping the {} value(s) loaded before", file,
                    e.getClass().getSimpleName(), digests.size());
        }
    }

    private synchronized boolean reload() {
        try {
            FileTime t = Files.getLastModifiedTime(file);
            List<byte[]> d = digestsOf(Files.readString(file, StandardCharsets.UTF_8));
            if (d.isEmpty() && !digests.isEmpty()) {
                // A half-written or emptied file must not lock every subscription out; the export writes atomically.
                LOG.warn("the clientState file {} is empty; keeping the {} value(s) loaded before", file,
                        digests.size());
                return true;
            }
            digests = d;
            loadedVersion = t;
            LOG.info("loaded {} accepted clientState value(s) from {}", d.size(), file);
            return true;
        } catch (IOException e) {
            LOG.warn("cannot read the clientState file {} ({})", file, e.getClass().getSimpleName());
            return false;
        }
    }

    /** One value per line or comma-separated: the job-secrets export's list format ({@link JobSecretsLayout}). */
    private static List<byte[]> digestsOf(String list) {
        return JobSecretsLayout.parseList(list).stream().map(s -> sha256(s.getBytes(StandardCharsets.UTF_8))).toList();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
