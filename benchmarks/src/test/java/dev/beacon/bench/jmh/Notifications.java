package dev.beacon.bench.jmh;

import dev.beacon.job.decode.ChangeNotification;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.job.decode.DecodeResult;
import dev.beacon.job.decode.DecodedItem;
import dev.beacon.job.decode.NotificationDecoder;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.GraphPayloads;
import dev.beacon.job.testing.SampleStream;
import dev.beacon.job.testing.TestKeys;
import dev.beacon.job.verify.DecryptionKeys;
import dev.beacon.job.verify.RichNotificationDecryptor;
import dev.beacon.job.verify.RichNotificationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A realistic stream of what Graph writes into Event Hubs, built with the job's own test helpers: one collection per
 * record holding one {@code created} rich notification of a chat message, encrypted for the job's certificate
 * (RSA-OAEP-SHA1 wrapped AES key, HMAC-SHA256), every {@code 1/emergencyEvery}-th a security-desk emergency call
 * message, the rest ordinary chatter. Also holds every record's decrypted message, so that a benchmark can leave
 * decryption out and measure everything else.
 */
public final class Notifications {

    public static final String CLIENT_STATE = "bench-client-state-7d1c";
    public static final String CERT_ID = "beacon-bench";

    private final TestKeys keys;
    private final List<RawRecord> records;
    private final List<byte[]> recordBytes;
    private final List<byte[]> plaintexts;
    private final int emergencies;

    private Notifications(TestKeys keys, List<RawRecord> records, List<byte[]> recordBytes, List<byte[]> plaintexts,
            int emergencies) {
        this.keys = keys;
        this.records = records;
        this.recordBytes = recordBytes;
        this.plaintexts = plaintexts;
        this.emergencies = emergencies;
    }

    /** Built streams by size, key and share: benchmarks that run in one JVM (smoke runs) share them. */
    private static final Map<String, Notifications> BUILT = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link #build}, once per JVM and arguments (building costs one RSA key and one decryption per record). */
    public static Notifications shared(int count, int keyBits, int emergencyEvery) {
        return BUILT.computeIfAbsent(count + "/" + keyBits + "/" + emergencyEvery,
                k -> build(count, keyBits, emergencyEvery));
    }

    /**
     * {@code count} records, every {@code emergencyEvery}-th an emergency (100 gives the 1 %; 1 gives only
     * emergencies, for the keyed stages), with a fresh {@code keyBits} RSA key.
     */
    public static Notifications build(int count, int keyBits, int emergencyEvery) {
        Instant now = Instant.now();
        TestKeys keys = TestKeys.generate(CERT_ID, keyBits, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        SampleStream stream = new SampleStream(CLIENT_STATE, keys);
        List<RawRecord> records = new ArrayList<>(count);
        List<byte[]> bytes = new ArrayList<>(count);
        Instant start = Instant.parse("2026-11-22T08:00:00Z");
        int emergencies = 0;
        for (int i = 0; i < count; i++) {
            String at = start.plusMillis(1_500L * i).toString();
            String messageId = Long.toString(1_763_800_000_000L + i);
            String json;
            if (i % emergencyEvery == emergencyEvery - 1) {
                emergencies++;
                String caller = String.format("00000000-0000-4000-8000-%012d", i);
                json = stream.deskNotification(SampleStream.SUB_ALICE, "19:alice-call-" + i + "@thread.v2",
                        messageId, at, caller, "Caller " + i, "911", "Building " + (i % 40) + ", Floor " + (i % 7));
            } else {
                json = stream.chatterNotification(SampleStream.SUB_BOB, "19:bob-chat-" + (i % 97) + "@thread.v2",
                        messageId, at, CHATTER[i % CHATTER.length]);
            }
            byte[] value = json.getBytes(StandardCharsets.UTF_8);
            bytes.add(value);
            records.add(GraphPayloads.record(value));
        }
        return new Notifications(keys, records, bytes, decryptAll(keys, records), emergencies);
    }

    /** Decrypted once here, so that "decryption excluded" measures exactly the rest. */
    private static List<byte[]> decryptAll(TestKeys keys, List<RawRecord> records) {
        NotificationDecoder decoder = new NotificationDecoder(DecodeLimits.defaults());
        RichNotificationDecryptor decryptor = new RichNotificationDecryptor(
                DecryptionKeys.of(Map.of(CERT_ID, keys.privateKey())));
        List<byte[]> out = new ArrayList<>(records.size());
        for (RawRecord record : records) {
            ChangeNotification n = only(decoder.decode(record));
            try {
                out.add(decryptor.decrypt(n.encryptedContent()));
            } catch (RichNotificationException e) {
                throw new IllegalStateException("benchmark notification does not decrypt: " + e.reason(), e);
            }
        }
        return out;
    }

    /** The single notification of one of these records. */
    public static ChangeNotification only(DecodeResult decoded) {
        if (decoded.failed() || decoded.items().size() != 1
                || !(decoded.items().get(0) instanceof DecodedItem.Ok ok)) {
            throw new IllegalStateException("benchmark record does not decode to one notification");
        }
        return ok.notification();
    }

    public TestKeys keys() {
        return keys;
    }

    public int size() {
        return records.size();
    }

    public RawRecord record(int i) {
        return records.get(i);
    }

    /** The record's value: Graph's encrypted collection JSON. */
    public byte[] recordBytes(int i) {
        return recordBytes.get(i);
    }

    /** The decrypted chatMessage JSON of record {@code i}. */
    public byte[] plaintext(int i) {
        return plaintexts.get(i);
    }

    public int emergencies() {
        return emergencies;
    }

    private static final String[] CHATTER = {
        "Lunch at noon? The usual place.",
        "Did you see the fire drill memo? It is on Thursday at 10.",
        "<p>Can you review the <b>Q4 budget</b> deck before the 3 pm sync?</p>",
        "Thanks!",
        "The printer on floor 2 is jammed again; facilities has been told.",
        "<p>Reminder: badge renewal closes Friday. <a href=\"https://intranet.example/badges\">Form</a></p>",
        "Running 5 minutes late to the standup.",
        "Who has the key to the storage room in building 4?",
    };
}
