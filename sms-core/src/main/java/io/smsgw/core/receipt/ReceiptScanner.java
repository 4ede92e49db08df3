package io.smsgw.core.receipt;

import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;

/**
 * Hand-written single-pass scanner behind {@link DeliveryReceipt#parse(CharSequence)}; one instance
 * per parse, not thread-safe. Runs once per receipt on the SMSC link's event loop, hence no regex.
 */
final class ReceiptScanner {

   private static final int ID = 0;
   private static final int SUB = 1;
   private static final int DLVRD = 2;
   private static final int SUBMIT_DATE = 3;
   private static final int DONE_DATE = 4;
   private static final int STAT = 5;
   private static final int ERR = 6;
   private static final int TEXT = 7;
   /**
    * Key spellings in lower case; a key of two words allows any run of spaces, or one underscore ("done_date:", as
    * some SMSCs write it), between them.
    */
   private static final String[][] KEYS = {
      {"id"}, {"sub"}, {"dlvrd"}, {"submit", "date"}, {"done", "date"}, {"stat"}, {"err"}, {"text"}};
   /** More digits than this cannot be a real sub/dlvrd count and would overflow an int. */
   private static final int MAX_COUNT_DIGITS = 9;

   private final CharSequence in;
   private final int length;
   /** Set by {@link #matchKey(int)}: index just after the key's colon. */
   private int valueStart;

   private String id;
   private boolean idInvalid;
   private int submitted;
   private int delivered;
   private LocalDateTime submitDate;
   private LocalDateTime doneDate;
   private DeliveryState state;
   private String error;
   private String text;

   ReceiptScanner(CharSequence in) {
      this.in = in;
      this.length = in.length();
   }

   DeliveryReceipt scan() {
      int i = skipSpaces(0);
      boolean first = true;
      int seen = 0;
      while (i < length) {
         int key = matchKey(i);
         if (key < 0) {
            if (first) {
               return null; // does not even start like a receipt
            }
            i = skipSpaces(tokenEnd(i)); // vendor extras such as "smsc:xyz"
            continue;
         }
         first = false;
         seen |= 1 << key;
         int start = valueStart;
         if (key == TEXT) {
            int fields = fieldsAfterText(start, seen);
            if (fields < 0) {
               text = in.subSequence(start, withoutTrailingNuls(start)).toString();
               break;
            }
            // Some SMSCs write text: before stat: or err:; the text ends where only fields remain
            text = in.subSequence(start, withoutTrailingSpaces(start, fields)).toString();
            i = fields;
            continue;
         }
         int end = valueEnd(start);
         store(key, valueStartOf(start, end), end);
         i = skipSpaces(end);
      }
      if (id == null || idInvalid || state == null) {
         return null;
      }
      return new DeliveryReceipt(id, submitted, delivered, submitDate, doneDate, state, error, text);
   }

   /**
    * The end of the value that starts just after a key's colon at {@code start}: "key: value" is tolerated, but
    * "err: text:..." means an empty err.
    */
   private int valueEnd(int start) {
      if (start < length && !isSpace(in.charAt(start))) {
         return tokenEnd(start);
      }
      int next = skipSpaces(start);
      return next < length && matchKey(next) < 0 ? tokenEnd(next) : next;
   }

   /** Where the value that {@link #valueEnd} ended at {@code end} starts: after the spaces behind the colon. */
   private int valueStartOf(int start, int end) {
      int next = skipSpaces(start);
      return Math.min(next, end);
   }

   /**
    * Where the fields after a {@code text:} value start, when it is not the last field: the first word of the value
    * (after a space) from which the rest holds only {@code key:value} fields, at least one of them a receipt key not
    * seen yet ({@code seen}, a bit per key), none a key seen already or {@code text:}, and any others vendor fields
    * ({@code smsc:xyz}). A text that merely mentions "stat:" before words of its own, or a key the receipt already has,
    * stays text. -1 when the text runs to the end, as in the standard layout.
    */
   private int fieldsAfterText(int textStart, int seen) {
      for (int at = textStart; at < length; at++) {
         if (isSpace(in.charAt(at))) {
            continue;
         }
         if (at > textStart && isSpace(in.charAt(at - 1)) && onlyFieldsFrom(at, seen)) {
            return at;
         }
      }
      return -1;
   }

   private boolean onlyFieldsFrom(int at, int seen) {
      boolean receiptKey = false;
      int i = at;
      while (i < length) {
         int key = matchKey(i);
         int end;
         if (key >= 0) {
            if (key == TEXT || (seen & (1 << key)) != 0) {
               return false;
            }
            seen |= 1 << key;
            receiptKey = true;
            end = valueEnd(valueStart);
         } else if (isVendorField(i)) {
            end = tokenEnd(i);
         } else {
            return false;
         }
         i = skipSpaces(end); // a C-string terminator counted into short_message is a space too
      }
      return receiptKey;
   }

   /** A vendor's own {@code name:value} token: a letter, then letters, digits, '_' or '-', then a colon. */
   private boolean isVendorField(int at) {
      char first = in.charAt(at);
      if (!Character.isLetter(first)) {
         return false;
      }
      for (int i = at + 1; i < length && !isSpace(in.charAt(i)); i++) {
         char c = in.charAt(i);
         if (c == ':') {
            return true;
         }
         if (!Character.isLetterOrDigit(c) && c != '_' && c != '-') {
            return false;
         }
      }
      return false;
   }

   private void store(int key, int start, int end) {
      switch (key) {
         case ID -> {
            idInvalid = end == start || end - start > DeliveryReceipt.MAX_ID_LENGTH;
            id = in.subSequence(start, end).toString();
         }
         case SUB -> submitted = parseCount(start, end);
         case DLVRD -> delivered = parseCount(start, end);
         case SUBMIT_DATE -> submitDate = parseDate(start, end);
         case DONE_DATE -> doneDate = parseDate(start, end);
         case STAT -> state = DeliveryState.fromStat(in, start, end);
         case ERR -> error = end == start ? null : in.subSequence(start, end).toString();
         default -> throw new IllegalStateException("unhandled key " + key);
      }
   }

   /** Returns the key starting at {@code at} (and sets {@link #valueStart}), or -1. */
   private int matchKey(int at) {
      for (int key = 0; key < KEYS.length; key++) {
         int i = at;
         String[] words = KEYS[key];
         for (int w = 0; w < words.length && i >= 0; w++) {
            if (w > 0) {
               int afterSpaces = skipSpaces(i);
               i = afterSpaces > i ? afterSpaces : i < length && in.charAt(i) == '_' ? i + 1 : -1;
            }
            if (i >= 0) {
               i = matchWord(i, words[w]);
            }
         }
         if (i >= 0) {
            i = skipSpaces(i);
            if (i < length && in.charAt(i) == ':') {
               valueStart = i + 1;
               return key;
            }
         }
      }
      return -1;
   }

   private int matchWord(int at, String lowerCaseWord) {
      if (at + lowerCaseWord.length() > length) {
         return -1;
      }
      for (int k = 0; k < lowerCaseWord.length(); k++) {
         char c = in.charAt(at + k);
         if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
         }
         if (c != lowerCaseWord.charAt(k)) {
            return -1;
         }
      }
      return at + lowerCaseWord.length();
   }

   private int parseCount(int start, int end) {
      if (end == start || end - start > MAX_COUNT_DIGITS) {
         return 0;
      }
      int value = 0;
      for (int i = start; i < end; i++) {
         int digit = in.charAt(i) - '0';
         if (digit < 0 || digit > 9) {
            return 0;
         }
         value = value * 10 + digit;
      }
      return value;
   }

   /** YYMMDDhhmm or YYMMDDhhmmss; null when it is neither or not a real calendar time. */
   private LocalDateTime parseDate(int start, int end) {
      int digits = end - start;
      if (digits != 10 && digits != 12) {
         return null;
      }
      int yy = twoDigits(start);
      int month = twoDigits(start + 2);
      int day = twoDigits(start + 4);
      int hour = twoDigits(start + 6);
      int minute = twoDigits(start + 8);
      int second = digits == 12 ? twoDigits(start + 10) : 0;
      if (yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
         || minute < 0 || minute > 59 || second < 0 || second > 59) {
         return null;
      }
      // SMPP's recommended two-digit-year window: 38..99 -> 19xx, 00..37 -> 20xx
      int year = yy >= 38 ? 1900 + yy : 2000 + yy;
      if (day > Month.of(month).length(Year.isLeap(year))) {
         return null;
      }
      return LocalDateTime.of(year, month, day, hour, minute, second);
   }

   /** The two-digit number at {@code at}, or -1 when either character is not a digit. */
   private int twoDigits(int at) {
      int tens = in.charAt(at) - '0';
      int ones = in.charAt(at + 1) - '0';
      if (tens < 0 || tens > 9 || ones < 0 || ones > 9) {
         return -1;
      }
      return tens * 10 + ones;
   }

   private int tokenEnd(int at) {
      while (at < length && !isSpace(in.charAt(at))) {
         at++;
      }
      return at;
   }

   private int skipSpaces(int at) {
      while (at < length && isSpace(in.charAt(at))) {
         at++;
      }
      return at;
   }

   /** The end of [start, end) without the spaces at its end. */
   private int withoutTrailingSpaces(int start, int end) {
      while (end > start && isSpace(in.charAt(end - 1))) {
         end--;
      }
      return end;
   }

   /** Some SMSCs count the C-string terminator into short_message. */
   private int withoutTrailingNuls(int start) {
      int end = length;
      while (end > start && in.charAt(end - 1) == '\0') {
         end--;
      }
      return end;
   }

   /** Space, tab, CR, LF, NUL and other control characters separate fields. */
   static boolean isSpace(char c) {
      return c <= ' ';
   }
}
