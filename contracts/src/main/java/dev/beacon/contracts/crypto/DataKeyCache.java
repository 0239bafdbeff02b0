package dev.beacon.contracts.crypto;

import java.nio.ByteBuffer;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded, least-recently-used cache of unwrapped data keys, keyed by the wrapped key's bytes, so that content
 * whose data key was already unwrapped (a redelivered notification, or a data key Graph reused) skips the RSA
 * private-key operation, which is nearly all of the decryption's cost.
 *
 * <p>An entry counts only for the private key that unwrapped it. Keys live in this object's memory only, are copied
 * in and out (callers zero their copies), and are zeroed when evicted or cleared; nothing here is ever logged.
 * Not thread-safe: one per {@link RichNotificationCrypto.Decryptor}, i.e. per operator instance. A capacity of 0
 * disables it (no lookups, no counting).
 */
public final class DataKeyCache {

    private record Entry(PrivateKey privateKey, byte[] dataKey) {}

    private final int capacity;
    private final Map<ByteBuffer, Entry> entries;
    private long hits;
    private long misses;

    /** @param capacity the most data keys kept; 0 disables the cache */
    public DataKeyCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be 0 (disabled) or more, not " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Entry> eldest) {
                if (size() > DataKeyCache.this.capacity) {
                    Arrays.fill(eldest.getValue().dataKey(), (byte) 0);
                    return true;
                }
                return false;
            }
        };
    }

    /** A cache that holds nothing. */
    public static DataKeyCache disabled() {
        return new DataKeyCache(0);
    }

    public boolean enabled() {
        return capacity > 0;
    }

    public int capacity() {
        return capacity;
    }

    /** A copy of the data key {@code privateKey} unwrapped from {@code wrapped}, or null (counted as a miss). */
    byte[] find(PrivateKey privateKey, byte[] wrapped) {
        if (!enabled()) {
            return null;
        }
        Entry entry = entries.get(ByteBuffer.wrap(wrapped));
        if (entry == null || entry.privateKey() != privateKey) {
            misses++;
            return null;
        }
        hits++;
        return entry.dataKey().clone();
    }

    /** Keeps a copy of {@code dataKey}, unwrapped from {@code wrapped} by {@code privateKey}. */
    void put(PrivateKey privateKey, byte[] wrapped, byte[] dataKey) {
        if (!enabled()) {
            return;
        }
        Entry previous = entries.put(ByteBuffer.wrap(wrapped.clone()), new Entry(privateKey, dataKey.clone()));
        if (previous != null) {
            Arrays.fill(previous.dataKey(), (byte) 0);
        }
    }

    /** Zeroes and drops every key. */
    public void clear() {
        entries.values().forEach(e -> Arrays.fill(e.dataKey(), (byte) 0));
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    /** Lookups that found the key (each saved one RSA unwrap). */
    public long hits() {
        return hits;
    }

    /** Lookups that did not. */
    public long misses() {
        return misses;
    }
}
