package dev.beacon.contracts.fetched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.contracts.crypto.DecryptionException;
import dev.beacon.contracts.crypto.RichNotificationCrypto;
import dev.beacon.contracts.records.ContractFormatException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control plane's side (encrypt, sign, encode) against the job's side (parse, verify, decrypt). */
class FetchedMessageRoundTripTest {

    private static KeyPair rsa;
    private static final byte[] KEY = new byte[32];
    private static final byte[] OTHER_KEY = new byte[32];

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        KEY[0] = 1;
        OTHER_KEY[0] = 2;
    }

    private static FetchedMessage sample() {
        byte[] message = "{\"id\":\"1700\",\"chatId\":\"19:a@thread.v2\"}".getBytes(StandardCharsets.UTF_8);
        return FetchedMessageSignature.sign(new FetchedMessage(Origin.BACKFILL, "contoso", "tenant-1", null,
                "19:a@thread.v2", "1700", Instant.parse("2026-11-27T20:00:00Z"),
                RichNotificationCrypto.encrypt(message, rsa.getPublic(), "cert-1", "AB12"), null), KEY);
    }

    @Test
    void aSignedEncryptedMessageSurvivesTheTopic() throws Exception {
        FetchedMessage sent = sample();
        FetchedMessage received = FetchedMessageCodec.fromJson(
                new ObjectMapper().readTree(FetchedMessageCodec.toBytes(sent)));

        assertThat(received).isEqualTo(sent);
        assertThat(FetchedMessageSignature.verify(received, List.of(OTHER_KEY, KEY))).isTrue();
        byte[] plain = new RichNotificationCrypto.Decryptor(
                (id, thumbprint) -> "cert-1".equals(id) ? Optional.of(rsa.getPrivate()) : Optional.empty())
                .decrypt(received.content());
        assertThat(new String(plain, StandardCharsets.UTF_8)).contains("\"chatId\":\"19:a@thread.v2\"");
    }

    @Test
    void anyChangedFieldOrAnotherKeyFailsVerification() {
        FetchedMessage m = sample();
        assertThat(FetchedMessageSignature.verify(m, List.of(OTHER_KEY))).isFalse();
        assertThat(FetchedMessageSignature.verify(m, List.of())).isFalse();
        FetchedMessage otherChat = new FetchedMessage(m.origin(), m.integrationId(), m.tenantId(),
                m.subscriptionId(), "19:b@thread.v2", m.messageId(), m.fetchedAt(), m.content(), m.signature());
        assertThat(FetchedMessageSignature.verify(otherChat, List.of(KEY))).isFalse();
        FetchedMessage hydration = new FetchedMessage(Origin.HYDRATION, m.integrationId(), m.tenantId(),
                m.subscriptionId(), m.chatId(), m.messageId(), m.fetchedAt(), m.content(), m.signature());
        assertThat(FetchedMessageSignature.verify(hydration, List.of(KEY))).isFalse();
        assertThat(FetchedMessageSignature.verify(m.withSignature("not base64!"), List.of(KEY))).isFalse();
    }

    @Test
    void malformedRecordsNameTheField() {
        ObjectNode n = FetchedMessageCodec.toJson(sample());
        n.remove("chat_id");
        assertThatThrownBy(() -> FetchedMessageCodec.fromJson(n))
                .isInstanceOf(ContractFormatException.class).hasMessage("chat_id is missing or empty");
        ObjectNode origin = FetchedMessageCodec.toJson(sample()).put("origin", "graph");
        assertThatThrownBy(() -> FetchedMessageCodec.fromJson(origin))
                .hasMessage("origin is neither hydration nor backfill");
        ObjectNode time = FetchedMessageCodec.toJson(sample()).put("fetched_at", "yesterday");
        assertThatThrownBy(() -> FetchedMessageCodec.fromJson(time)).hasMessage("fetched_at is not an ISO-8601 instant");
        assertThat(FetchedMessageCodec.claims(new ObjectMapper().createObjectNode().put("schema", "x"))).isFalse();
    }

    @Test
    void aTamperedCiphertextIsAnHmacMismatch() {
        FetchedMessage m = sample();
        var c = m.content();
        var tampered = new dev.beacon.contracts.crypto.EncryptedContent(
                c.data().substring(0, c.data().length() - 4) + "AAA=", c.dataSignature(), c.dataKey(),
                c.encryptionCertificateId(), c.encryptionCertificateThumbprint());
        assertThatThrownBy(() -> new RichNotificationCrypto.Decryptor((id, t) -> Optional.of(rsa.getPrivate()))
                .decrypt(tampered))
                .isInstanceOf(DecryptionException.class)
                .satisfies(e -> assertThat(((DecryptionException) e).failure())
                        .isEqualTo(DecryptionException.Failure.HMAC_MISMATCH));
    }
}
