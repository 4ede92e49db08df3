package io.smsgw.smpp.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Immutable, ordered list of TLVs as they appeared on the wire (unknown tags included, order
 * kept, duplicates kept). Lookups return the first TLV with the tag; lists are short, so a
 * linear scan beats a map.
 *
 * <p>A decoded list keeps the TLV bytes of the frame as one array (validated by the decoder) and
 * builds {@link Tlv} objects only when asked for them: the lookups the gateway makes on every
 * PDU ({@link #contains}, {@link #getU8}, {@link #getU16}, {@link #getCString}) read the bytes
 * directly, and the encoder writes them back as they are. Both forms behave the same, equality
 * included.
 */
public final class Tlvs implements Iterable<Tlv> {

    /** No TLVs. */
    public static final Tlvs EMPTY = new Tlvs(new Tlv[0]);

    /** Tag, length and value of each TLV as on the wire; {@code null} for a list built from {@link Tlv}s. */
    private final byte[] wire;
    private final int count;
    /** The TLV objects; for a decoded list made on first use (idempotent, so a race only costs a duplicate). */
    private volatile Tlv[] items;

    private Tlvs(Tlv[] items) {
        this.wire = null;
        this.count = items.length;
        this.items = items;
    }

    private Tlvs(byte[] wire, int count) {
        this.wire = wire;
        this.count = count;
    }

    /** A list holding the given TLVs in order. */
    public static Tlvs of(Tlv... tlvs) {
        if (tlvs.length == 0) {
            return EMPTY;
        }
        Tlv[] copy = tlvs.clone();
        for (Tlv tlv : copy) {
            if (tlv == null) {
                throw new NullPointerException("null TLV");
            }
        }
        return new Tlvs(copy);
    }

    /** A list holding the given TLVs in order. */
    public static Tlvs of(List<Tlv> tlvs) {
        return of(tlvs.toArray(new Tlv[0]));
    }

    /**
     * Decoder use: {@code count} TLVs laid out in {@code wire} exactly as on the wire, each one's
     * length already checked against the array; the array is handed over (not copied).
     */
    static Tlvs ofWire(byte[] wire, int count) {
        return count == 0 ? EMPTY : new Tlvs(wire, count);
    }

    /** Starts an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of TLVs. */
    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** The first TLV with this tag, or {@code null}. */
    public Tlv get(short tag) {
        if (wire != null && find(tag) < 0) {
            return null; // no need to build the objects to say so
        }
        for (Tlv tlv : items()) {
            if (tlv.tag() == tag) {
                return tlv;
            }
        }
        return null;
    }

    public boolean contains(short tag) {
        return wire != null ? find(tag) >= 0 : get(tag) != null;
    }

    /** The C-Octet String value of the tag (see {@link Tlv#asCString()}), or {@code null} if absent. */
    public String getCString(short tag) {
        if (wire == null) {
            Tlv tlv = get(tag);
            return tlv == null ? null : tlv.asCString();
        }
        int at = find(tag);
        if (at < 0) {
            return null;
        }
        int start = at + 4;
        int limit = start + valueLength(at);
        int nul = start;
        while (nul < limit && wire[nul] != 0) {
            nul++;
        }
        return nul == start ? "" : new String(wire, start, nul - start, StandardCharsets.ISO_8859_1);
    }

    /** The one-byte unsigned value of the tag, or -1 if absent or not one byte long. */
    public int getU8(short tag) {
        if (wire == null) {
            Tlv tlv = get(tag);
            return tlv == null ? -1 : tlv.asU8();
        }
        int at = find(tag);
        return at < 0 || valueLength(at) != 1 ? -1 : wire[at + 4] & 0xFF;
    }

    /** The two-byte unsigned value of the tag, or -1 if absent or not two bytes long. */
    public int getU16(short tag) {
        if (wire == null) {
            Tlv tlv = get(tag);
            return tlv == null ? -1 : tlv.asU16();
        }
        int at = find(tag);
        return at < 0 || valueLength(at) != 2 ? -1 : u16(at + 4);
    }

    /** The raw value of the tag, or {@code null} if absent. The array must not be modified. */
    public byte[] getBytes(short tag) {
        Tlv tlv = get(tag);
        return tlv == null ? null : tlv.value();
    }

    /** A copy where {@code tlv} replaces every TLV with the same tag (in place of the first), or is appended. */
    public Tlvs with(Tlv tlv) {
        if (tlv == null) {
            throw new NullPointerException("null TLV");
        }
        Tlv[] current = items();
        List<Tlv> out = new ArrayList<>(current.length + 1);
        boolean placed = false;
        for (Tlv existing : current) {
            if (existing.tag() != tlv.tag()) {
                out.add(existing);
            } else if (!placed) {
                out.add(tlv);
                placed = true;
            }
        }
        if (!placed) {
            out.add(tlv);
        }
        return new Tlvs(out.toArray(new Tlv[0]));
    }

    /** A copy without any TLV of this tag. */
    public Tlvs without(short tag) {
        if (!contains(tag)) {
            return this;
        }
        Tlv[] current = items();
        List<Tlv> out = new ArrayList<>(current.length);
        for (Tlv existing : current) {
            if (existing.tag() != tag) {
                out.add(existing);
            }
        }
        return out.isEmpty() ? EMPTY : new Tlvs(out.toArray(new Tlv[0]));
    }

    /** The TLV at {@code index} in wire order. */
    public Tlv at(int index) {
        return items()[index];
    }

    /** Unmodifiable view in wire order. */
    public List<Tlv> asList() {
        return Collections.unmodifiableList(Arrays.asList(items()));
    }

    /** Total encoded size: 4 header bytes plus the value per TLV. */
    public int encodedLength() {
        if (wire != null) {
            return wire.length;
        }
        int length = 0;
        for (Tlv tlv : items()) {
            length += 4 + tlv.length();
        }
        return length;
    }

    /**
     * Writes the wire form of every TLV in order at {@code out[at]} (room for {@link #encodedLength()}
     * bytes must be there) and returns the index after it; the encoder's allocation-free path.
     */
    int writeTo(byte[] out, int at) {
        if (wire != null) {
            System.arraycopy(wire, 0, out, at, wire.length);
            return at + wire.length;
        }
        int p = at;
        for (Tlv tlv : items()) {
            byte[] value = tlv.value();
            out[p] = (byte) (tlv.tag() >>> 8);
            out[p + 1] = (byte) tlv.tag();
            out[p + 2] = (byte) (value.length >>> 8);
            out[p + 3] = (byte) value.length;
            System.arraycopy(value, 0, out, p + 4, value.length);
            p += 4 + value.length;
        }
        return p;
    }

    @Override
    public Iterator<Tlv> iterator() {
        return asList().iterator();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tlvs other)) {
            return false;
        }
        if (wire != null && other.wire != null) {
            return Arrays.equals(wire, other.wire);
        }
        return Arrays.equals(items(), other.items());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(items());
    }

    @Override
    public String toString() {
        return Arrays.toString(items());
    }

    /** The TLV objects in wire order; never modified. */
    private Tlv[] items() {
        Tlv[] built = items;
        if (built == null) {
            built = parseWire();
            items = built;
        }
        return built;
    }

    private Tlv[] parseWire() {
        Tlv[] parsed = new Tlv[count];
        int p = 0;
        for (int i = 0; i < count; i++) {
            int length = valueLength(p);
            parsed[i] = new Tlv((short) u16(p), length == 0 ? Fields.NO_BYTES : Arrays.copyOfRange(wire, p + 4, p + 4 + length));
            p += 4 + length;
        }
        return parsed;
    }

    /** Offset in {@link #wire} of the first TLV with {@code tag}, or -1. */
    private int find(short tag) {
        int wanted = tag & 0xFFFF;
        for (int p = 0; p < wire.length; p += 4 + valueLength(p)) {
            if (u16(p) == wanted) {
                return p;
            }
        }
        return -1;
    }

    private int valueLength(int at) {
        return u16(at + 2);
    }

    private int u16(int p) {
        return (wire[p] & 0xFF) << 8 | (wire[p + 1] & 0xFF);
    }

    /** Collects TLVs in order; {@link #build()} may be called once or many times. */
    public static final class Builder {
        private final List<Tlv> items = new ArrayList<>(4);

        private Builder() {
        }

        public Builder add(Tlv tlv) {
            if (tlv == null) {
                throw new NullPointerException("null TLV");
            }
            items.add(tlv);
            return this;
        }

        public Builder add(short tag, byte[] value) {
            return add(new Tlv(tag, value));
        }

        public Builder addU8(short tag, int value) {
            return add(Tlv.ofU8(tag, value));
        }

        public Builder addU16(short tag, int value) {
            return add(Tlv.ofU16(tag, value));
        }

        public Builder addCString(short tag, String text) {
            return add(Tlv.ofCString(tag, text));
        }

        public Tlvs build() {
            return items.isEmpty() ? EMPTY : new Tlvs(items.toArray(new Tlv[0]));
        }
    }
}
