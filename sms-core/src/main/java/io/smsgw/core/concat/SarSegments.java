package io.smsgw.core.concat;

import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.text.SmsEncoding;

/**
 * Segments whose concatenation is known only from their segment properties (smsSegmentRef, Total, Number without
 * smsUdh): an ESME or an SMSC sent them with SAR TLVs. Peers without SAR TLVs (SMPP 3.3, CMPP, a FWD to another
 * gateway) need a concatenation user data header instead, or the handset or SP gets unrelated messages.
 */
public final class SarSegments {

   private static final String SMPP = "SMPP";

   private SarSegments() {
   }

   /**
    * Whether {@code m} is one segment an SMPP peer sent with SAR TLVs: segment properties of more than one
    * segment, no smsUdh, protocol SMPP. A CMPP Pk_total/Pk_number without a UDH is no concatenation the handset
    * sees (CMPP carries that in the UDH only), so such messages keep going out as they came.
    */
   public static boolean isSarSegment(SmsMessageReader m) {
      return m.integer(SmsProperties.SEGMENT_TOTAL, 0) > 1 && m.udh() == null && SMPP.equals(m.string(SmsProperties.PROTOCOL));
   }

   /**
    * The reference every receiving session of an account gets for SAR segment {@code m}: the low 8 bits of its
    * smsSegmentRef, in sar_msg_ref_num towards SMPP 3.4 as in the concatenation UDH towards SMPP 3.3 and CMPP. The
    * account's queue hands the parts of one message to any of its sessions, and a receiver that binds several joins
    * them by reference, so the number must not depend on the session's protocol; the UDH can carry only 8 bits on a
    * full part ({@link #withUdh}).
    */
   public static int reference(SmsMessageReader m) {
      return m.integer(SmsProperties.SEGMENT_REF, 0) & 0xFF;
   }

   /**
    * The concatenation UDH followed by {@code userData} (GSM7 one septet per octet), or null when the header does
    * not fit one SMS with it: the handset would get it cut. The header is always IE 0x00 with the reference's low 8
    * bits, whatever the segment's length: the parts of one message are converted one at a time, and a handset joins
    * only parts whose IE and reference agree, so the header must not depend on how long a part is. A full segment
    * (153 GSM characters, 67 UCS2, 134 octets) has no room for the 7-octet IE 0x08, so IE 0x00 is the one every part
    * can carry. The low 8 bits keep consecutive SAR references (an ESME's counter) apart for 256 messages.
    *
    * @throws IllegalArgumentException if total or number are out of range
    */
   public static byte[] withUdh(int reference, int total, int number, byte[] userData, SmsEncoding encoding) {
      byte[] header = new ConcatPart(ConcatReference.eightBit(reference & 0xFF), total, number).toUserDataHeader();
      if (userData.length > SmsSplitter.capacity(encoding, header.length)) {
         return null;
      }
      byte[] out = new byte[header.length + userData.length];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(userData, 0, out, header.length, userData.length);
      return out;
   }

   /**
    * The user data header a peer without SAR TLVs gets in front of {@code m}'s payload: its smsUdh, the concatenation
    * header {@link #withUdh} builds from a SAR segment's properties, or null for anything else.
    *
    * @throws IllegalArgumentException if a SAR segment's total or number are out of range
    */
   public static byte[] header(SmsMessageReader m) {
      byte[] udh = m.udh();
      if (udh != null || !isSarSegment(m)) {
         return udh;
      }
      return new ConcatPart(ConcatReference.eightBit(reference(m)),
         m.integer(SmsProperties.SEGMENT_TOTAL, 0), m.integer(SmsProperties.SEGMENT_NUMBER, 0)).toUserDataHeader();
   }

   /**
    * {@code payload} as a peer without SAR TLVs gets it: behind the message's own smsUdh, behind a concatenation
    * header built from its segment properties (a SAR segment), or alone; {@code header} says whether one is there.
    *
    * @throws IllegalArgumentException for a SAR segment that does not fit one message with its header
    */
   public static UserData userData(SmsMessageReader m, byte[] payload, SmsEncoding encoding) {
      byte[] udh = m.udh();
      if (udh != null) {
         byte[] content = new byte[udh.length + payload.length];
         System.arraycopy(udh, 0, content, 0, udh.length);
         System.arraycopy(payload, 0, content, udh.length, payload.length);
         return new UserData(content, true);
      }
      if (!isSarSegment(m)) {
         return new UserData(payload, false);
      }
      int total = m.integer(SmsProperties.SEGMENT_TOTAL, 0);
      int number = m.integer(SmsProperties.SEGMENT_NUMBER, 0);
      byte[] content = withUdh(reference(m), total, number, payload, encoding);
      if (content == null) {
         throw new IllegalArgumentException("segment " + number + "/" + total + " does not fit one message with its concatenation header");
      }
      return new UserData(content, true);
   }

   /** User data octets, and whether they start with a user data header (TP-UDHI). */
   public record UserData(byte[] content, boolean header) {
   }
}
