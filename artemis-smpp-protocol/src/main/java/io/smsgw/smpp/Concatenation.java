package io.smsgw.smpp;

import io.smsgw.core.concat.ConcatPart;
import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;

/**
 * Puts a segment whose concatenation is known only from its segment properties (smsSegmentRef, Total,
 * Number without smsUdh: SAR TLVs from an ESME or an SMSC leave a segment so) back on the wire: SAR TLVs
 * for SMPP 3.4, a concatenation UDH for 3.3, which has no TLVs.
 */
public final class Concatenation {

   private static final String SMPP = "SMPP";

   private Concatenation() {
   }

   /**
    * Whether {@code m} is one segment an SMPP peer sent with SAR TLVs: segment properties of more than one
    * segment, no smsUdh, protocol SMPP. A CMPP Pk_total/Pk_number without a UDH is no concatenation the handset
    * sees (CMPP carries that in the UDH only), so such messages keep going out as they came.
    */
   public static boolean isSarSegment(SmsMessageReader m) {
      return m.integer(SmsProperties.SEGMENT_TOTAL, 0) > 1 && m.udh() == null && SMPP.equals(m.string(SmsProperties.PROTOCOL));
   }

   /** Adds sar_msg_ref_num, sar_total_segments and sar_segment_seqnum to {@code tlvs}. */
   public static Tlvs.Builder addSar(Tlvs.Builder tlvs, int reference, int total, int number) {
      return tlvs.addU16(TlvTag.SAR_MSG_REF_NUM, reference).addU8(TlvTag.SAR_TOTAL_SEGMENTS, total)
         .addU8(TlvTag.SAR_SEGMENT_SEQNUM, number);
   }

   /**
    * The concatenation UDH (8-bit reference IE 0x00, or 16-bit 0x08 above 255) followed by {@code userData}
    * (GSM7 one septet per octet), or null when both do not fit one SMS: the handset would get it cut.
    *
    * @throws IllegalArgumentException if reference, total or number are out of range
    */
   public static byte[] withUdh(int reference, int total, int number, byte[] userData, SmsEncoding encoding) {
      ConcatReference ref = reference > ConcatReference.Width.EIGHT_BIT.maxValue()
         ? ConcatReference.sixteenBit(reference) : ConcatReference.eightBit(reference);
      byte[] header = new ConcatPart(ref, total, number).toUserDataHeader();
      if (userData.length > SmsSplitter.capacity(encoding, header.length)) {
         return null;
      }
      byte[] out = new byte[header.length + userData.length];
      System.arraycopy(header, 0, out, 0, header.length);
      System.arraycopy(userData, 0, out, header.length, userData.length);
      return out;
   }
}
