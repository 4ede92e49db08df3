package io.smsgw.core.concat;

import io.smsgw.core.text.Gsm7Packing;
import io.smsgw.core.text.SmsEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Splits a message into segments that each fit one SMS (140 octets of user data).
 *
 * <p>A message that fits one SMS — 160 GSM7 septets, 140 octets, 70 UCS2 characters — becomes a single
 * segment without a UDH. A longer one becomes up to {@value #MAX_SEGMENTS} segments whose capacity
 * leaves room for the concatenation UDH: 153/152 GSM7 septets, 134/133 octets, 67/66 UCS2 characters
 * with an 8/16-bit reference. Cuts fall only between characters: a GSM escape sequence, a surrogate
 * pair or a multi-byte GBK character is never split, so a segment may carry a little less than its
 * capacity. Text is encoded as {@link io.smsgw.core.text.SmsText#encode(String, SmsEncoding)} does
 * (GSM7 unpacked, unencodable characters as '?'), except in {@link #splitPackedGsm7}.
 */
public final class SmsSplitter {

   /** Most segments one message can have (the UDH counts them in one octet). */
   public static final int MAX_SEGMENTS = 255;
   /** Octets of user data in one SMS. */
   public static final int USER_DATA_OCTETS = 140;
   /** GSM7 septets in one SMS without a UDH. */
   public static final int USER_DATA_SEPTETS = 160;

   private SmsSplitter() {
   }

   /**
    * Splits {@code text} into segments carrying a concatenation UDH with {@code reference}. GSM7 comes
    * out one septet per octet, as SMPP carries it, so such a segment is up to 6 + 153 octets long; the
    * SMSC packs it into 140.
    *
    * @throws IllegalArgumentException if the text needs more than {@value #MAX_SEGMENTS} segments
    */
   public static List<Segment> split(String text, SmsEncoding encoding, ConcatReference reference) {
      Objects.requireNonNull(reference, "reference");
      EncodedText encoded = EncodedText.of(text, encoding);
      return toSegments(encoded, cuts(encoded, encoding, reference.width()), reference, false);
   }

   /**
    * Splits {@code text} as 7-bit packed GSM. Packed text after a UDH starts with the fill bits that
    * put it on a septet boundary; unencodable characters become '?'.
    *
    * @throws IllegalArgumentException if the text needs more than {@value #MAX_SEGMENTS} segments
    */
   public static List<Segment> splitPackedGsm7(String text, ConcatReference reference) {
      Objects.requireNonNull(reference, "reference");
      EncodedText encoded = EncodedText.of(text, SmsEncoding.GSM7);
      return toSegments(encoded, cuts(encoded, SmsEncoding.GSM7, reference.width()), reference, true);
   }

   /**
    * Splits binary {@code data}: up to 140 octets in one segment, else 134/133 octets per segment.
    *
    * @throws IllegalArgumentException if the data needs more than {@value #MAX_SEGMENTS} segments
    */
   public static List<Segment> split(byte[] data, ConcatReference reference) {
      Objects.requireNonNull(reference, "reference");
      EncodedText encoded = EncodedText.ofOctets(data);
      return toSegments(encoded, cuts(encoded, SmsEncoding.BINARY, reference.width()), reference, false);
   }

   /**
    * Splits {@code text} into segments without a UDH, for SMPP SAR TLVs (the caller adds sar_msg_ref_num,
    * sar_total_segments and sar_segment_seqnum from each segment). The TLVs take no room in short_message, but the
    * SMSC turns them into a UDH for the handset, so each segment leaves room for the 6-octet one (IE 0x00): 153 GSM
    * characters, 67 UCS2, 134 octets, as UDH parts. Give the TLVs a reference below 256 ({@link SplitReference}),
    * so that the SMSC has no reason to pick the 7-octet IE 0x08, for which a full segment has no room.
    *
    * @throws IllegalArgumentException if the text needs more than {@value #MAX_SEGMENTS} segments
    */
   public static List<Segment> splitPlain(String text, SmsEncoding encoding) {
      EncodedText encoded = EncodedText.of(text, encoding);
      return toSegments(encoded, cuts(encoded, encoding, ConcatReference.Width.EIGHT_BIT), null, false);
   }

   /**
    * How many segments {@link #split(String, SmsEncoding, ConcatReference)} would produce for a
    * reference of {@code width}; unlike it, this also answers above {@value #MAX_SEGMENTS}.
    */
   public static int countSegments(String text, SmsEncoding encoding, ConcatReference.Width width) {
      Objects.requireNonNull(width, "width");
      EncodedText encoded = EncodedText.of(text, encoding);
      return cutsUnbounded(encoded, encoding, width).length - 1;
   }

   /**
    * Capacity of a segment after a UDH of {@code headerOctets} (0: none) in encoded units: septets for GSM7
    * (as the SMSC packs them behind the header), octets otherwise.
    */
   public static int capacity(SmsEncoding encoding, int headerOctets) {
      if (encoding == SmsEncoding.GSM7) {
         return headerOctets == 0
            ? USER_DATA_SEPTETS
            : Gsm7Packing.maxSeptets(USER_DATA_OCTETS - headerOctets, Gsm7Packing.fillBitsAfterHeader(headerOctets));
      }
      return USER_DATA_OCTETS - headerOctets;
   }

   private static int[] cuts(EncodedText encoded, SmsEncoding encoding, ConcatReference.Width width) {
      int[] cuts = cutsUnbounded(encoded, encoding, width);
      int segments = cuts.length - 1;
      if (segments > MAX_SEGMENTS) {
         throw new IllegalArgumentException("message needs " + segments + " segments, at most " + MAX_SEGMENTS + " allowed");
      }
      return cuts;
   }

   /** Offsets where segments start, plus the end of the text: segment i is [cuts[i], cuts[i+1]). */
   private static int[] cutsUnbounded(EncodedText encoded, SmsEncoding encoding, ConcatReference.Width width) {
      if (encoded.length() <= capacity(encoding, 0)) {
         return new int[] {0, encoded.length()};
      }
      int capacity = capacity(encoding, width.headerLength());
      int[] cuts = new int[encoded.length() / capacity + 2];
      int count = 0;
      cuts[count++] = 0;
      int start = 0;
      int character = 0;
      int characters = encoded.characterCount();
      while (character < characters) {
         int end = start;
         while (character < characters && encoded.end(character) - start <= capacity) {
            end = encoded.end(character++);
         }
         if (end == start) {
            // Unreachable with SMS capacities (a character takes at most 4 octets); guards the loop.
            throw new IllegalStateException("a character does not fit in " + capacity + " units");
         }
         if (count == cuts.length) {
            cuts = Arrays.copyOf(cuts, count * 2);
         }
         cuts[count++] = end;
         start = end;
      }
      return Arrays.copyOf(cuts, count);
   }

   private static List<Segment> toSegments(EncodedText encoded, int[] cuts, ConcatReference reference, boolean packGsm7) {
      int total = cuts.length - 1;
      boolean withHeader = total > 1 && reference != null;
      List<Segment> segments = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
         byte[] header = withHeader ? new ConcatPart(reference, total, i + 1).toUserDataHeader() : new byte[0];
         int start = cuts[i];
         int length = cuts[i + 1] - start;
         byte[] shortMessage;
         if (packGsm7) {
            byte[] packed = Gsm7Packing.pack(encoded.bytes(), start, length, Gsm7Packing.fillBitsAfterHeader(header.length),
                                             USER_DATA_OCTETS - header.length);
            shortMessage = concat(header, packed, 0, packed.length);
         } else {
            shortMessage = concat(header, encoded.bytes(), start, length);
         }
         segments.add(new Segment(shortMessage, header.length, i + 1, total));
      }
      return List.copyOf(segments);
   }

   private static byte[] concat(byte[] header, byte[] body, int offset, int length) {
      byte[] out = new byte[header.length + length];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(body, offset, out, header.length, length);
      return out;
   }
}
