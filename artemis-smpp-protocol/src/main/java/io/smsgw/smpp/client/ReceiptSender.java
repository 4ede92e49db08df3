package io.smsgw.smpp.client;

import io.smsgw.core.config.RouteConfig;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.smpp.codec.Address;

/**
 * Whether a receipt known only by its content (esm_class 0, decision 128) comes from the MT it names: its source must be
 * the MT's recipient and its destination, where the record has one, the MT's source. An ordinary MO looks the same on
 * the wire, and a handset can write any receipt text, but not the number the network gives as its source.
 */
final class ReceiptSender {

   private static final String COUNTRY_CODE = RouteConfig.COUNTRY_CODE;

   private ReceiptSender() {
   }

   /**
    * @param mtSource the source address the link sent the MT with: the record's, or the link's source-override
    */
   static boolean fromRecipient(CorrelationRecord record, String mtSource, Address source, Address destination) {
      if (!sameNumber(source.address(), record.destination())) {
         return false;
      }
      // No destination at all is no handset's: an MO always carries the number it was sent to. Some SMSCs leave it
      // empty in receipts; the source, which decides, was checked.
      String to = destination.address();
      return mtSource == null || mtSource.isEmpty() || to == null || to.isEmpty() || sameNumber(to, mtSource);
   }

   /**
    * The same subscriber number however it is written: {@code +86}, {@code 0086}, {@code 86} or nothing before the
    * national number, {@code +} or {@code 00} before another country's, or a national trunk {@code 0}. TON is not
    * needed: SMSCs write a TON 1 number with its country code and a TON 2 one without, which this reads alike, and a
    * TON that contradicts the digits (TON 1 with national digits) must not turn the recipient's real receipt into an
    * MO. Compared in place, no copies; an empty number is nobody's.
    */
   static boolean sameNumber(String a, String b) {
      if (a == null || b == null) {
         return false;
      }
      int fromA = nationalFrom(a);
      int fromB = nationalFrom(b);
      int length = a.length() - fromA;
      return length > 0 && length == b.length() - fromB && a.regionMatches(fromA, b, fromB, length);
   }

   /** Where the number's national part starts. */
   private static int nationalFrom(String number) {
      int from = number.startsWith("+") ? 1 : number.startsWith("00") ? 2 : 0;
      if (number.startsWith(COUNTRY_CODE, from)) {
         return from + COUNTRY_CODE.length();
      }
      return from == 0 && number.startsWith("0") ? 1 : from;
   }
}
