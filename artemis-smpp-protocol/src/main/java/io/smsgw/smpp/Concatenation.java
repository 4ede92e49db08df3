package io.smsgw.smpp;

import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;

/**
 * SAR TLVs for a segment whose concatenation is known only from its segment properties (see
 * {@link io.smsgw.core.concat.SarSegments}): how SMPP 3.4 carries it without a user data header.
 */
public final class Concatenation {

   private Concatenation() {
   }

   /** Adds sar_msg_ref_num, sar_total_segments and sar_segment_seqnum to {@code tlvs}. */
   public static Tlvs.Builder addSar(Tlvs.Builder tlvs, int reference, int total, int number) {
      return tlvs.addU16(TlvTag.SAR_MSG_REF_NUM, reference).addU8(TlvTag.SAR_TOTAL_SEGMENTS, total)
         .addU8(TlvTag.SAR_SEGMENT_SEQNUM, number);
   }
}
