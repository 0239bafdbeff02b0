package dev.beacon.job.testing;

import dev.beacon.contracts.crypto.EncryptedContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft's rich-notification test vector, read from the unchanged copy of msgraph-sdk-java-core's
 * {@code DecryptableContentTests.java} kept once, in the contracts module's
 * {@code src/test/resources/vectors/msgraph-sdk-java-core} (see the NOTICE there), and on this class path through
 * the beacon-contracts test-jar. Microsoft ships it as string literals in that test; this class concatenates them, exactly as the Java
 * compiler would, so the file can stay byte for byte as published.
 *
 * @param pkcs12      the keystore, base64-decoded from the test's {@code certificateString}
 * @param password    the keystore password ({@code caPassword})
 * @param alias       the alias the test reads the key from
 * @param content     the notification's {@code encryptedContent}
 * @param etag        the {@code etag} Microsoft's test expects in the decrypted chatMessage
 */
public record MicrosoftGraphTestVector(
        byte[] pkcs12, String password, String alias, EncryptedContent content, String etag) {

    public static final String RESOURCE = "/vectors/msgraph-sdk-java-core/DecryptableContentTests.java";

    /** Java string literals without escapes (the vector has none): {@code "..."}. */
    private static final Pattern LITERAL = Pattern.compile("\"([^\"\\\\\\n]*)\"");

    public static MicrosoftGraphTestVector load() {
        String source;
        try (InputStream in = MicrosoftGraphTestVector.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test class path");
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
        EncryptedContent content = new EncryptedContent(
                literal(source, "setData("),
                literal(source, "setDataSignature("),
                literal(source, "setDataKey("),
                literal(source, "setEncryptionCertificateId("),
                literal(source, "setEncryptionCertificateThumbprint("));
        return new MicrosoftGraphTestVector(
                Base64.getDecoder().decode(literal(source, "var certificateString =")),
                literal(source, "String caPassword ="),
                literal(source, "ks.getKey("),
                content,
                literal(source, "assertEquals("));
    }

    /** Writes the keystore as shipped (PKCS12) to {@code dir}, for code that loads keystores from files. */
    public Path writeKeystore(Path dir) {
        try {
            return Files.write(dir.resolve("msgraph-rich-notifications-test.p12"), pkcs12);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the test keystore", e);
        }
    }

    /**
     * The concatenation of the string literals of the statement that starts at {@code marker}: up to the next
     * {@code ;}, which the vector's base64 and comments never contain.
     */
    static String literal(String source, String marker) {
        int start = source.indexOf(marker);
        if (start < 0 || source.indexOf(marker, start + 1) >= 0) {
            throw new IllegalStateException("expected exactly one " + marker + " in " + RESOURCE);
        }
        int end = source.indexOf(';', start);
        Matcher m = LITERAL.matcher(source.substring(start, end));
        StringBuilder value = new StringBuilder();
        while (m.find()) {
            value.append(m.group(1));
        }
        if (value.isEmpty()) {
            throw new IllegalStateException("no string literal after " + marker + " in " + RESOURCE);
        }
        return value.toString();
    }

    @Override
    public String toString() {
        return "MicrosoftGraphTestVector{" + alias + ", " + content.encryptionCertificateId() + "}";
    }
}
