package io.smsgw.smpp.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Immutable, ordered list of TLVs as they appeared on the wire (unknown tags included, order
 * kept, duplicates kept). Lookups return the first TLV with the tag; lists are short, so a
 * linear scan beats a map.
 */
public final class Tlvs implements Iterable<Tlv> {

    /** No TLVs. */
    public static final Tlvs EMPTY = new Tlvs(new Tlv[0]);

    private final Tlv[] items;

    private Tlvs(Tlv[] items) {
        this.items = items;
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

    /** Wraps an array the caller hands over (decoder use; no copy). */
    static Tlvs wrap(Tlv[] items) {
        return items.length == 0 ? EMPTY : new Tlvs(items);
    }

    /** Starts an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of TLVs. */
    public int size() {
        return items.length;
    }

    public boolean isEmpty() {
        return items.length == 0;
    }

    /** The first TLV with this tag, or {@code null}. */
    public Tlv get(short tag) {
        for (Tlv tlv : items) {
            if (tlv.tag() == tag) {
                return tlv;
            }
        }
        return null;
    }

    public boolean contains(short tag) {
        return get(tag) != null;
    }

    /** The C-Octet String value of the tag (see {@link Tlv#asCString()}), or {@code null} if absent. */
    public String getCString(short tag) {
        Tlv tlv = get(tag);
        return tlv == null ? null : tlv.asCString();
    }

    /** The one-byte unsigned value of the tag, or -1 if absent or not one byte long. */
    public int getU8(short tag) {
        Tlv tlv = get(tag);
        return tlv == null ? -1 : tlv.asU8();
    }

    /** The two-byte unsigned value of the tag, or -1 if absent or not two bytes long. */
    public int getU16(short tag) {
        Tlv tlv = get(tag);
        return tlv == null ? -1 : tlv.asU16();
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
        List<Tlv> out = new ArrayList<>(items.length + 1);
        boolean placed = false;
        for (Tlv existing : items) {
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
        List<Tlv> out = new ArrayList<>(items.length);
        for (Tlv existing : items) {
            if (existing.tag() != tag) {
                out.add(existing);
            }
        }
        return out.isEmpty() ? EMPTY : new Tlvs(out.toArray(new Tlv[0]));
    }

    /** The TLV at {@code index} in wire order. */
    public Tlv at(int index) {
        return items[index];
    }

    /** The backing array, for the encoder's allocation-free loop; never modified. */
    Tlv[] items() {
        return items;
    }

    /** Unmodifiable view in wire order. */
    public List<Tlv> asList() {
        return Collections.unmodifiableList(Arrays.asList(items));
    }

    /** Total encoded size: 4 header bytes plus the value per TLV. */
    public int encodedLength() {
        int length = 0;
        for (Tlv tlv : items) {
            length += 4 + tlv.length();
        }
        return length;
    }

    @Override
    public Iterator<Tlv> iterator() {
        return asList().iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlvs other && Arrays.equals(items, other.items);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return Arrays.toString(items);
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
