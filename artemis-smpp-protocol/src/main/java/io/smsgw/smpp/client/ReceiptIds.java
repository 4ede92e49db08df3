package io.smsgw.smpp.client;

import java.math.BigInteger;

import io.smsgw.core.config.SmscLinkConfig.ReceiptIdFormat;

/**
 * The key under which a link's SMSC message ids are correlated. Some SMSCs answer submit_sm_resp with a hex
 * id and write the same number in decimal in receipts (or the other way round); for such links both sides
 * are reduced to the same decimal number. Links that write ids the same way keep them as given.
 */
final class ReceiptIds {

   private ReceiptIds() {
   }

   /** The key for the id the SMSC gave in submit_sm_resp. */
   static String fromResponse(String id, ReceiptIdFormat format) {
      return switch (format) {
         case AS_GIVEN -> id;
         case DECIMAL_IN_RECEIPT -> number(id, 16);
         case HEX_IN_RECEIPT -> number(id, 10);
      };
   }

   /** The key for the id a receipt carries. */
   static String fromReceipt(String id, ReceiptIdFormat format) {
      return switch (format) {
         case AS_GIVEN -> id;
         case DECIMAL_IN_RECEIPT -> number(id, 10);
         case HEX_IN_RECEIPT -> number(id, 16);
      };
   }

   /** The decimal value of {@code id} read in {@code radix}; an id that is no such number stays as it is. */
   private static String number(String id, int radix) {
      String trimmed = id.trim();
      if (trimmed.isEmpty()) {
         return id;
      }
      try {
         return new BigInteger(trimmed, radix).toString();
      } catch (NumberFormatException e) {
         return id;
      }
   }
}
