package dev.beacon.job.corpus;

import static dev.beacon.job.corpus.Corpus.DECRYPTION_FAILED;
import static dev.beacon.job.corpus.Corpus.HMAC_MISMATCH;
import static dev.beacon.job.corpus.Corpus.INVALID_RESOURCE_DATA;
import static dev.beacon.job.corpus.Corpus.UNKNOWN_CERTIFICATE;
import static dev.beacon.job.corpus.Corpus.dead;
import static dev.beacon.job.corpus.Corpus.ignored;
import static dev.beacon.job.corpus.Corpus.items;
import static dev.beacon.job.corpus.CorpusKit.SUB_A;
import static dev.beacon.job.corpus.CorpusKit.chat;
import static dev.beacon.job.corpus.CorpusKit.value;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beacon.job.corpus.Corpus.Table;
import dev.beacon.contracts.crypto.EncryptedContent;
import dev.beacon.job.testing.GraphEncryption;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;

/**
 * Rich notifications whose encrypted content is broken or forged, each carrying (or meant to carry) an emergency
 * message from Eve: bad base64, a wrong or missing HMAC, a truncated or foreign or wrong-sized key, an unknown
 * certificate, bad padding under a valid HMAC, and authentic ciphertexts of something that is not a chatMessage.
 * The clientState is right in all of them, so each reaches the decryptor.
 */
final class CryptoFamily {

    private CryptoFamily() {}

    static Table build(CorpusKit kit) {
        Table t = new Table("crypto", 0);
        t.row("data is not base64", tampered(kit, c -> with(c, "data", "%%%not-base64%%%")),
                items(dead(DECRYPTION_FAILED)));
        t.row("dataKey is not base64", tampered(kit, c -> with(c, "dataKey", "!!!")), items(dead(DECRYPTION_FAILED)));
        t.row("dataSignature is not base64", tampered(kit, c -> with(c, "dataSignature", "@@@")),
                items(dead(HMAC_MISMATCH)));
        t.row("dataSignature missing", tampered(kit, c -> with(c, "dataSignature", null)), items(dead(HMAC_MISMATCH)));
        t.row("data tampered (HMAC mismatch)", tampered(kit, GraphEncryption::tamperData), items(dead(HMAC_MISMATCH)));
        EncryptedContent other = kit.encrypt(kit.bytes(eve(kit)));
        t.row("dataSignature of another message", tampered(kit, c -> with(c, "dataSignature", other.dataSignature())),
                items(dead(HMAC_MISMATCH)));
        t.row("dataKey truncated to half", tampered(kit, c -> with(c, "dataKey", Base64.getEncoder().encodeToString(
                Arrays.copyOf(Base64.getDecoder().decode(c.dataKey()), 128)))), items(dead(DECRYPTION_FAILED)));
        t.row("dataKey of 64 KB", tampered(kit, c -> with(c, "dataKey", Base64.getEncoder().encodeToString(
                kit.randomBytes(65_536)))), items(dead(DECRYPTION_FAILED)));
        t.row("unknown encryptionCertificateId", tampered(kit, c -> with(c, "encryptionCertificateId", "other-cert")),
                items(dead(UNKNOWN_CERTIFICATE)));
        t.row("encrypted for another certificate under our certificate id", value(kit.collection(withContent(kit,
                GraphEncryption.encrypt(kit.bytes(eve(kit)), kit.stranger.publicKey(), CorpusKit.CERT_ID)))),
                items(dead(DECRYPTION_FAILED)));
        t.row("encrypted for another certificate, its own id", value(kit.collection(withContent(kit,
                GraphEncryption.encrypt(kit.bytes(eve(kit)), kit.stranger.publicKey(), kit.stranger.certificateId())))),
                items(dead(UNKNOWN_CERTIFICATE)));

        byte[] shortKey = kit.randomBytes(16);
        byte[] ciphertext = CorpusKit.aesCbc(shortKey, kit.bytes(eve(kit)), true);
        t.row("a 16-byte AES key (Graph uses 32)", value(kit.collection(withContent(kit, kit.handMade(shortKey,
                ciphertext, CorpusKit.hmac(shortKey, ciphertext), CorpusKit.wrap(shortKey, kit.keys.publicKey()))))),
                items(dead(DECRYPTION_FAILED)));
        byte[] key = kit.randomBytes(32);
        byte[] unpadded = CorpusKit.aesCbc(key, Arrays.copyOf(kit.bytes(eve(kit)), 160), false);
        t.row("bad padding under a valid HMAC", value(kit.collection(withContent(kit, kit.handMade(key, unpadded,
                CorpusKit.hmac(key, unpadded), CorpusKit.wrap(key, kit.keys.publicKey()))))),
                items(dead(DECRYPTION_FAILED)));
        byte[] partial = CorpusKit.aesCbc(key, kit.bytes(eve(kit)), true);
        byte[] notBlocks = Arrays.copyOf(partial, partial.length - 5);
        t.row("ciphertext not a whole number of blocks, valid HMAC", value(kit.collection(withContent(kit,
                kit.handMade(key, notBlocks, CorpusKit.hmac(key, notBlocks), CorpusKit.wrap(key,
                        kit.keys.publicKey()))))), items(dead(DECRYPTION_FAILED)));

        t.row("authentic ciphertext of text that is not JSON", plaintext(kit,
                "Eve Forger has placed an Emergency Call to 911."), items(dead(INVALID_RESOURCE_DATA)));
        t.row("authentic ciphertext of a JSON array", plaintext(kit, "[" + kit.bytesAsText(eve(kit)) + "]"),
                items(dead(INVALID_RESOURCE_DATA)));
        t.row("authentic ciphertext of nothing", plaintext(kit, ""), items(dead(INVALID_RESOURCE_DATA)));
        t.row("authentic ciphertext of JSON with trailing garbage", plaintext(kit, kit.bytesAsText(eve(kit)) + "}"),
                items(dead(INVALID_RESOURCE_DATA)));

        ObjectNode caseInsensitive = kit.richChatter("certificate id case");
        ObjectNode content = (ObjectNode) caseInsensitive.get("encryptedContent");
        content.put("encryptionCertificateId", CorpusKit.CERT_ID.toUpperCase(Locale.ROOT));
        t.row("certificate id in another case (ids ignore case)", value(kit.collection(caseInsensitive)),
                items(ignored()));
        return t;
    }

    private static ObjectNode eve(CorpusKit kit) {
        return kit.emergency(AuthenticityFamily.EVE, kit.messageId(), chat("eve-crypto"), "911",
                "2026-11-22T10:45:00.000Z", "Nowhere");
    }

    /** Eve's emergency, encrypted correctly, then changed by {@code change}. */
    private static Corpus.RecordMaker tampered(CorpusKit kit, Function<EncryptedContent, EncryptedContent> change) {
        return value(kit.collection(withContent(kit, change.apply(kit.encrypt(kit.bytes(eve(kit)))))));
    }

    private static Corpus.RecordMaker plaintext(CorpusKit kit, String text) {
        return value(kit.collection(withContent(kit, kit.encrypt(CorpusKit.utf8(text)))));
    }

    private static ObjectNode withContent(CorpusKit kit, EncryptedContent content) {
        ObjectNode n = kit.basic(SUB_A, "created", chat("eve-crypto"), kit.messageId());
        n.set("encryptedContent", kit.encrypted(content));
        if (content.dataSignature() == null) {
            ((ObjectNode) n.get("encryptedContent")).remove("dataSignature");
        }
        return n;
    }

    private static EncryptedContent with(EncryptedContent c, String field, String value) {
        return new EncryptedContent(
                field.equals("data") ? value : c.data(),
                field.equals("dataSignature") ? value : c.dataSignature(),
                field.equals("dataKey") ? value : c.dataKey(),
                field.equals("encryptionCertificateId") ? value : c.encryptionCertificateId(),
                c.encryptionCertificateThumbprint());
    }
}
