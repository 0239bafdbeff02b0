package dev.beacon.job.decode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beacon.job.redact.ClientStateRedaction;
import dev.beacon.job.redact.SecretScrubber;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The {@code raw} text of a dead letter: the input as received, with {@code clientState} redacted and the configured
 * secrets scrubbed (the dead-letter table is no place for subscription secrets), cut to a maximum length.
 *
 * <p>Order matters: secrets are scrubbed before the cut, so that a cut cannot split one into pieces that no longer
 * look like it, and the end left by the cut is checked again, so that it cannot leave the start of one.
 */
record DeadLetterRaw(String text, boolean truncated) {

    static final String REDACTED = ClientStateRedaction.MARKER;

    /**
     * How far past the limit text is searched for secrets. Redaction can shorten text (a long escaped secret becomes
     * a short marker), so a little more than the limit is kept; searching all of a 2 MiB record would only cost time.
     */
    static final int SEARCH_MARGIN = 8192;

    /** A notification that parsed: {@code clientState} is redacted by structure, then the JSON is written. */
    static DeadLetterRaw ofJson(JsonNode node, Function<JsonNode, String> toJson, int maxChars,
            SecretScrubber secrets) {
        String json = toJson.apply(ClientStateRedaction.masked(node));
        String window = searchWindow(json, maxChars);
        boolean cut = window.length() < json.length();
        return cut(cut ? secrets.redactCutText(window) : secrets.redact(window), maxChars, secrets, cut);
    }

    /**
     * A record that did not parse (or whose envelope was rejected): only the part that can survive the cut is
     * decoded, and {@code clientState} members are found by scanning the text.
     */
    static DeadLetterRaw ofRecordValue(byte[] value, int maxChars, SecretScrubber secrets) {
        byte[] bytes = value == null ? new byte[0] : value;
        // A UTF-16 char never takes more than 3 UTF-8 bytes.
        int prefix = (int) Math.min(bytes.length, 3L * ((long) maxChars + SEARCH_MARGIN) + 4);
        // End on a character boundary: half a character would decode to U+FFFD and hide the start of a secret.
        while (prefix > 0 && prefix < bytes.length && (bytes[prefix] & 0xC0) == 0x80) {
            prefix--;
        }
        return ofText(new String(bytes, 0, prefix, StandardCharsets.UTF_8), maxChars, secrets,
                prefix < bytes.length);
    }

    /** Text that may be broken or already cut. */
    static DeadLetterRaw ofText(String text, int maxChars, SecretScrubber secrets, boolean alreadyTruncated) {
        String all = text == null ? "" : text;
        String window = searchWindow(all, maxChars);
        String masked = ClientStateRedaction.maskedInText(window);
        return cut(secrets.redactCutText(masked), maxChars, secrets,
                alreadyTruncated || window.length() < all.length());
    }

    private static String searchWindow(String text, int maxChars) {
        long window = (long) maxChars + SEARCH_MARGIN;
        return text.length() <= window ? text : text.substring(0, safeEnd(text, (int) window));
    }

    /** Without configured secrets: {@code clientState} members only. */
    static DeadLetterRaw of(String text, int maxChars) {
        return ofText(text, maxChars, SecretScrubber.none(), false);
    }

    /**
     * Cuts to {@code maxChars}, never inside a surrogate pair. When the cut leaves the start of a secret at the end,
     * that start is replaced by the marker, and the result still fits (unless the limit is shorter than the marker).
     */
    private static DeadLetterRaw cut(String text, int maxChars, SecretScrubber secrets, boolean alreadyTruncated) {
        String body = text;
        String suffix = "";
        boolean truncated = alreadyTruncated;
        while (body.length() + suffix.length() > maxChars && !body.isEmpty()) {
            body = body.substring(0, safeEnd(body, Math.max(0, maxChars - suffix.length())));
            truncated = true;
            int secretStart = secrets.startOfSecretAtEnd(body);
            if (secretStart >= 0) {
                body = body.substring(0, secretStart);
                suffix = REDACTED;
            }
        }
        return new DeadLetterRaw(body + suffix, truncated);
    }

    private static int safeEnd(String s, int end) {
        return end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) ? end - 1 : end;
    }
}
