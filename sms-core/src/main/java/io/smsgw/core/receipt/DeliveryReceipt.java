package io.smsgw.core.receipt;

import java.time.LocalDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * The text form of an SMPP delivery receipt (SMPP 3.4 Appendix B), the de-facto standard that SMSCs
 * put in the short_message of a receipt deliver_sm and that 3.3 ESMEs can only read from there:
 * <pre>id:IIII sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:...</pre>
 *
 * @param id          message id exactly as returned in submit_sm_resp (1..64 characters, no spaces)
 * @param submitted   {@code sub:} count (0 when absent)
 * @param delivered   {@code dlvrd:} count (0 when absent)
 * @param submitDate  {@code submit date:}, minute precision in the standard form, or null
 * @param doneDate    {@code done date:}, or null
 * @param state       {@code stat:} word
 * @param error       {@code err:} code as written (usually 3 digits, "000" = none), or null
 * @param text        {@code text:} the start of the original message, or null
 */
public record DeliveryReceipt(String id, int submitted, int delivered, LocalDateTime submitDate,
                              LocalDateTime doneDate, DeliveryState state, String error, String text) {

   /** Longest id accepted: a 3.4 message_id is a C-Octet String of at most 65 bytes. */
   public static final int MAX_ID_LENGTH = 64;
   /** How many characters of the original message {@link #format()} copies into {@code text:}. */
   public static final int TEXT_LENGTH = 20;

   public DeliveryReceipt {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(state, "state");
      if (id.isEmpty() || id.length() > MAX_ID_LENGTH || containsSpace(id)) {
         throw new IllegalArgumentException("receipt id must be 1.." + MAX_ID_LENGTH + " characters without spaces: '" + id + "'");
      }
      if (submitted < 0 || delivered < 0) {
         throw new IllegalArgumentException("sub and dlvrd must be >= 0");
      }
      if (error != null && containsSpace(error)) {
         throw new IllegalArgumentException("err must not contain spaces: '" + error + "'");
      }
   }

   /**
    * Writes the standard receipt text. Counts are zero-padded to 3 digits, dates written as
    * YYMMDDhhmm, {@code text:} holds the first {@value #TEXT_LENGTH} characters of {@link #text()}.
    * Absent (null) dates and error are left out rather than invented; {@code text:} is always last.
    */
   public String format() {
      StringBuilder out = new StringBuilder(96 + id.length());
      out.append("id:").append(id);
      out.append(" sub:");
      appendPadded(out, submitted, 3);
      out.append(" dlvrd:");
      appendPadded(out, delivered, 3);
      if (submitDate != null) {
         out.append(" submit date:");
         appendDate(out, submitDate);
      }
      if (doneDate != null) {
         out.append(" done date:");
         appendDate(out, doneDate);
      }
      out.append(" stat:").append(state.stat());
      if (error != null) {
         out.append(" err:").append(error);
      }
      out.append(" text:");
      if (text != null) {
         out.append(text, 0, textCut(text));
      }
      return out.toString();
   }

   /**
    * Reads a receipt text. Accepts keys in any case ({@code text:} or {@code Text:}), runs of spaces
    * between fields, {@code submit_date:} and {@code done_date:} for the two-word keys, 10-digit
    * (YYMMDDhhmm) and 12-digit (YYMMDDhhmmss) dates, fields in any order, unknown {@code key:value}
    * tokens (skipped) and missing optional fields. {@code text:} takes the rest of the input, unless
    * only {@code key:value} fields follow one of its words, among them a receipt key the text has not
    * had yet ({@code text:Hi stat:DELIVRD err:000}): then it ends before them. Required: the input
    * starts with a known key, and has an {@code id:} of 1..64 characters and a {@code stat:}. A date or
    * count that cannot be read is treated as absent.
    *
    * @return the receipt, or empty when the input is null or not a receipt
    */
   public static Optional<DeliveryReceipt> parse(CharSequence receiptText) {
      return receiptText == null ? Optional.empty() : Optional.ofNullable(new ReceiptScanner(receiptText).scan());
   }

   private int textCut(String value) {
      if (value.length() <= TEXT_LENGTH) {
         return value.length();
      }
      // never split a surrogate pair: a lone high surrogate is not text any peer can encode
      return Character.isHighSurrogate(value.charAt(TEXT_LENGTH - 1)) ? TEXT_LENGTH - 1 : TEXT_LENGTH;
   }

   private static void appendDate(StringBuilder out, LocalDateTime date) {
      appendPadded(out, date.getYear() % 100, 2);
      appendPadded(out, date.getMonthValue(), 2);
      appendPadded(out, date.getDayOfMonth(), 2);
      appendPadded(out, date.getHour(), 2);
      appendPadded(out, date.getMinute(), 2);
   }

   private static void appendPadded(StringBuilder out, int value, int width) {
      for (int limit = 10, digits = 1; digits < width; digits++, limit *= 10) {
         if (value < limit) {
            out.append('0');
         }
      }
      out.append(value);
   }

   private static boolean containsSpace(String value) {
      for (int i = 0; i < value.length(); i++) {
         if (ReceiptScanner.isSpace(value.charAt(i))) {
            return true;
         }
      }
      return false;
   }
}
