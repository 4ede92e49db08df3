package io.smsgw.core.receipt;

/**
 * How a report's outcome is worded for the peer that reads it (docs/message-contract.md, "Report codes"). The DR keeps
 * the full code in {@code smsErrorCode}; each protocol gets the form its readers parse:
 * <ul>
 *    <li>SMPP receipt {@code err:} is exactly 3 characters ({@link #receiptError}): clients such as cloudhopper refuse
 *        a longer one and lose the receipt.</li>
 *    <li>CMPP {@code Stat} carries the network codes of CMPP §1.10 (MB:xxxx the SMSC answered with an error, MA:xxxx it
 *        did not answer, MC:xxxx no report came) where the gateway knows them ({@code smsNetworkCode}); an SMPP receipt
 *        keeps the state word they mean ({@link #state}).</li>
 *    <li>CMPP {@code SMSC_sequence} is the SMSC's message id when it is a number that fits a u32 ({@link #smscSequence}).</li>
 * </ul>
 */
public final class ReportCodes {

   /** {@code err:} of a report without an error. */
   public static final String NO_ERROR = "000";
   /** {@code err:} of a code that 3 characters cannot hold (a number over 999, a longer word). */
   public static final String OTHER_ERROR = "999";
   /** CMPP Stat of a part whose submit_sm the SMSC never answered, so the link gave up on it. */
   public static final String SMSC_NO_ANSWER = "MA:0000";
   /** CMPP Stat of an MT the SMSC took but whose receipt never came before its record expired. */
   public static final String SMSC_NO_REPORT = "MC:0000";

   private static final long U32_MAX = 0xFFFF_FFFFL;

   private ReportCodes() {
   }

   /**
    * Whether {@code stat} is a CMPP network code as §1.10 writes them: two letters (the node: M SMSC, I next ISMG, S SP,
    * C SCP, D DSMP, or an operator's own), a colon and four letters or digits, such as {@code MB:0005}.
    */
   public static boolean isNetworkCode(CharSequence stat) {
      if (stat == null || stat.length() != 7 || !isLetter(stat.charAt(0)) || !isLetter(stat.charAt(1)) || stat.charAt(2) != ':') {
         return false;
      }
      for (int i = 3; i < 7; i++) {
         char c = stat.charAt(i);
         if (!isLetter(c) && (c < '0' || c > '9')) {
            return false;
         }
      }
      return true;
   }

   /**
    * The state word a network code means in an SMPP receipt: REJECTD for MB (the SMSC refused it, which is what this
    * gateway's own links report for a refusal), UNDELIV for every other code (no answer, an error answer or no report
    * from the SMSC or another node: not delivered as far as anyone can tell). UNKNOWN for what is no network code.
    */
   public static DeliveryState state(CharSequence networkCode) {
      if (!isNetworkCode(networkCode)) {
         return DeliveryState.UNKNOWN;
      }
      return upper(networkCode.charAt(0)) == 'M' && upper(networkCode.charAt(1)) == 'B' ? DeliveryState.REJECTD : DeliveryState.UNDELIV;
   }

   /**
    * The 3-character {@code err:} for {@code errorCode}: a number (digits only, or the digits of a network code such as
    * {@code IB:0001}) up to 999 zero-padded to 3 digits ({@code 5} → {@code 005}, {@code 0011} → {@code 011},
    * {@code IB:0001} → {@code 001}); a larger number ({@code 1024}, a network error code of 5 digits) or any other value
    * longer than 3 characters {@value #OTHER_ERROR}; another value of exactly 3 characters without spaces as it is;
    * none {@value #NO_ERROR}.
    */
   public static String receiptError(CharSequence errorCode) {
      if (errorCode == null || errorCode.isEmpty()) {
         return NO_ERROR;
      }
      int from = isNetworkCode(errorCode) ? 3 : 0;
      int value = 0;
      boolean digits = true;
      for (int i = from; i < errorCode.length() && digits; i++) {
         char c = errorCode.charAt(i);
         digits = c >= '0' && c <= '9';
         value = Math.min(value * 10 + (c - '0'), 1000); // capped: only "over 999" matters
      }
      if (digits) {
         return value > 999 ? OTHER_ERROR : value < 10 ? "00" + value : value < 100 ? "0" + value : Integer.toString(value);
      }
      if (errorCode.length() == 3 && from == 0) {
         for (int i = 0; i < 3; i++) {
            if (errorCode.charAt(i) <= ' ') {
               return OTHER_ERROR;
            }
         }
         return errorCode.toString();
      }
      return OTHER_ERROR;
   }

   /**
    * The CMPP Stat of a submit_sm the SMSC refused with {@code commandStatus}: {@code MB:} and the status in 4 decimal
    * digits ({@code ESME_RINVDSTADR} 0x0B → {@code MB:0011}, a vendor status 0x400 → {@code MB:1024}); a status over
    * 9999 gives {@code MB:9999}.
    */
   public static String smscRefusal(int commandStatus) {
      long status = commandStatus & U32_MAX;
      if (status > 9999) {
         return "MB:9999";
      }
      String digits = Long.toString(status);
      return "MB:" + "0000".substring(digits.length()) + digits;
   }

   /**
    * The CMPP SMSC_sequence for the SMSC's message id: the id read as a decimal number when it has digits only, else as
    * a hexadecimal one when it has hex digits only (as the links key such ids, decision 124), when the value fits a u32;
    * otherwise, and without an id, 0. An id of digits only is read as decimal even if the SMSC meant it as hex: most
    * SMSCs count in decimal, and the links' decimal-in-receipt and hex-in-receipt formats key every id as a decimal number.
    */
   public static long smscSequence(CharSequence smscMessageId) {
      if (smscMessageId == null || smscMessageId.isEmpty()) {
         return 0;
      }
      boolean decimal = true;
      for (int i = 0; i < smscMessageId.length() && decimal; i++) {
         char c = smscMessageId.charAt(i);
         decimal = c >= '0' && c <= '9';
      }
      int radix = decimal ? 10 : 16;
      long value = 0;
      for (int i = 0; i < smscMessageId.length(); i++) {
         int digit = hexDigit(smscMessageId.charAt(i));
         if (digit < 0) {
            return 0;
         }
         value = value * radix + digit;
         if (value > U32_MAX) {
            return 0;
         }
      }
      return value;
   }

   private static int hexDigit(char c) {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
   }

   private static boolean isLetter(char c) {
      return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
   }

   private static char upper(char c) {
      return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
   }
}
