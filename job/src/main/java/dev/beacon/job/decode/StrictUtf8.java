package dev.beacon.job.decode;

/**
 * Checks bytes against RFC 3629 before Jackson sees them. Jackson's parser rejects most broken UTF-8 but decodes
 * overlong forms ({@code C0 AF} as {@code /}) and encoded surrogates without complaint; overlong forms are the
 * classic way to smuggle characters past text checks, and JSON must be UTF-8 (RFC 8259 section 8.1).
 */
final class StrictUtf8 {

    private StrictUtf8() {}

    /** The offset of the first byte that is not part of well-formed UTF-8, or -1 when all of it is. */
    static int firstMalformedOffset(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) { // ASCII, by far the common case
                i++;
                continue;
            }
            int lead = b & 0xFF;
            int length;
            int min2; // allowed range of the second byte, to exclude overlongs, surrogates and > U+10FFFF
            int max2 = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                length = 2;
                min2 = 0x80;
            } else if (lead == 0xE0) {
                length = 3;
                min2 = 0xA0;
            } else if (lead == 0xED) {
                length = 3;
                min2 = 0x80;
                max2 = 0x9F;
            } else if (lead >= 0xE1 && lead <= 0xEF) {
                length = 3;
                min2 = 0x80;
            } else if (lead == 0xF0) {
                length = 4;
                min2 = 0x90;
            } else if (lead >= 0xF1 && lead <= 0xF3) {
                length = 4;
                min2 = 0x80;
            } else if (lead == 0xF4) {
                length = 4;
                min2 = 0x80;
                max2 = 0x8F;
            } else {
                return i; // C0, C1, F5-FF, or a stray continuation byte
            }
            if (i + length > n) {
                return i;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < min2 || second > max2) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
