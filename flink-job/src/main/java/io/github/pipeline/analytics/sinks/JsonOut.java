package io.github.pipeline.analytics.sinks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one flat JSON object (string and integer fields) to bytes, byte for byte as the job's Jackson
 * mapper did ({@code JsonOutTest} compares them): Jackson's general machinery (a generator, bean
 * serializers, reflection per field) was a tenth of the bottleneck thread's time for records this simple.
 *
 * <p>Escaping, as Jackson's defaults: {@code "} and {@code \} with a backslash; {@code \b \t \n \f \r} short;
 * other chars below 0x20 as {@code \}{@code u00XX} (upper-case hex); UTF-16 surrogates, paired or not, as
 * {@code \}{@code uXXXX} each (Jackson does not combine them, and so never fails on a lone one); everything
 * else as UTF-8. Not thread-safe: one per sink writer, reused for every record.
 */
public final class JsonOut {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[256];
    /** Scratch for {@link #number}: the digits of a long, right-aligned. */
    private final byte[] digits = new byte[19];
    private int len;
    private boolean first;

    /** Starts a new object, dropping whatever was written before. */
    public JsonOut begin() {
        len = 0;
        first = true;
        put('{');
        return this;
    }

    public JsonOut field(String name, String value) {
        name(name);
        if (value == null) {
            putAll(NULL);
        } else {
            string(value);
        }
        return this;
    }

    public JsonOut field(String name, long value) {
        name(name);
        number(value);
        return this;
    }

    /** Closes the object and returns a copy of its bytes. */
    public byte[] end() {
        put('}');
        return Arrays.copyOf(buf, len);
    }

    /** @param name a field name of the job's own records: plain ASCII, nothing to escape */
    private void name(String name) {
        if (!first) {
            put(',');
        }
        first = false;
        ensure(name.length() + 3);
        buf[len++] = '"';
        for (int i = 0; i < name.length(); i++) {
            buf[len++] = (byte) name.charAt(i);
        }
        buf[len++] = '"';
        buf[len++] = ':';
    }

    private void string(String s) {
        int n = s.length();
        ensure(n * 6 + 2);   // the worst case: every char a six-byte escape
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    b[p++] = (byte) c;
                } else {
                    p = escapeAscii(b, p, c);
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                p = unicodeEscape(b, p, c);
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[p++] = '"';
        len = p;
    }

    private static int escapeAscii(byte[] b, int p, char c) {
        byte shortForm;
        switch (c) {
            case '"': shortForm = '"'; break;
            case '\\': shortForm = '\\'; break;
            case '\b': shortForm = 'b'; break;
            case '\t': shortForm = 't'; break;
            case '\n': shortForm = 'n'; break;
            case '\f': shortForm = 'f'; break;
            case '\r': shortForm = 'r'; break;
            default: return unicodeEscape(b, p, c);
        }
        b[p++] = '\\';
        b[p++] = shortForm;
        return p;
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }

    /**
     * Decimal digits, two per division, written backwards into a scratch array: counting the digits
     * first and then dividing by 10 per digit cost as much as the rest of a record (timestamps and versions
     * have 13 digits).
     */
    private void number(long v) {
        if (v == Long.MIN_VALUE) {   // its negation does not fit in a long
            putAll(MIN_LONG);
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        byte[] d = digits;
        int p = d.length;
        while (v >= 100) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            d[--p] = (byte) ('0' + r % 10);
            d[--p] = (byte) ('0' + r / 10);
            v = q;
        }
        int r = (int) v;
        d[--p] = (byte) ('0' + r % 10);
        if (r >= 10) {
            d[--p] = (byte) ('0' + r / 10);
        }
        int n = d.length - p;
        System.arraycopy(d, p, buf, len, n);
        len += n;
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void putAll(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
