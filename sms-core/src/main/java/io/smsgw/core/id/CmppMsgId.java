package io.smsgw.core.id;

import java.util.OptionalLong;

/**
 * The fields of a 64-bit CMPP Msg_Id (CMPP 3.0 §1.9 of our protocol notes), most significant first:
 * month 4 bits, day 5, hour 5, minute 6, second 6, ISMG gateway code 22, sequence 16. The time is
 * the issuing gateway's local time; there is no year, so the same id comes back a year later.
 *
 * <p>Components are only checked against their bit widths, so any 64-bit value decodes and
 * re-encodes losslessly; ids from peers may carry values such as month 0 or 15.
 */
public record CmppMsgId(int month, int day, int hour, int minute, int second, int gatewayCode, int sequence) {

   public static final int MAX_GATEWAY_CODE = (1 << 22) - 1;
   public static final int MAX_SEQUENCE = 0xFFFF;
   /** Characters of the hex form, {@link #toHex(long)}. */
   public static final int HEX_LENGTH = 16;

   static final int MONTH_SHIFT = 60;
   static final int DAY_SHIFT = 55;
   static final int HOUR_SHIFT = 50;
   static final int MINUTE_SHIFT = 44;
   static final int SECOND_SHIFT = 38;
   static final int GATEWAY_SHIFT = 16;

   public CmppMsgId {
      checkWidth("month", month, 0xF);
      checkWidth("day", day, 0x1F);
      checkWidth("hour", hour, 0x1F);
      checkWidth("minute", minute, 0x3F);
      checkWidth("second", second, 0x3F);
      checkWidth("gatewayCode", gatewayCode, MAX_GATEWAY_CODE);
      checkWidth("sequence", sequence, MAX_SEQUENCE);
   }

   /** Splits a Msg_Id into its fields; never fails. */
   public static CmppMsgId decode(long msgId) {
      return new CmppMsgId(
         (int) (msgId >>> MONTH_SHIFT) & 0xF,
         (int) (msgId >>> DAY_SHIFT) & 0x1F,
         (int) (msgId >>> HOUR_SHIFT) & 0x1F,
         (int) (msgId >>> MINUTE_SHIFT) & 0x3F,
         (int) (msgId >>> SECOND_SHIFT) & 0x3F,
         (int) (msgId >>> GATEWAY_SHIFT) & MAX_GATEWAY_CODE,
         (int) msgId & MAX_SEQUENCE);
   }

   /** The 64-bit Msg_Id as sent on the wire (big-endian u64). */
   public long toLong() {
      return (long) month << MONTH_SHIFT
         | (long) day << DAY_SHIFT
         | (long) hour << HOUR_SHIFT
         | (long) minute << MINUTE_SHIFT
         | (long) second << SECOND_SHIFT
         | (long) gatewayCode << GATEWAY_SHIFT
         | sequence;
   }

   /** Exactly 16 lower-case hex digits, e.g. {@code bd36d78003e90001}; the form used as text id. */
   public static String toHex(long msgId) {
      return HexIds.format(msgId, HEX_LENGTH);
   }

   /** Reads the {@link #toHex(long)} form (either case); empty unless exactly 16 hex digits. */
   public static OptionalLong parseHex(CharSequence hex) {
      if (hex == null || hex.length() != HEX_LENGTH) {
         return OptionalLong.empty();
      }
      // 16 digits fill all 64 bits, so -1 is a legal id here: check the digits separately
      long high = HexIds.parse(hex.subSequence(0, 8), 8);
      long low = HexIds.parse(hex.subSequence(8, 16), 8);
      return high < 0 || low < 0 ? OptionalLong.empty() : OptionalLong.of(high << 32 | low);
   }

   /**
    * The 6-digit code of the gateway that issued the id in {@link #toHex(long)} form (where the message was
    * submitted, for an MT); empty when the text is no such id.
    */
   public static java.util.Optional<String> issuingGateway(CharSequence hex) {
      OptionalLong id = parseHex(hex);
      if (id.isEmpty()) {
         return java.util.Optional.empty();
      }
      int code = decode(id.getAsLong()).gatewayCode();
      return code > 999_999 ? java.util.Optional.empty() : java.util.Optional.of(String.format("%06d", code));
   }

   private static void checkWidth(String field, int value, int max) {
      if (value < 0 || value > max) {
         throw new IllegalArgumentException(field + " must be 0.." + max + ", got " + value);
      }
   }
}
