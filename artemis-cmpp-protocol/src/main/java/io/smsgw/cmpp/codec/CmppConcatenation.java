package io.smsgw.cmpp.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.smsgw.core.concat.ConcatPart;
import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.Segment;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.text.Gsm7Alphabet;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;

/**
 * A message longer than one DELIVER or FWD carries ({@link CmppCodec#maxContentLength}) as the Msg_Content of its
 * concatenated parts, each behind a concatenation UDH (IE 0x00, 8-bit reference; TP_udhi 1), cut where a handset's
 * SMS ends, so each part is what the network would carry as one: text that GSM 7-bit holds and goes as ASCII (Msg_Fmt
 * 0) at 153 septets (a part is then at most 159 octets), other text at 67 UCS2 characters, never inside a surrogate
 * pair; binary data at 134 octets.
 */
public final class CmppConcatenation {

   /** Octets of the concatenation header each part carries. */
   public static final int PART_HEADER = ConcatReference.Width.EIGHT_BIT.headerLength();

   private static final int MSG_FMT_ASCII = 0;

   private CmppConcatenation() {
   }

   /**
    * The parts of {@code text} sent as {@code msgFmt} (0 ASCII, else UCS2).
    *
    * @throws IllegalArgumentException if it needs more than 255 parts
    */
   public static List<byte[]> parts(String text, int msgFmt, int reference) {
      if (msgFmt != MSG_FMT_ASCII) {
         return shortMessages(SmsSplitter.split(text, SmsEncoding.UCS2, ConcatReference.eightBit(reference & 0xFF)));
      }
      return withHeaders(cut(text), reference);
   }

   /**
    * The parts of binary {@code data}.
    *
    * @throws IllegalArgumentException if it needs more than 255 parts
    */
   public static List<byte[]> parts(byte[] data, int reference) {
      return shortMessages(SmsSplitter.split(data, ConcatReference.eightBit(reference & 0xFF)));
   }

   private static List<byte[]> shortMessages(List<Segment> segments) {
      List<byte[]> parts = new ArrayList<>(segments.size());
      for (Segment segment : segments) {
         parts.add(segment.shortMessage());
      }
      return parts;
   }

   /**
    * ASCII pieces with their headers. The splitter's GSM 7-bit output is GSM's own code points, not ASCII, so text
    * sent as Msg_Fmt 0 is cut here, where the handset's 7-bit room ends.
    */
   private static List<byte[]> withHeaders(List<byte[]> pieces, int reference) {
      int total = pieces.size();
      if (total > SmsSplitter.MAX_SEGMENTS) {
         throw new IllegalArgumentException("message needs " + total + " parts, at most " + SmsSplitter.MAX_SEGMENTS);
      }
      ConcatReference ref = ConcatReference.eightBit(reference & 0xFF);
      List<byte[]> parts = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
         byte[] header = new ConcatPart(ref, total, i + 1).toUserDataHeader();
         byte[] piece = pieces.get(i);
         byte[] part = Arrays.copyOf(header, header.length + piece.length);
         System.arraycopy(piece, 0, part, header.length, piece.length);
         parts.add(part);
      }
      return parts;
   }

   /**
    * Text sent as ASCII (Msg_Fmt 0) cut into the octets of each part: at 153 septets when GSM 7-bit holds it (the
    * handset's 7-bit room after the header), else at 67 characters' room as UCS2 would have; never inside a surrogate
    * pair.
    */
   private static List<byte[]> cut(String text) {
      boolean gsm7 = Gsm7Alphabet.canEncode(text);
      int capacity = SmsSplitter.capacity(gsm7 ? SmsEncoding.GSM7 : SmsEncoding.UCS2, PART_HEADER);
      List<byte[]> pieces = new ArrayList<>();
      int start = 0;
      int used = 0;
      for (int i = 0, n = text.length(); i < n; ) {
         char c = text.charAt(i);
         int chars = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1)) ? 2 : 1;
         int cost = gsm7 ? Gsm7Alphabet.septetCount(c) : 2 * chars;
         if (used + cost > capacity) {
            pieces.add(SmsText.encode(text.substring(start, i), SmsEncoding.ASCII));
            start = i;
            used = 0;
         }
         used += cost;
         i += chars;
      }
      pieces.add(SmsText.encode(text.substring(start), SmsEncoding.ASCII));
      return pieces;
   }
}
