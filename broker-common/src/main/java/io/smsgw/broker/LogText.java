package io.smsgw.broker;

/**
 * A string a peer sent (a system_id, an SP_Id, a message id, a receipt's text) as it may appear in a log line: control
 * characters escaped, so a CR or LF cannot start a forged line of its own, and cut after {@link #MAX_LENGTH}
 * characters, so one PDU cannot write kilobytes of log. Used by both acceptors and the SMSC links for everything a PDU
 * brings into their log lines.
 */
public final class LogText {

   /** Characters kept of a longer string; the protocols' ids are far shorter (system_id 15, message_id 64). */
   public static final int MAX_LENGTH = 80;

   private LogText() {
   }

   /** {@code text} with CR, LF, TAB and other control characters written as {@code \r}, {@code \n}, {@code \t}, {@code \\uXXXX}, cut to {@link #MAX_LENGTH}. */
   public static String safe(CharSequence text) {
      return safe(text, MAX_LENGTH);
   }

   public static String safe(CharSequence text, int maxLength) {
      if (text == null) {
         return "null";
      }
      int length = text.length();
      int i = 0;
      while (i < length && i < maxLength && !escaped(text.charAt(i))) {
         i++;
      }
      if (i == length) {
         return text.toString(); // the common case: nothing to change, nothing allocated
      }
      StringBuilder out = new StringBuilder(Math.min(length, maxLength) + 24).append(text, 0, i);
      for (; i < length && i < maxLength; i++) {
         char c = text.charAt(i);
         switch (c) {
            case '\r' -> out.append("\\r");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            default -> {
               if (escaped(c)) {
                  out.append(String.format("\\u%04x", (int) c));
               } else {
                  out.append(c);
               }
            }
         }
      }
      if (length > maxLength) {
         out.append("...(").append(length).append(" chars)");
      }
      return out.toString();
   }

   /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators some log viewers break lines at. */
   private static boolean escaped(char c) {
      return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
   }
}
