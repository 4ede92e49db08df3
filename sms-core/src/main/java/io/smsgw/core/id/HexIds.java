package io.smsgw.core.id;

/** Fixed-width lower-case hex formatting and strict parsing shared by the id types. */
final class HexIds {

   private static final char[] DIGITS = "0123456789abcdef".toCharArray();

   private HexIds() {
   }

   /** The low {@code digits * 4} bits of {@code value} as exactly {@code digits} lower-case hex digits. */
   static String format(long value, int digits) {
      char[] out = new char[digits];
      for (int i = digits - 1; i >= 0; i--) {
         out[i] = DIGITS[(int) (value & 0xF)];
         value >>>= 4;
      }
      return new String(out);
   }

   /** Parses exactly {@code digits} hex digits (either case); -1 signals anything else. */
   static long parse(CharSequence text, int digits) {
      if (text == null || text.length() != digits) {
         return -1;
      }
      long value = 0;
      for (int i = 0; i < digits; i++) {
         int digit = Character.digit(text.charAt(i), 16);
         if (digit < 0) {
            return -1;
         }
         value = value << 4 | digit;
      }
      return value;
   }
}
