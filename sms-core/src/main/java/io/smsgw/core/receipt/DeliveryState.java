package io.smsgw.core.receipt;

/**
 * State of a submitted message as reported in a delivery receipt. The constant names are the
 * 7-letter words of the SMPP receipt {@code stat:} field and of the CMPP status report {@code Stat}
 * field; {@link #messageState()} is the SMPP {@code message_state} value (TLV 0x0427, query_sm_resp).
 */
public enum DeliveryState {

   ENROUTE(1, "ENROUTE", false),
   DELIVRD(2, "DELIVERED", true),
   EXPIRED(3, "EXPIRED", true),
   DELETED(4, "DELETED", true),
   UNDELIV(5, "UNDELIVERABLE", true),
   ACCEPTD(6, "ACCEPTED", false),
   UNKNOWN(7, "UNKNOWN", true),
   REJECTD(8, "REJECTED", true);

   private static final DeliveryState[] BY_MESSAGE_STATE = {
      null, ENROUTE, DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD};
   private static final DeliveryState[] ALL = values();
   /**
    * Words some SMSCs write after {@code stat:} for states SMPP names otherwise (decision 113): buffered for a later
    * attempt and acknowledged are on their way, not final; failed is undeliverable.
    */
   private static final String[] VENDOR_WORDS = {"BUFFRED", "BUFFERD", "ACKED", "FAILED", "UNDELIVERED"};
   private static final DeliveryState[] VENDOR_STATES = {ENROUTE, ENROUTE, ACCEPTD, UNDELIV, UNDELIV};

   private final int messageState;
   private final String longName;
   private final boolean isFinal;

   DeliveryState(int messageState, String longName, boolean isFinal) {
      this.messageState = messageState;
      this.longName = longName;
      this.isFinal = isFinal;
   }

   /** The SMPP {@code message_state} value (1..8). */
   public int messageState() {
      return messageState;
   }

   /** The 7-letter word written after {@code stat:} in receipts and in CMPP {@code Stat}. */
   public String stat() {
      return name();
   }

   /**
    * Whether no further receipt is expected. ENROUTE and ACCEPTD are intermediate; a gateway must
    * not forward ACCEPTD to a CMPP SP as a final report.
    */
   public boolean isFinal() {
      return isFinal;
   }

   /** Maps an SMPP {@code message_state}; values outside 1..8 (e.g. 5.0's SCHEDULED) give UNKNOWN. */
   public static DeliveryState fromMessageState(int messageState) {
      if (messageState < 1 || messageState >= BY_MESSAGE_STATE.length) {
         return UNKNOWN;
      }
      return BY_MESSAGE_STATE[messageState];
   }

   /**
    * Maps a receipt {@code stat:} word, case-insensitively: the 7-letter words (DELIVRD, UNDELIV...),
    * the long SMPP 3.4 names (DELIVERED, UNDELIVERABLE, ACCEPTED, REJECTED...) and the vendor words
    * BUFFRED, BUFFERD (ENROUTE), ACKED (ACCEPTD), FAILED and UNDELIVERED (UNDELIV). Anything else,
    * including CMPP error codes such as {@code MB:0001} and null, gives UNKNOWN, which is final: a
    * receipt that is not flagged intermediate ends its MT even when its word cannot be read.
    */
   public static DeliveryState fromStat(CharSequence stat) {
      return stat == null ? UNKNOWN : fromStat(stat, 0, stat.length());
   }

   /** As {@link #fromStat(CharSequence)} for {@code text[from, to)}, without copying the word. */
   static DeliveryState fromStat(CharSequence text, int from, int to) {
      for (DeliveryState state : ALL) {
         if (equalsIgnoreCase(text, from, to, state.name()) || equalsIgnoreCase(text, from, to, state.longName)) {
            return state;
         }
      }
      for (int i = 0; i < VENDOR_WORDS.length; i++) {
         if (equalsIgnoreCase(text, from, to, VENDOR_WORDS[i])) {
            return VENDOR_STATES[i];
         }
      }
      return UNKNOWN;
   }

   private static boolean equalsIgnoreCase(CharSequence text, int from, int to, String upperCaseWord) {
      if (to - from != upperCaseWord.length()) {
         return false;
      }
      for (int i = 0; i < upperCaseWord.length(); i++) {
         char c = text.charAt(from + i);
         if (c >= 'a' && c <= 'z') {
            c -= 'a' - 'A';
         }
         if (c != upperCaseWord.charAt(i)) {
            return false;
         }
      }
      return true;
   }
}
