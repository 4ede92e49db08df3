package io.smsgw.routing;

import java.util.List;

import io.smsgw.core.config.RouteConfig;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import org.apache.activemq.artemis.api.core.Message;

/**
 * Keeps the parts of a long message its submitter split itself (a concatenation UDH, SAR TLVs, CMPP Pk_total/Pk_number)
 * on one link of a weighted route. Each part is an MT of its own; picked at random, the parts of one message would leave
 * through different SMSCs (with different originators, a source-override, or a SAR reference cut to 8 bits on a
 * {@code long-messages = udh} link), and a handset joins only parts that share originator, reference and total
 * (3GPP TS 23.040 9.2.3.24.1). So such a part picks its link by weighted rendezvous hashing of (account, source,
 * destination, reference, total) among the links that are up: every part of a message gets the same link while the
 * same links are up, and messages share the links by weight as the random pick shares them (decisions.md, "The parts
 * of a long message its submitter split leave through one link"). Allocates nothing but the boxed segment numbers the
 * properties hand out, and reads no header but the message's own smsUdh octets.
 */
final class PartAffinity {

   /** What {@link #key} answers for an MT that is no part of a message its submitter split. */
   static final long NOT_A_PART = -1;

   private static final int IEI_CONCAT_8 = 0x00;
   private static final int IEI_CONCAT_16 = 0x08;

   private PartAffinity() {
   }

   /**
    * The key all parts of {@code mt}'s message share (never negative), or {@link #NOT_A_PART} when {@code mt} is a whole
    * message: its segment properties (smsSegmentTotal above 1, from a UDH, SAR TLVs or Pk_total), else a valid
    * concatenation element in its smsUdh (an application's part without segment properties) for more than one part.
    */
   static long key(Message mt, String account) {
      int total = SmsMessageReader.intOrElse(mt, SmsProperties.SEGMENT_TOTAL, 0);
      int reference;
      if (total > 1) {
         reference = SmsMessageReader.intOrElse(mt, SmsProperties.SEGMENT_REF, 0);
      } else {
         long concat = mt.getObjectProperty(SmsProperties.UDH) instanceof byte[] udh ? concatenation(udh) : NOT_A_PART;
         if (concat == NOT_A_PART) {
            return NOT_A_PART;
         }
         reference = (int) (concat >>> 8);
         total = (int) (concat & 0xFF);
      }
      long h = FNV_OFFSET;
      h = hash(h, account);
      h = hash(h, mt.getObjectProperty(SmsProperties.SOURCE));
      h = hash(h, mt.getObjectProperty(SmsProperties.DESTINATION));
      h = (h ^ reference) * FNV_PRIME;
      h = (h ^ total) * FNV_PRIME;
      return mix(h) & Long.MAX_VALUE;
   }

   /**
    * The reference (bits 8 up) and total (bits 0-7) of the last valid concatenation element of {@code udh} (UDHL
    * first) for more than one part, else {@link #NOT_A_PART}. An element whose total is 0 or whose number is 0 or above
    * its total is ignored, as TS 23.040 tells receivers to; a header that runs past its octets ends the search.
    */
   static long concatenation(byte[] udh) {
      if (udh.length < 2) {
         return NOT_A_PART;
      }
      int end = Math.min(udh.length, 1 + (udh[0] & 0xFF));
      long found = NOT_A_PART;
      int position = 1;
      while (position + 2 <= end) {
         int identifier = udh[position] & 0xFF;
         int length = udh[position + 1] & 0xFF;
         int data = position + 2;
         if (data + length > end) {
            break;
         }
         if (identifier == IEI_CONCAT_8 && length == 3) {
            found = valid(udh[data] & 0xFF, udh[data + 1] & 0xFF, udh[data + 2] & 0xFF, found);
         } else if (identifier == IEI_CONCAT_16 && length == 4) {
            found = valid((udh[data] & 0xFF) << 8 | (udh[data + 1] & 0xFF), udh[data + 2] & 0xFF, udh[data + 3] & 0xFF, found);
         }
         position = data + length;
      }
      return found;
   }

   private static long valid(int reference, int total, int number, long otherwise) {
      if (total == 0 || number == 0 || number > total) {
         return otherwise;
      }
      return total > 1 ? (long) reference << 8 | total : NOT_A_PART;
   }

   /**
    * The link of {@code links} (not empty) the part with {@code key} goes to: the highest score weight / -ln(u), u in
    * (0, 1) drawn from the key and the link's id. Each link wins with the share its weight gives it, the pick depends
    * only on the key and the links offered, and a link coming or going moves only the messages it wins or won.
    */
   static String pick(List<RouteConfig.WeightedLink> links, long key) {
      String best = null;
      double bestScore = -1;
      for (int i = 0; i < links.size(); i++) {
         RouteConfig.WeightedLink link = links.get(i);
         long h = mix(key ^ mix(link.link().hashCode() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
         double u = ((h >>> 11) + 0.5) * 0x1.0p-53; // 53 random bits, never 0 nor 1
         double score = link.weight() / -Math.log(u);
         if (score > bestScore) {
            bestScore = score;
            best = link.link();
         }
      }
      return best;
   }

   private static final long FNV_OFFSET = 0xCBF29CE484222325L;
   private static final long FNV_PRIME = 0x100000001B3L;

   /** FNV-1a over the characters of a property (a SimpleString or a String, both CharSequence), then a separator. */
   private static long hash(long h, Object value) {
      if (value != null) {
         CharSequence chars = value instanceof CharSequence c ? c : value.toString();
         for (int i = 0, n = chars.length(); i < n; i++) {
            h = (h ^ chars.charAt(i)) * FNV_PRIME;
         }
      }
      return (h ^ 0x1F) * FNV_PRIME; // a separator, so ("ab", "c") and ("a", "bc") differ
   }

   /** The 64-bit finaliser of SplitMix64: every input bit moves every output bit. */
   private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
   }
}
