package io.smsgw.smpp.client;

import java.math.BigInteger;

import io.smsgw.core.config.SmscLinkConfig.ReceiptIdFormat;

/**
 * The key under which a link's SMSC message ids are correlated. Some SMSCs answer submit_sm_resp with a hex
 * id and write the same number in decimal in receipts (or the other way round); for such links both sides
 * are reduced to the same decimal number. Links that write ids the same way ({@code as-given}) keep them as
 * given, except that an id made of hex digits only is one number however it is written: SMSCs answer
 * "0A1B" and write "a1b" in the receipt, or "000123" and "123". Such an id is keyed in lower case without
 * leading zeros, on both sides. An id with any other character (a letter after f, '-', '.') may be a string
 * whose case counts (base-62 ids), so it is compared exactly.
 */
final class ReceiptIds {

   private ReceiptIds() {
   }

   /** The key for the id the SMSC gave in submit_sm_resp. */
   static String fromResponse(String id, ReceiptIdFormat format) {
      return switch (format) {
         case AS_GIVEN -> tolerant(id);
         case DECIMAL_IN_RECEIPT -> number(id, 16);
         case HEX_IN_RECEIPT -> number(id, 10);
      };
   }

   /** The key for the id a receipt carries. */
   static String fromReceipt(String id, ReceiptIdFormat format) {
      return switch (format) {
         case AS_GIVEN -> tolerant(id);
         case DECIMAL_IN_RECEIPT -> number(id, 10);
         case HEX_IN_RECEIPT -> number(id, 16);
      };
   }

   /**
    * An id of hex digits only in lower case and without leading zeros ("0" stays); any other id as it is. No copy when
    * the id is already so (the usual case on the hot path).
    */
   static String tolerant(String id) {
      int length = id.length();
      boolean changes = length > 1 && id.charAt(0) == '0';
      for (int i = 0; i < length; i++) {
         char c = id.charAt(i);
         if (c >= 'A' && c <= 'F') {
            changes = true;
         } else if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
            return id;
         }
      }
      if (!changes) {
         return id;
      }
      int from = 0;
      while (from < length - 1 && id.charAt(from) == '0') {
         from++;
      }
      char[] key = new char[length - from];
      for (int i = from; i < length; i++) {
         char c = id.charAt(i);
         key[i - from] = c >= 'A' && c <= 'F' ? (char) (c + ('a' - 'A')) : c;
      }
      return new String(key);
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
