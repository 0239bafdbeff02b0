package dev.beacon.job.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.config.BeaconOptions;
import dev.beacon.job.decode.DecodeLimits;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.ingest.CaptureLines;
import dev.beacon.job.ingest.RawRecord;
import dev.beacon.job.testing.ChatMessages;
import dev.beacon.job.testing.FetchedMessages;
import dev.beacon.job.testing.GraphEncryption;
import dev.beacon.job.testing.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.configuration.Configuration;

/**
 * What the corpus families build their records from: the job's secrets and keys (generated per run), Graph
 * chatMessages and notifications, CloudEvents, capture-file lines, and the hand-made cryptographic forgeries.
 *
 * <p>Every chatter message carries a unique sentinel word ({@link #sentinel}); the test asserts that no sentinel
 * and no clientState secret shows up in any output.
 */
final class CorpusKit {

    static final String TOPIC = "corpus-teams-events";
    static final String TENANT = "5f2a7c1e-3d4b-4e8f-9a10-1b2c3d4e5f60";
    static final String TENANT_2 = "c0ffee00-1234-4abc-8def-0123456789ab";
    /** Desk members' subscriptions. */
    static final String SUB_A = "6a1f0c52-8d3e-4b7a-9f21-0e4d5c6b7a81";
    static final String SUB_B = "7b2e1d63-9e4f-4c8b-8a32-1f5e6d7c8b92";
    static final String SUB_C = "8c3f2e74-af50-4d9c-9b43-206f7e8d9ca3";
    static final String SUB_T2 = "9d4a3f85-b061-4eab-8c54-317a8f9eadb4";
    static final String CERT_ID = "beacon-corpus-2026-11";
    static final String CHATTER_USER = "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d";
    static final String CE_SOURCE = "/tenants/" + TENANT + "/applications/beacon";
    /** Record timestamps of the corpus: the hub's enqueue time. */
    static final long BASE_TIMESTAMP = Instant.parse("2026-11-22T08:00:00Z").toEpochMilli();

    /** Someone who may appear on an emergency notification. */
    record Caller(String tenantId, String userId, String displayName) {}

    final ObjectMapper json = new ObjectMapper();
    final String secret;
    final String previousSecret;
    final TestKeys keys;
    final TestKeys stranger;
    /** The control plane's fetch-signing key, as exported to the job-secrets file. */
    final byte[] fetchSigningKey = FetchedMessages.newKey();
    final DecodeLimits limits;
    final List<String> sentinels = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private long nextMessageId = 1_763_900_000_000L;
    private int nextSentinel;
    private int nextEvent;

    CorpusKit(DecodeLimits limits) {
        this.limits = limits;
        this.secret = "cs-" + randomHex(16);
        this.previousSecret = "cs-old-" + randomHex(16);
        this.keys = TestKeys.generate(CERT_ID);
        this.stranger = TestKeys.generate("retired-certificate");
    }

    /** The job's settings: secrets and keys as files (the way operators mount them), hostile admin rules. */
    Configuration jobConfiguration(Path dir) {
        try {
            Configuration c = new Configuration();
            String storePassword = randomHex(12);
            Path keystore = TestKeys.writePkcs12(dir.resolve("corpus.p12"), storePassword.toCharArray(), keys);
            c.set(BeaconOptions.KEYSTORE_PATH, keystore.toString());
            c.set(BeaconOptions.KEYSTORE_PASSWORD_FILE,
                    Files.writeString(dir.resolve("keystore-password"), storePassword).toString());
            // Rotation: the subscriptions created before the rotation still present the previous secret.
            c.set(BeaconOptions.CLIENT_STATE_FILE,
                    Files.writeString(dir.resolve("client-state"), secret + "," + previousSecret).toString());
            c.set(BeaconOptions.RULES_FILE, Files.writeString(dir.resolve("rules.json"), RULES).toString());
            c.set(BeaconOptions.FETCH_SIGNING_KEY_FILE, Files.writeString(dir.resolve("fetch-signing-keys"),
                    FetchedMessages.base64(fetchSigningKey) + "\n").toString());
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The built-in rule, plus two rules as an admin might write them: one backtracks catastrophically on a crafted
     * message (budget exhaustion, past the JDK's loop memoisation), one recurses once per character (a long message overflows the stack). Both are
     * anchored on phrases no other corpus message contains.
     */
    static final String RULES = """
            {
              "rules": [
                { "name": "teams-security-desk", "phrases": ["has placed an Emergency Call"], "senderKinds": ["user"] },
                { "name": "admin-panic-code", "patterns": ["panic code (.*?,){11}P"],
                  "senderKinds": ["user"] },
                { "name": "admin-security-alert", "patterns": ["security alert:(?:\\\\w|\\\\s)*triggered"],
                  "senderKinds": ["user"] }
              ]
            }
            """;

    // ---- content ---------------------------------------------------------------------------------------------------

    /** A unique word that marks one chatter message's content; it must never reach an output. */
    String sentinel(String what) {
        String s = "quokka" + (char) ('a' + nextSentinel % 26) + (char) ('a' + nextSentinel / 26 % 26)
                + "x" + what.replaceAll("[^A-Za-z]", "").toLowerCase(java.util.Locale.ROOT) + "y" + randomLetters(6);
        nextSentinel++;
        sentinels.add(s);
        return s;
    }

    String messageId() {
        return Long.toString(nextMessageId++);
    }

    static String chat(String name) {
        return "19:corpus-" + name + "@thread.v2";
    }

    /** A Graph chatMessage as the job sees it after decryption. */
    ObjectNode message(String id, String chatId, String createdIso, String html) {
        ObjectNode m = ChatMessages.chatter(html).id(id).chatId(chatId).times(createdIso).node();
        from(m, CHATTER_USER, "Bob Builder", TENANT);
        return m;
    }

    static void from(ObjectNode message, String userId, String name, String tenantId) {
        ChatMessages.fromUser(message, userId, name, tenantId);
    }

    /** The security-desk notification as far as public evidence shows it: from the caller, important. */
    ObjectNode emergency(Caller c, String id, String chatId, String dialed, String createdIso, String location) {
        return emergencyHtml(c, id, chatId, createdIso, "<div><p><b>" + html(c.displayName())
                + "</b> has placed an Emergency Call to " + dialed + ".</p><p>Location: " + html(location)
                + "</p></div>");
    }

    ObjectNode emergencyHtml(Caller c, String id, String chatId, String createdIso, String html) {
        ObjectNode m = message(id, chatId, createdIso, html);
        m.put("importance", "high");
        from(m, c.userId(), c.displayName(), c.tenantId());
        return m;
    }

    /** An ordinary message whose visible text holds a fresh sentinel and {@code text}. */
    ObjectNode chatter(String chatId, String text) {
        String id = messageId();
        return message(id, chatId, "2026-11-22T08:59:00.000Z", "<p>" + sentinel(text) + " " + html(text) + "</p>");
    }

    static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ---- notifications ---------------------------------------------------------------------------------------------

    /** A basic notification (no resource data), with the current secret. */
    ObjectNode basic(String subscriptionId, String changeType, String chatId, String messageId) {
        return basic(subscriptionId, changeType, chatId, messageId, TENANT);
    }

    ObjectNode basic(String subscriptionId, String changeType, String chatId, String messageId, String tenantId) {
        String resource = "chats('" + chatId + "')/messages('" + messageId + "')";
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", subscriptionId);
        n.put("changeType", changeType);
        n.put("clientState", secret);
        n.put("subscriptionExpirationDateTime", "2026-11-25T09:00:00-08:00");
        n.put("resource", resource);
        ObjectNode data = n.putObject("resourceData");
        data.put("id", messageId);
        data.put("@odata.type", "#Microsoft.Graph.chatMessage");
        data.put("@odata.id", resource);
        n.putNull("encryptedContent");
        if (tenantId != null) {
            n.put("tenantId", tenantId);
        }
        return n;
    }

    /** A rich notification: {@code message} encrypted for the job's certificate, as Graph does it. */
    ObjectNode rich(String subscriptionId, String changeType, ObjectNode message) {
        return rich(subscriptionId, changeType, message, TENANT);
    }

    ObjectNode rich(String subscriptionId, String changeType, ObjectNode message, String tenantId) {
        ObjectNode n = basic(subscriptionId, changeType, message.path("chatId").asText(),
                message.path("id").asText(), tenantId);
        byte[] plaintext = bytes(message);
        if (message instanceof EncodingFamily.RawMessage raw) {
            plaintext = raw.serialized(plaintext);
        }
        n.set("encryptedContent", encrypted(encrypt(plaintext)));
        return n;
    }

    /** A rich chatter notification in a fresh chat of its own. */
    ObjectNode richChatter(String text) {
        return rich(SUB_A, "created", chatter(chat("chatter-" + nextMessageId), text));
    }

    EncryptedContent encrypt(byte[] plaintext) {
        return GraphEncryption.encrypt(plaintext, keys.publicKey(), CERT_ID);
    }

    ObjectNode encrypted(EncryptedContent c) {
        ObjectNode e = json.createObjectNode();
        e.put("data", c.data());
        e.put("dataSignature", c.dataSignature());
        e.put("dataKey", c.dataKey());
        e.put("encryptionCertificateId", c.encryptionCertificateId());
        e.put("encryptionCertificateThumbprint", c.encryptionCertificateThumbprint());
        return e;
    }

    ObjectNode validationItem() {
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", "NA");
        n.put("subscriptionExpirationDateTime", "NA");
        n.put("clientState", "NA");
        n.put("changeType", "Validation: Testing client application reachability for subscription Request-Id: "
                + "522a8e7e-3f2b-4b1e-8f5e-2a6b5f0c1d9e");
        n.put("resource", "NA");
        n.putObject("resourceData").put("@odata.type", "NA").put("@odata.id", "NA").put("id", "NA");
        return n;
    }

    ObjectNode lifecycleItem(String subscriptionId, String event) {
        ObjectNode n = json.createObjectNode();
        n.put("subscriptionId", subscriptionId);
        n.put("subscriptionExpirationDateTime", "2026-11-25T09:00:00-08:00");
        n.put("tenantId", TENANT);
        n.put("clientState", secret);
        n.put("lifecycleEvent", event);
        return n;
    }

    // ---- envelopes ---------------------------------------------------------------------------------------------

    /** A Graph notification collection {@code {"value":[...]}}. */
    byte[] collection(JsonNode... items) {
        ObjectNode c = json.createObjectNode();
        ArrayNode value = c.putArray("value");
        for (JsonNode item : items) {
            value.add(item);
        }
        return bytes(c);
    }

    /** A structured-mode CloudEvent as Event Grid writes it. */
    ObjectNode cloudEvent(String type, JsonNode data) {
        ObjectNode e = json.createObjectNode();
        e.put("specversion", "1.0");
        e.put("id", "evt-" + (++nextEvent));
        e.put("type", type);
        e.put("source", CE_SOURCE);
        e.put("subject", data == null ? "chats/messages" : data.path("resource").asText("chats/messages"));
        e.put("time", "2026-11-22T09:00:00.000Z");
        e.put("datacontenttype", "application/json");
        if (data != null) {
            e.set("data", data);
        }
        return e;
    }

    /** The Kafka headers of a binary-mode CloudEvent. */
    String[] binaryHeaders(String type) {
        return new String[] {"ce_specversion", "1.0", "ce_id", "evt-" + (++nextEvent), "ce_type", type,
            "ce_source", CE_SOURCE, "ce_time", "2026-11-22T09:00:00.000Z", "content-type", "application/json"};
    }

    byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    String bytesAsText(JsonNode node) {
        return new String(bytes(node), StandardCharsets.UTF_8);
    }

    String bytesAsText(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- records -------------------------------------------------------------------------------------------------

    /** A Kafka record with this value; its timestamp is the corpus base time plus its offset in seconds. */
    static Corpus.RecordMaker value(byte[] value, String... headers) {
        return (topic, partition, offset) -> new RawRecord(topic, partition, offset,
                BASE_TIMESTAMP + offset * 1000, null, headers, value);
    }

    static Corpus.RecordMaker value(String value, String... headers) {
        return value(utf8(value), headers);
    }

    /** A Kafka record with an explicit timestamp (0: unknown). */
    static Corpus.RecordMaker valueAt(long timestampMillis, byte[] value, String... headers) {
        return (topic, partition, offset) -> new RawRecord(topic, partition, offset, timestampMillis, null, headers,
                value);
    }

    /**
     * A capture-file line in {@code kcat -J} format, read back with the job's own {@link CaptureLines}: the envelope
     * names the record's topic, partition and offset, so the record lands exactly at its corpus position.
     */
    Corpus.RecordMaker kcatEnvelope(JsonNode payload, String... headers) {
        return (topic, partition, offset) -> {
            ObjectNode envelope = json.createObjectNode();
            envelope.put("topic", topic).put("partition", partition).put("offset", offset).put("tstype", "create")
                    .put("ts", BASE_TIMESTAMP + offset * 1000).put("broker", 0);
            ArrayNode h = envelope.putArray("headers");
            for (String s : headers) {
                h.add(s);
            }
            envelope.putNull("key");
            envelope.set("payload", payload);
            return new CaptureLines(topic).parse(envelope.toString(), offset);
        };
    }

    /** A bare capture-file line: the record value itself. The capture's line number is the offset (partition 0). */
    static Corpus.RecordMaker bareCaptureLine(String line) {
        return (topic, partition, offset) -> {
            if (partition != 0) {
                throw new IllegalStateException("bare capture lines are read as partition 0");
            }
            return new CaptureLines(topic).parse(line, offset);
        };
    }

    // ---- forgeries -----------------------------------------------------------------------------------------------

    /** RSA-OAEP (SHA-1) wrap of {@code key} for {@code publicKey}, base64. */
    static String wrap(byte[] key, PublicKey publicKey) {
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA1AndMGF1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, publicKey);
            return Base64.getEncoder().encodeToString(rsa.doFinal(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] aesCbc(byte[] key, byte[] plaintext, boolean pad) {
        try {
            Cipher aes = Cipher.getInstance(pad ? "AES/CBC/PKCS5Padding" : "AES/CBC/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOf(key, 16)));
            return aes.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Graph's scheme by hand, so each step can be got wrong on purpose. */
    EncryptedContent handMade(byte[] aesKey, byte[] ciphertext, String signature, String wrappedKey) {
        return new EncryptedContent(Base64.getEncoder().encodeToString(ciphertext), signature, wrappedKey, CERT_ID,
                "00");
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String randomHex(int bytes) {
        return HexFormat.of().formatHex(randomBytes(bytes));
    }

    private String randomLetters(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }
}
